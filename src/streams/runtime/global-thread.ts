// Keeps global tables current (Kafka Streams' GlobalStreamThread): after the bootstrap load
// (engine/global-stores.ts), a loop of its own long-polls every partition of the global topics
// with a consumer of its own (no group: every instance reads everything) and applies new records
// to the global stores. It runs beside the stream thread; Node runs one callback at a time, so a
// store is never updated in the middle of a record's processing.

import { FETCH_MAX_BYTES, FETCH_PARTITION_MAX_BYTES, type Consumer } from '../../client/index.js';
import type { GlobalStores } from '../engine/global-stores.js';
import type { ChangelogReader } from '../engine/transport.js';
import { fetchPartitions, type FetchPosition } from './partition-fetch.js';

export class GlobalThread {
  private stopping = false;
  private loop: Promise<void> | undefined;
  private failures = 0;

  constructor(
    private readonly consumer: Consumer,
    private readonly globals: GlobalStores,
    private readonly readCommitted: boolean,
  ) {}

  /** Load every global store up to its topic's current end, before any task starts. */
  async bootstrap(reader: ChangelogReader & { readonly ends: ReadonlyMap<string, bigint> }, stateDir: string | undefined): Promise<void> {
    const topics = this.globals.topics;
    if (topics.length === 0) return;
    const metadata = await this.consumer.metadata({ topics, forceUpdate: true });
    await this.globals.bootstrap(reader, (t) => metadata.topics.get(t)?.partitionsCount ?? 0, stateDir);
    this.globals.resumeFrom(reader.ends);
  }

  /** Keep applying new records until stop(); `onFatal` hears of a failure that retries did not cure. */
  start(onFatal: (e: unknown) => void): void {
    if (this.globals.topics.length === 0) return;
    this.loop = this.run().catch(onFatal);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    const topics = this.globals.topics;
    let metadata = await this.consumer.metadata({ topics, forceUpdate: true });
    while (!this.stopping) {
      const positions: FetchPosition[] = [...this.globals.positions].map(([key, offset]) => {
        const at = key.lastIndexOf(':');
        return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)), offset };
      });
      try {
        const fetched = await fetchPartitions(this.consumer, metadata, positions, {
          maxWaitMs: 200,
          maxBytes: FETCH_MAX_BYTES,
          maxBytesPerPartition: FETCH_PARTITION_MAX_BYTES,
          isolationLevel: this.readCommitted ? 1 : 0,
        });
        for (const f of fetched) {
          if (this.globals.positions.get(`${f.topic}:${f.partition}`) !== f.requested) continue;
          this.globals.apply(f.topic, f.partition, f.records, f.next);
        }
        this.failures = 0;
      } catch (e) {
        if (++this.failures > 20) throw e;
        await new Promise((r) => setTimeout(r, Math.min(1_000, 50 * this.failures)));
        metadata = await this.consumer.metadata({ topics, forceUpdate: true });
      }
    }
  }
}
