// Produces records that arrived over HTTP, for REST v2, v3 and the benchmarks alike. Records are
// placed as a Kafka producer would place them (explicit partition, else murmur2 of the key, else
// round robin), grouped into ONE record batch per partition, and sent in one Produce request per
// leader with acks=all through the client layer's BatchProducer; each record's offset is its
// partition's base offset plus its index in that batch.
//
// A partition whose records would exceed one batch is split across successive produce() calls, so
// each call's base offset still covers exactly the records of one batch (offsets stay exact).
import { partitionForKey, type RecordInput, type TopicView } from '../../client/index.js';
import type { KafkaAccess } from '../kafka-access.js';

export interface OutgoingRecord {
  /** Explicit partition, or undefined to let the key (or round robin) decide. */
  partition?: number | undefined;
  key: Buffer | null;
  value: Buffer | null;
  headers?: { key: string; value: Buffer | null }[];
  /** Milliseconds since the epoch (CreateTime); defaults to now. */
  timestamp?: number | undefined;
}

export interface ProducedRecord {
  partition: number;
  offset: bigint;
  timestamp: number;
}

/** Bytes of record data per partition per produce call; under BatchProducer's batch size. */
const MAX_CHUNK_BYTES = 192 * 1024;

export class RecordProducer {
  private roundRobin = 0;

  constructor(private readonly kafka: KafkaAccess) {}

  /** The partition a record goes to; throws RangeError for an explicit partition that does not exist. */
  choosePartition(topic: TopicView, record: OutgoingRecord): number {
    const count = topic.partitions.length;
    if (record.partition !== undefined) {
      if (!Number.isInteger(record.partition) || record.partition < 0 || record.partition >= count) throw new RangeError(`partition ${record.partition} does not exist`);
      return record.partition;
    }
    if (record.key !== null) return partitionForKey(record.key, count);
    this.roundRobin = (this.roundRobin + 1) % 0x7fffffff;
    return this.roundRobin % count;
  }

  /** Produces the records (already validated) and answers each one's partition, offset and timestamp, in input order. */
  async produce(topic: TopicView, records: readonly OutgoingRecord[]): Promise<ProducedRecord[]> {
    const now = Date.now();
    const placed = records.map((r) => ({ partition: this.choosePartition(topic, r), record: r, timestamp: r.timestamp ?? now }));
    const out: ProducedRecord[] = new Array(records.length);
    // chunks: one map partition -> indexes per produce() call
    const chunks: Map<number, number[]>[] = [];
    const chunkBytes: Map<number, number>[] = [];
    const chunkOf = new Map<number, number>();
    placed.forEach((p, i) => {
      const size = (p.record.key?.length ?? 0) + (p.record.value?.length ?? 0) + 64;
      let c = chunkOf.get(p.partition) ?? 0;
      if ((chunkBytes[c]?.get(p.partition) ?? 0) + size > MAX_CHUNK_BYTES && (chunks[c]?.get(p.partition)?.length ?? 0) > 0) c++;
      chunkOf.set(p.partition, c);
      chunks[c] ??= new Map();
      chunkBytes[c] ??= new Map();
      const list = chunks[c]!.get(p.partition) ?? [];
      list.push(i);
      chunks[c]!.set(p.partition, list);
      chunkBytes[c]!.set(p.partition, (chunkBytes[c]!.get(p.partition) ?? 0) + size);
    });
    for (const chunk of chunks) {
      const parts = [...chunk].map(([partition, indexes]) => ({
        topic: topic.name,
        partition,
        records: indexes.map((i): RecordInput => {
          const p = placed[i]!;
          return { key: p.record.key, value: p.record.value, headers: p.record.headers ?? [], timestamp: p.timestamp };
        }),
      }));
      const bases = await this.kafka.producer.produce(parts);
      for (const [partition, indexes] of chunk) {
        const base = bases.get(`${topic.name}:${partition}`) ?? -1n;
        indexes.forEach((recordIndex, n) => {
          out[recordIndex] = { partition, offset: base < 0n ? -1n : base + BigInt(n), timestamp: placed[recordIndex]!.timestamp };
        });
      }
    }
    return out;
  }
}
