// In-memory topics and committed offsets: what the TestDriver uses instead of a broker. It
// outlives a driver, so a test can "restart" an app: close one driver, create another over the
// same cluster, and the new tasks restore from the changelogs and resume from committed offsets.

import { defaultPartition } from '../engine/partitioner.js';
import { topicPartitionKey, type ChangelogReader, type ChangelogRecord, type RecordHeader } from '../engine/transport.js';

export interface StoredRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[] | undefined;
}

export interface Committed {
  readonly offset: bigint;
  readonly metadata: string;
}

export class VirtualCluster {
  private readonly logs = new Map<string, StoredRecord[][]>();
  private readonly committedOffsets = new Map<string, Map<string, Committed>>();

  constructor(
    private readonly partitionCounts: Readonly<Record<string, number>> = {},
    private readonly defaultPartitions = 1,
  ) {}

  partitions(topic: string): number {
    return this.logs.get(topic)?.length ?? this.partitionCounts[topic] ?? this.defaultPartitions;
  }

  /** Append; `partition` undefined picks one from the key as Kafka's default partitioner would. */
  append(
    topic: string,
    partition: number | undefined,
    timestamp: number,
    key: Buffer | null,
    value: Buffer | null,
    headers?: readonly RecordHeader[],
  ): StoredRecord {
    const log = this.log(topic);
    const p = partition ?? (key === null ? 0 : defaultPartition(key, log.length));
    if (p < 0 || p >= log.length) throw new RangeError(`topic '${topic}' has no partition ${p}`);
    const records = log[p]!;
    const rec: StoredRecord = { topic, partition: p, offset: BigInt(records.length), timestamp, key, value, headers };
    records.push(rec);
    return rec;
  }

  /** Whether the topic exists or was given a partition count up front. */
  isDefined(topic: string): boolean {
    return this.logs.has(topic) || this.partitionCounts[topic] !== undefined;
  }

  /** Create `topic` with `partitions` unless it exists (as the runtime creates internal topics). */
  ensureTopic(topic: string, partitions: number): void {
    if (!this.logs.has(topic)) this.logs.set(topic, Array.from({ length: partitions }, () => []));
  }

  records(topic: string, partition: number, fromOffset = 0n): readonly StoredRecord[] {
    return this.logs.get(topic)?.[partition]?.slice(Number(fromOffset)) ?? [];
  }

  endOffset(topic: string, partition: number): bigint {
    return BigInt(this.logs.get(topic)?.[partition]?.length ?? 0);
  }

  topics(): string[] {
    return [...this.logs.keys()];
  }

  commit(group: string, topic: string, partition: number, c: Committed): void {
    let g = this.committedOffsets.get(group);
    if (!g) this.committedOffsets.set(group, (g = new Map()));
    g.set(topicPartitionKey(topic, partition), c);
  }

  committed(group: string, topic: string, partition: number): Committed | undefined {
    return this.committedOffsets.get(group)?.get(topicPartitionKey(topic, partition));
  }

  changelogReader(): ChangelogReader {
    const records = (topic: string, partition: number, from: bigint): readonly StoredRecord[] => this.records(topic, partition, from);
    return {
      async *read(topic: string, partition: number, fromOffset: bigint): AsyncIterable<readonly ChangelogRecord[]> {
        const batch: ChangelogRecord[] = [];
        for (const r of records(topic, partition, fromOffset)) {
          if (r.key === null) continue;
          batch.push({ offset: r.offset, key: r.key, value: r.value, timestamp: r.timestamp });
          if (batch.length === 500) yield batch.splice(0);
        }
        if (batch.length > 0) yield batch;
      },
    };
  }

  private log(topic: string): StoredRecord[][] {
    let log = this.logs.get(topic);
    if (!log) {
      const n = this.partitionCounts[topic] ?? this.defaultPartitions;
      log = Array.from({ length: n }, () => []);
      this.logs.set(topic, log);
    }
    return log;
  }
}
