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

import type { PartitionRecords, RecordInput } from '../../client/index.js';
import { StreamsError } from '../errors.js';
import { defaultPartition } from '../engine/partitioner.js';
import { topicPartitionKey, type ProducedRecord, type RecordCollector } from '../engine/transport.js';

/** Records buffered before a send is started without waiting for the end of the fetch. */
const CHUNK = 5_000;

/**
 * Where the collector's batches go: BatchProducer (at-least-once) or, under exactly-once, the
 * instance's TransactionalProducer (records join the open transaction).
 */
export interface RecordSender {
  produce(parts: readonly PartitionRecords[]): Promise<Map<string, bigint>>;
}

interface PartitionBuffer {
  readonly topic: string;
  readonly partition: number;
  records: RecordInput[];
}

export class KafkaRecordCollector implements RecordCollector {
  /** `${topic}:${partition}` -> records not yet handed to the producer, in send order. */
  private buffers = new Map<string, PartitionBuffer>();
  private buffered = 0;
  private lastBuffer: PartitionBuffer | undefined;
  private lastTopic: string | undefined;
  private lastCount = -1;
  private inFlight: Promise<void> | undefined;
  private waiting = false;
  private failure: Error | undefined;
  /** Acknowledged end offsets, `${topic}:${partition}` -> next offset. */
  readonly ends = new Map<string, bigint>();
  sent = 0;

  constructor(
    private readonly producer: RecordSender,
    private readonly partitionCount: (topic: string) => number,
  ) {}

  send(r: ProducedRecord): void {
    if (this.failure) throw this.failure;
    let count = this.lastTopic === r.topic ? this.lastCount : -1;
    if (count < 0 && r.partition === undefined) {
      count = this.partitionCount(r.topic);
      this.lastTopic = r.topic;
      this.lastCount = count;
    }
    const partition = r.partition ?? (r.key === null ? 0 : defaultPartition(r.key, count));
    // Hot path: consecutive records to one partition reuse its buffer without building a key.
    let buffer = this.lastBuffer;
    if (buffer === undefined || buffer.partition !== partition || buffer.topic !== r.topic) {
      const key = topicPartitionKey(r.topic, partition);
      buffer = this.buffers.get(key);
      if (!buffer) this.buffers.set(key, (buffer = { topic: r.topic, partition, records: [] }));
      this.lastBuffer = buffer;
    }
    // Engine records already have the RecordInput shape (key, value, headers as {key, value}).
    buffer.records.push({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp < 0 ? 0 : r.timestamp });
    this.buffered++;
    this.sent++;
    if (this.buffered >= CHUNK) this.flush();
  }

  /**
   * Hand buffered records to the producer (does not wait for acknowledgement): one batch per
   * partition, one request. One send is in flight at a time, carrying everything buffered
   * meanwhile, so a partition's batches reach the broker in order; per-partition order is what
   * keeps per-key order in repartition topics and changelogs.
   */
  flush(): void {
    if (this.inFlight !== undefined || this.buffered === 0 || this.failure) return;
    const parts = [...this.buffers.values()];
    this.buffers = new Map();
    this.lastBuffer = undefined;
    const count = this.buffered;
    this.buffered = 0;
    this.inFlight = this.producer.produce(parts).then(
      (bases) => {
        for (const p of parts) {
          const k = topicPartitionKey(p.topic, p.partition);
          const base = bases.get(k);
          if (base === undefined) continue;
          const end = base + BigInt(p.records.length);
          if (end > (this.ends.get(k) ?? -1n)) this.ends.set(k, end);
        }
        this.inFlight = undefined;
        if (this.buffered >= CHUNK || this.waiting) this.flush();
      },
      (e: unknown) => {
        this.inFlight = undefined;
        this.failure ??= new StreamsError('PRODUCE_FAILED', `writing ${count} records failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
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
    this.buffers = new Map();
    this.lastBuffer = undefined;
    this.buffered = 0;
  }

  /**
   * Exactly-once, after an aborted transaction: wait out the send in flight, then forget buffered
   * records, the failure and the acknowledged ends (aborted writes are not the changelog's).
   */
  async reset(): Promise<void> {
    await this.inFlight?.catch(() => {});
    this.inFlight = undefined;
    this.discard();
    this.failure = undefined;
    this.ends.clear();
  }
}
