// Reading a topic's records in order per partition, by explicit position (no consumer group):
// the command topic on start, the input of push queries (from the end, or from the start with
// auto.offset.reset=earliest), and the scan behind pull queries (from the start to the end offsets
// seen when the query began). Each feed owns its connection, so its long polls hold back no one.

import {
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  LogReader,
  createConsumer,
  describeTopics,
  listOffsetsAt,
  partitionKey,
  type Admin,
  type ClientOptions,
  type FetchedRecord,
  type FetchPosition,
} from '../../client/index.js';

export interface FeedOptions {
  readonly from: 'earliest' | 'latest';
  /** Stop at the end offsets read when the feed starts (pull queries, the command topic). */
  readonly toEnd: boolean;
  readonly signal?: AbortSignal;
  readonly maxWaitMs?: number;
  /** Called once the start positions are fixed: records written after this are in the feed. */
  readonly onStart?: () => void;
}

let feedCounter = 0;

/** Partition counts of the topics (0 for a missing topic). */
export async function partitionCounts(admin: Admin, topics: readonly string[]): Promise<Map<string, number>> {
  const views = await describeTopics(admin, topics);
  return new Map(topics.map((t) => [t, views.get(t)?.partitions.length ?? 0]));
}

/** Yields batches of records of `topics` until the end (toEnd) or until the signal aborts. */
export async function* feedTopics(client: ClientOptions, admin: Admin, topics: readonly string[], o: FeedOptions): AsyncGenerator<FetchedRecord[]> {
  const counts = await partitionCounts(admin, topics);
  const partitions = [...counts].flatMap(([topic, n]) => Array.from({ length: n }, (_v, partition) => ({ topic, partition })));
  if (partitions.length === 0) {
    o.onStart?.();
    return;
  }
  const start = await listOffsetsAt(admin, partitions, o.from === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP);
  const ends = o.toEnd ? await listOffsetsAt(admin, partitions, LATEST_TIMESTAMP) : new Map<string, bigint>();
  const positions: FetchPosition[] = partitions.map((p) => ({ ...p, offset: start.get(partitionKey(p.topic, p.partition)) ?? 0n }));
  o.onStart?.();
  const done = (p: FetchPosition): boolean => o.toEnd && p.offset >= (ends.get(partitionKey(p.topic, p.partition)) ?? 0n);
  const consumer = createConsumer({ ...client, clientId: `${client.clientId ?? 'brook-sql'}-feed-${++feedCounter}` }, { groupId: `brook-sql-feed-${process.pid}-${feedCounter}`, autocommit: false });
  const reader = new LogReader(consumer, { maxWaitMs: o.maxWaitMs ?? (o.toEnd ? 0 : 500) });
  try {
    for (;;) {
      if (o.signal?.aborted) return;
      const open = positions.filter((p) => !done(p));
      if (open.length === 0) return;
      const round = await reader.fetch(open);
      if (round.offsetOutOfRange) {
        const fresh = await listOffsetsAt(admin, open, EARLIEST_TIMESTAMP);
        for (const p of open) p.offset = fresh.get(partitionKey(p.topic, p.partition)) ?? p.offset;
        continue;
      }
      const byKey = new Map(positions.map((p) => [partitionKey(p.topic, p.partition), p]));
      const out: FetchedRecord[] = [];
      for (const r of round.records) {
        const p = byKey.get(partitionKey(r.topic, r.partition))!;
        if (o.toEnd && r.offset >= (ends.get(partitionKey(r.topic, r.partition)) ?? 0n)) continue;
        if (r.offset < p.offset) continue;
        p.offset = r.offset + 1n;
        out.push(r);
      }
      // Transaction markers and compacted gaps: move to the high watermark when nothing came back for a partition.
      if (o.toEnd) {
        for (const p of open) {
          const hw = round.highWatermarks.get(partitionKey(p.topic, p.partition));
          const end = ends.get(partitionKey(p.topic, p.partition)) ?? 0n;
          if (hw !== undefined && !round.records.some((r) => r.topic === p.topic && r.partition === p.partition) && hw >= end) p.offset = end;
        }
      }
      if (out.length > 0) yield out;
    }
  } finally {
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
}
