// The RecordCollector over a Kafka producer. `send` never blocks: records are buffered and handed
// to the producer in chunks (at the end of each processed fetch, or when a chunk fills), with
// acks=all. `flushAndWait` is the commit barrier: it resolves once every record sent so far is
// acknowledged, and fails if any was not, so offsets are never committed ahead of their outputs.
//
// Partitions are chosen here, not by the producer: a record without one gets Kafka's default
// partitioner (murmur2 of the key bytes; partition 0 for a null key, as the TestDriver does), so
// repartition topics stay co-partitioned with the tasks that read them. Knowing the partition
// also lets the collector track each partition's acknowledged end offset (base offset + records),
// which is what a commit records as the changelog end (engine/commit-metadata.ts).

import type { MessageToProduce, Producer } from '../../client/index.js';
import { StreamsError } from '../errors.js';
import { defaultPartition } from '../engine/partitioner.js';
import { topicPartitionKey, type ProducedRecord, type RecordCollector } from '../engine/transport.js';

const CHUNK = 2_000;
const MAX_PER_SEND = 10_000;

export class KafkaRecordCollector implements RecordCollector {
  private buffer: MessageToProduce[] = [];
  private inFlight: Promise<void> | undefined;
  private waiting = false;
  private failure: Error | undefined;
  /** Acknowledged end offsets, `${topic}:${partition}` -> next offset. */
  readonly ends = new Map<string, bigint>();
  sent = 0;

  constructor(
    private readonly producer: Producer,
    private readonly partitionCount: (topic: string) => number,
  ) {}

  send(r: ProducedRecord): void {
    if (this.failure) throw this.failure;
    const partition = r.partition ?? (r.key === null ? 0 : defaultPartition(r.key, this.partitionCount(r.topic)));
    const message: MessageToProduce = { topic: r.topic, partition, timestamp: BigInt(r.timestamp < 0 ? 0 : r.timestamp) };
    if (r.key !== null) message.key = r.key;
    if (r.value !== null) message.value = r.value;
    if (r.headers && r.headers.length > 0) {
      const headers = new Map<Buffer, Buffer>();
      for (const h of r.headers) headers.set(Buffer.from(h.key), h.value ?? Buffer.alloc(0));
      message.headers = headers;
    }
    this.buffer.push(message);
    this.sent++;
    if (this.buffer.length >= CHUNK) this.flush();
  }

  /**
   * Hand buffered records to the producer (does not wait for acknowledgement). One send is in
   * flight at a time, carrying everything buffered meanwhile: concurrent sends could reach the
   * broker out of order (each resolves metadata and connections asynchronously), and per-partition
   * order is what keeps per-key order in repartition topics and changelogs.
   */
  flush(): void {
    if (this.inFlight !== undefined || this.buffer.length === 0 || this.failure) return;
    const messages = this.buffer.length <= MAX_PER_SEND ? this.buffer : this.buffer.slice(0, MAX_PER_SEND);
    this.buffer = this.buffer.length <= MAX_PER_SEND ? [] : this.buffer.slice(MAX_PER_SEND);
    const counts = new Map<string, number>();
    for (const m of messages) {
      const k = topicPartitionKey(m.topic, m.partition!);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    this.inFlight = this.producer.send({ messages, acks: -1 }).then(
      (result) => {
        for (const o of result.offsets ?? []) {
          const k = topicPartitionKey(o.topic, o.partition);
          const end = o.offset + BigInt(counts.get(k) ?? 0);
          if (end > (this.ends.get(k) ?? -1n)) this.ends.set(k, end);
        }
        this.inFlight = undefined;
        if (this.buffer.length >= CHUNK || this.waiting) this.flush();
      },
      (e: unknown) => {
        this.inFlight = undefined;
        this.failure ??= new StreamsError('PRODUCE_FAILED', `writing ${messages.length} records failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      },
    );
  }

  /** Flush, then wait until everything sent so far is acknowledged; throws if anything failed. */
  async flushAndWait(): Promise<void> {
    this.waiting = true;
    try {
      this.flush();
      while (this.inFlight !== undefined) {
        await this.inFlight;
        this.flush();
      }
    } finally {
      this.waiting = false;
    }
    if (this.failure) throw this.failure;
  }

  get error(): Error | undefined {
    return this.failure;
  }

  /** Drop buffered records (used when tasks are abandoned without commit: their input is redone elsewhere). */
  discard(): void {
    this.buffer = [];
  }
}
