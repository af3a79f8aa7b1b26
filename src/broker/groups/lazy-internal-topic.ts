// An internal topic created on first use, as Kafka creates __consumer_offsets and
// __transaction_state when the first request needs them (not at broker start, which on an empty
// data dir would otherwise cost two 50-partition topic creations).
//
// Concurrent first uses share one creation (one promise); a failed creation is forgotten so the
// next use tries again. Callers look their partition up first and only call ensure() when it is
// missing, so the steady state costs nothing.
import type { Logger } from '../../util/logger.js';
import type { TopicService } from '../topics/topic-service.js';

export class LazyInternalTopic {
  private creating: Promise<void> | null = null;

  constructor(
    private readonly topics: TopicService,
    readonly name: string,
    /** The partition count it will be created with (and the one to hash keys by until then). */
    readonly partitions: number,
    private readonly configs: Record<string, string>,
    private readonly logger: Logger,
  ) {}

  get exists(): boolean {
    return this.topics.get(this.name) !== undefined;
  }

  /** Resolves once the topic exists; rejects when creating it failed. */
  ensure(): Promise<void> {
    // The creation first: the topic is visible before all its partitions are open.
    if (this.creating) return this.creating;
    if (this.exists) return Promise.resolve();
    this.creating = this.topics.ensureInternal(this.name, this.partitions, this.configs).then(
      () => {
        this.logger.info('created internal topic on first use', { topic: this.name, partitions: this.partitions });
      },
      (e: unknown) => {
        this.creating = null;
        throw e;
      },
    );
    return this.creating;
  }
}
