// `?group=G` on an SSE stream: the stream starts at G's committed offsets and commits what it
// delivered (at most once a second, and when the stream ends), as a simple consumer
// (generation -1, no membership: browsers are not rebalanced against each other). Kafka refuses
// such commits while G has live members; that is logged, not fatal.
import { GroupOffsets, commitAsSimpleConsumer, createConsumer, type Admin, type ClientOptions, type Consumer } from '../../client/index.js';
import type { Logger } from '../../util/logger.js';
import { closeConsumer } from '../kafka-access.js';

const COMMIT_INTERVAL_MS = 1000;

export class GroupCommitter {
  private readonly consumer: Consumer;
  private readonly offsets: GroupOffsets;
  private pending: Map<number, bigint> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private committing: Promise<void> = Promise.resolve();

  constructor(
    private readonly admin: Admin,
    client: ClientOptions,
    readonly group: string,
    private readonly topic: string,
    private readonly logger: Logger,
  ) {
    this.consumer = createConsumer(client, { groupId: group, autocommit: false });
    this.offsets = new GroupOffsets(this.consumer);
  }

  /** Committed offsets of the partitions (absent where the group has none). */
  async committed(partitions: number[]): Promise<Map<number, bigint>> {
    const got = await this.offsets.fetch([{ topic: this.topic, partitions }]);
    const out = new Map<number, bigint>();
    for (const p of partitions) {
      const c = got.get(`${this.topic}:${p}`);
      if (c) out.set(p, c.offset);
    }
    return out;
  }

  /** Notes the last delivered offsets; the commit (offset + 1) follows within a second. */
  delivered(last: ReadonlyMap<number, bigint>): void {
    // Partitions with nothing delivered yet (-1 before a start at 0) have nothing to commit.
    this.pending = new Map([...last].filter(([, o]) => o >= 0n));
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.flush();
    }, COMMIT_INTERVAL_MS);
  }

  private flush(): void {
    const p = this.pending;
    this.pending = null;
    if (!p || p.size === 0) return;
    this.committing = this.committing.then(() =>
      commitAsSimpleConsumer(this.admin, this.group, [...p].map(([partition, offset]) => ({ topic: this.topic, partition, offset: offset + 1n }))).catch((e: unknown) => {
        this.logger.warn('SSE group commit failed', { group: this.group, error: e instanceof Error ? e.message : String(e) });
      }),
    );
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flush();
    await this.committing;
    await this.offsets.close().catch(() => undefined);
    await closeConsumer(this.consumer);
  }
}
