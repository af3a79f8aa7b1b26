// Reads changelog partitions for restore with a consumer that never joins a group: it lists the
// partition's end offset once, at the call, and fetches from the requested offset up to it
// (Kafka Streams' restore consumer does the same with assign + seek). It also records the end
// offsets it saw, which are a restored task's changelog ends until it writes something.
// Under exactly-once it reads read_committed (KIP-98): up to the last stable offset, skipping
// aborted transactions, so a store never holds a write whose transaction did not commit.

import { FETCH_MAX_BYTES } from '../../client/index.js';
import type { Consumer } from '../../client/index.js';
import { topicPartitionKey, type ChangelogReader, type ChangelogRecord } from '../engine/transport.js';
import { StreamsError } from '../errors.js';
import { fetchPartitions } from './partition-fetch.js';

/** How often, and how far apart, a restore re-reads a changelog the broker cannot serve yet. */
const RESTORE_RETRIES = 200;
const RESTORE_RETRY_MS = 50;

export class KafkaChangelogReader implements ChangelogReader {
  /** `${topic}:${partition}` -> end offset at the last read. */
  readonly ends = new Map<string, bigint>();

  private readonly isolationLevel: 0 | 1;

  constructor(
    private readonly consumer: Consumer,
    options: { readCommitted?: boolean } = {},
  ) {
    this.isolationLevel = options.readCommitted ? 1 : 0;
  }

  async *read(topic: string, partition: number, fromOffset: bigint): AsyncIterable<readonly ChangelogRecord[]> {
    const metadata = await this.consumer.metadata({ topics: [topic], forceUpdate: true });
    if (!metadata.topics.has(topic)) return;
    const offsets = await this.consumer.listOffsets({ topics: [topic], partitions: { [topic]: [partition] }, timestamp: -1n, isolationLevel: this.isolationLevel });
    const end = offsets.get(topic)?.[partition] ?? 0n;
    this.ends.set(topicPartitionKey(topic, partition), end);
    let position = fromOffset;
    let retries = 0;
    while (position < end) {
      const [fetched] = await fetchPartitions(this.consumer, metadata, [{ topic, partition, offset: position }], {
        maxWaitMs: 0,
        // One partition at a time: all of the response may be its (client/fetch-sizes.ts).
        maxBytes: FETCH_MAX_BYTES,
        maxBytesPerPartition: FETCH_MAX_BYTES,
        isolationLevel: this.isolationLevel,
      });
      // Kafka may not serve a changelog created a moment ago yet: read the same offset again
      // (bounded), never stop the restore early.
      if (fetched && fetched.retriableError !== 0) {
        if (++retries > RESTORE_RETRIES) throw new StreamsError('FETCH_FAILED', `restoring ${topic}-${partition} at offset ${position}: Kafka error ${fetched.retriableError} persisted`);
        await new Promise((r) => setTimeout(r, RESTORE_RETRY_MS));
        continue;
      }
      retries = 0;
      if (!fetched || fetched.next <= position) break; // nothing more is readable (truncated, or compacted away)
      const batch: ChangelogRecord[] = [];
      for (const r of fetched.records) {
        if (r.offset >= end) break;
        if (r.key !== null) batch.push({ offset: r.offset, key: r.key, value: r.value, timestamp: r.timestamp });
      }
      position = fetched.next;
      if (batch.length > 0) yield batch;
    }
  }
}
