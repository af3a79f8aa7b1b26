// Reads partitions from explicit offsets with Fetch, without the library's MessagesStream:
// tools such as `brook consume` need to know where each partition's log ends (to stop with
// --exit), to start at any offset, and to commit exactly what they printed. One call is one
// Fetch round per leader; records come back decoded and in offset order per partition.
import type { Consumer } from '@platformatic/kafka';
import { kafkaErrorName } from './errors.js';
import { FETCH_MAX_BYTES, FETCH_PARTITION_MAX_BYTES } from './fetch-sizes.js';
import { partitionKey, type TopicPartition } from './offsets.js';

export interface FetchedRecord {
  topic: string;
  partition: number;
  offset: bigint;
  /** Milliseconds since the epoch (CreateTime or LogAppendTime, as the batch says). */
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: [Buffer, Buffer | null][];
}

export interface FetchPosition extends TopicPartition {
  /** The next offset to read. */
  offset: bigint;
}

export interface FetchRound {
  /** Records at or after each requested position, partition by partition in offset order. */
  records: FetchedRecord[];
  /** The high watermark (log end offset) of each fetched partition, by partitionKey. */
  highWatermarks: Map<string, bigint>;
  /** True when a position was outside the log (deleted by retention); re-resolve positions. */
  offsetOutOfRange: boolean;
}

export interface LogReaderOptions {
  /** How long the broker may hold a Fetch open waiting for data (long poll). */
  maxWaitMs: number;
  maxBytes?: number;
  partitionMaxBytes?: number;
}

// Record batch attributes bit 5: a control batch (transaction markers), never user data.
const CONTROL_BATCH = 0x20;

export class LogReader {
  constructor(
    private readonly consumer: Consumer,
    private readonly options: LogReaderOptions,
  ) {}

  async fetch(positions: readonly FetchPosition[]): Promise<FetchRound> {
    const round: FetchRound = { records: [], highWatermarks: new Map(), offsetOutOfRange: false };
    if (positions.length === 0) return round;
    const topics = [...new Set(positions.map((p) => p.topic))];
    const metadata = await this.consumer.metadata({ topics });
    const nameById = new Map<string, string>();
    // leader node -> topic id -> partitions to fetch
    const byLeader = new Map<number, Map<string, FetchPosition[]>>();
    for (const p of positions) {
      const topic = metadata.topics.get(p.topic);
      if (!topic) continue;
      nameById.set(topic.id, p.topic);
      const leader = topic.partitions[p.partition]?.leader ?? metadata.controllerId;
      const perTopic = byLeader.get(leader) ?? new Map<string, FetchPosition[]>();
      perTopic.set(topic.id, [...(perTopic.get(topic.id) ?? []), p]);
      byLeader.set(leader, perTopic);
    }
    const wanted = new Map(positions.map((p) => [partitionKey(p.topic, p.partition), p.offset]));
    const partitionMaxBytes = this.options.partitionMaxBytes ?? FETCH_PARTITION_MAX_BYTES;
    await Promise.all(
      [...byLeader].map(async ([node, perTopic]) => {
        let response;
        try {
          response = await this.consumer.fetch({
            node,
            maxWaitTime: this.options.maxWaitMs,
            minBytes: 1,
            maxBytes: this.options.maxBytes ?? FETCH_MAX_BYTES,
            topics: [...perTopic].map(([topicId, ps]) => ({
              topicId,
              partitions: ps.map((p) => ({ partition: p.partition, currentLeaderEpoch: -1, fetchOffset: p.offset, lastFetchedEpoch: -1, partitionMaxBytes })),
            })),
          });
        } catch (e) {
          if (kafkaErrorName(e) === 'OFFSET_OUT_OF_RANGE') {
            round.offsetOutOfRange = true;
            return;
          }
          throw e;
        }
        for (const t of response.responses) {
          const topic = nameById.get(t.topicId);
          if (topic === undefined) continue;
          for (const p of t.partitions) {
            const key = partitionKey(topic, p.partitionIndex);
            round.highWatermarks.set(key, p.highWatermark);
            const from = wanted.get(key) ?? 0n;
            for (const batch of p.records ?? []) {
              if ((batch.attributes & CONTROL_BATCH) !== 0) continue;
              for (const r of batch.records) {
                const offset = batch.firstOffset + BigInt(r.offsetDelta);
                // A compressed batch is returned whole, so it may begin before the position.
                if (offset < from) continue;
                round.records.push({
                  topic,
                  partition: p.partitionIndex,
                  offset,
                  timestamp: batch.firstTimestamp + r.timestampDelta,
                  key: r.key,
                  value: r.value,
                  headers: r.headers.filter((h): h is [Buffer, Buffer | null] => h[0] !== null),
                });
              }
            }
          }
        }
      }),
    );
    return round;
  }
}
