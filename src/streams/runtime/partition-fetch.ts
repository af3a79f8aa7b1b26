// One Fetch round for a set of partitions at given offsets, decoded into the engine's
// ConsumedRecords. Used by the main loop (assigned input partitions) and by changelog restore.
// Records come back batch by batch as the broker stored them; a batch may start before the
// requested offset (Kafka returns whole batches), so earlier records are dropped here. Control
// batches (transaction markers) carry no data and only advance the position.
//
// Under exactly-once the fetch is read_committed (isolation level 1, KIP-98): the broker returns
// data only up to the last stable offset, plus the list of aborted transactions that start in
// the returned range; batches of those transactions are skipped here, as Kafka's consumer does,
// so no aborted output or changelog write ever reaches a task or a store.

import { RETRIABLE_FETCH_ERRORS, fetchPerPartition, type ClusterMetadata, type Consumer, type FetchRequestTopic, type RecordsBatch } from '../../client/index.js';
import { StreamsError } from '../errors.js';
import type { ConsumedRecord, RecordHeader } from '../engine/transport.js';

export interface FetchPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

export interface FetchedPartition {
  readonly topic: string;
  readonly partition: number;
  /** The offset this fetch was asked for: results are only valid while the position is still that. */
  readonly requested: bigint;
  readonly records: ConsumedRecord[];
  /** Position after these records (past control batches too). */
  readonly next: bigint;
  readonly highWatermark: bigint;
  /**
   * 0, or a retriable error code (RETRIABLE_FETCH_ERRORS: Kafka answers them for a topic created
   * a moment ago or a moved leader): nothing was read, fetch the same offset again.
   */
  readonly retriableError: number;
}

export interface FetchLimits {
  readonly maxWaitMs: number;
  readonly maxBytes: number;
  readonly maxBytesPerPartition: number;
  /** 0 read_uncommitted (default), 1 read_committed. */
  readonly isolationLevel?: 0 | 1;
}

interface AbortedTransaction {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
}

const CONTROL_BATCH = 0x20; // attributes bit 5: a transaction marker batch
const TRANSACTIONAL_BATCH = 0x10; // attributes bit 4: written inside a transaction

export async function fetchPartitions(
  consumer: Consumer,
  metadata: ClusterMetadata,
  positions: readonly FetchPosition[],
  limits: FetchLimits,
): Promise<FetchedPartition[]> {
  const byLeader = new Map<number, Map<string, FetchRequestTopic>>();
  const topicNames = new Map<string, string>();
  const requested = new Map<string, bigint>();
  for (const p of positions) {
    const t = metadata.topics.get(p.topic);
    const leader = t?.partitions[p.partition]?.leader;
    if (!t || leader === undefined) throw new StreamsError('TOPIC_NOT_FOUND', `no metadata for ${p.topic}-${p.partition}`);
    let topics = byLeader.get(leader);
    if (!topics) byLeader.set(leader, (topics = new Map()));
    let req = topics.get(t.id);
    if (!req) topics.set(t.id, (req = { topicId: t.id, partitions: [] }));
    req.partitions.push({ partition: p.partition, fetchOffset: p.offset, partitionMaxBytes: limits.maxBytesPerPartition, currentLeaderEpoch: -1, lastFetchedEpoch: -1 });
    topicNames.set(t.id, p.topic);
    requested.set(`${p.topic}:${p.partition}`, p.offset);
  }
  const responses = await Promise.all(
    [...byLeader].map(([node, topics]) =>
      fetchPerPartition(consumer, { node, topics: [...topics.values()], maxWaitTime: limits.maxWaitMs, minBytes: 1, maxBytes: limits.maxBytes, isolationLevel: limits.isolationLevel ?? 0 }),
    ),
  );
  const out: FetchedPartition[] = [];
  for (const response of responses) {
    for (const t of response.responses) {
      const topic = topicNames.get(t.topicId);
      if (topic === undefined) continue;
      for (const p of t.partitions) {
        const from = requested.get(`${topic}:${p.partitionIndex}`);
        if (from === undefined) continue;
        // A partition the broker cannot serve yet (Kafka: a topic created a moment ago, a moved
        // leader) is read again at the same offset, after a metadata refresh.
        if (RETRIABLE_FETCH_ERRORS.has(p.errorCode)) {
          out.push({ topic, partition: p.partitionIndex, requested: from, records: [], next: from, highWatermark: -1n, retriableError: p.errorCode });
          continue;
        }
        if (p.errorCode !== 0) {
          throw new StreamsError('FETCH_FAILED', `fetching ${topic}-${p.partitionIndex} at offset ${from} failed with Kafka error ${p.errorCode}`);
        }
        const records: ConsumedRecord[] = [];
        const aborted = limits.isolationLevel === 1 ? p.abortedTransactions ?? [] : [];
        const next = decodeBatches(topic, p.partitionIndex, from, p.records ?? [], aborted, records);
        // read_committed: the end a task can reach is the last stable offset, not the high watermark.
        const end = limits.isolationLevel === 1 && p.lastStableOffset >= 0n ? p.lastStableOffset : p.highWatermark;
        out.push({ topic, partition: p.partitionIndex, requested: from, records, next, highWatermark: end, retriableError: 0 });
      }
    }
  }
  return out;
}

function decodeBatches(topic: string, partition: number, from: bigint, batches: readonly RecordsBatch[], aborted: readonly AbortedTransaction[], out: ConsumedRecord[]): bigint {
  let next = from;
  // Kafka's consumer algorithm: a producer's batches are skipped from the first offset of its
  // aborted transaction until that transaction's ABORT marker.
  const pendingAborts = [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const abortedProducers = new Set<bigint>();
  for (const batch of batches) {
    const last = batch.firstOffset + BigInt(batch.lastOffsetDelta);
    while (pendingAborts.length > 0 && pendingAborts[0]!.firstOffset <= last) abortedProducers.add(pendingAborts.shift()!.producerId);
    if ((batch.attributes & CONTROL_BATCH) !== 0) {
      if (isAbortMarker(batch)) abortedProducers.delete(batch.producerId);
      if (last + 1n > next) next = last + 1n;
      continue;
    }
    if (last < from) continue;
    if (last + 1n > next) next = last + 1n;
    if ((batch.attributes & TRANSACTIONAL_BATCH) !== 0 && abortedProducers.has(batch.producerId)) continue;
    const base = Number(batch.firstTimestamp);
    for (const r of batch.records) {
      const offset = batch.firstOffset + BigInt(r.offsetDelta);
      if (offset < from) continue;
      const headers: RecordHeader[] | undefined =
        r.headers.length === 0 ? undefined : r.headers.map(([k, v]) => ({ key: k === null ? '' : k.toString('utf8'), value: v }));
      out.push({ topic, partition, offset, timestamp: base + Number(r.timestampDelta), key: r.key, value: r.value, headers });
    }
  }
  return next;
}

/** A control record's key is version (int16) then type (int16): 0 ABORT, 1 COMMIT. */
function isAbortMarker(batch: RecordsBatch): boolean {
  const key = batch.records[0]?.key;
  return key !== undefined && key !== null && key.length >= 4 && key.readInt16BE(2) === 0;
}
