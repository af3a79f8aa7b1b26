// Reads the partitions of one Fetch request into response entries, honouring the request's byte
// limits (KIP-74): each partition gets at most its partition_max_bytes and the whole response at most
// max_bytes, except that the first partition with data always gets at least one whole batch so a
// consumer can never be stuck behind a batch larger than its limits. Later partitions whose next batch
// does not fit get no records this time (they come first in a later fetch).
//
// Records are the stored batch slices themselves (not copied, except into a small response's one
// buffer: server/response-encoding.ts).
import { ErrorCode } from '../../protocol/errors.js';
import type { PartitionLog, ReadResult } from '../../storage/index.js';
import type { PartitionTransactions } from '../producers/partition-transactions.js';
import type { PartitionTransactionsRegistry } from '../producers/partition-transactions-registry.js';
import type { WatchedPartition } from './fetch-waiters.js';
import type { ReadAhead } from './read-ahead.js';
import { checkLeaderEpoch, errorCodeOf } from '../topics/partition-lookup.js';

export interface PartitionToRead {
  partition: number;
  /** Null when the partition cannot be served; `errorCode` says why. */
  log: PartitionLog | null;
  errorCode: number;
  fetchOffset: number;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
}

export interface PartitionRead {
  partitionIndex: number;
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  abortedTransactions: FetchedAbortedTransaction[] | null;
  preferredReadReplica: number;
  records: Buffer[];
}

export interface ReadRound {
  /** In request order. */
  partitions: PartitionRead[];
  bytes: number;
  /** A partition answered with an error: Kafka completes such a fetch at once. */
  hasError: boolean;
  watched: WatchedPartition[];
  /** Gives back the pooled read buffers behind `partitions[].records` (call once). */
  release: () => void;
}

const NO_RECORDS: Buffer[] = [];

export interface FetchedAbortedTransaction {
  producerId: bigint;
  firstOffset: bigint;
}

/**
 * One pass over the partitions. READ_COMMITTED (isolation 1) reads stop before the last stable offset
 * and list the aborted transactions overlapping what was read (KIP-98); the partition's transaction
 * state is loaded on the first such read (producers/partition-transactions-registry.ts).
 * READ_UNCOMMITTED reads are untouched: they only report the LSO when it is already known.
 *
 * When the partitions' own limits fit in `maxBytes` together (librdkafka's 1 MiB per partition against
 * a 50 MiB fetch), no partition's limit depends on what the others return, so every partition is read
 * at once: one round trip to the file system's thread pool instead of one per partition. Otherwise
 * they are read one after another, each limited by what the earlier ones left (KIP-74).
 *
 * Stored data is read into pooled buffers: call the round's `release()` once the response holding
 * its records is with the OS (or will never be sent).
 *
 * With `readAhead`, a partition answered with data starts reading its next chunk at once, and a
 * read that finds that chunk waiting takes it instead of reading (read-ahead.ts).
 */
export async function readPartitions(
  parts: readonly PartitionToRead[],
  maxBytes: number,
  isolationLevel: number,
  txns: PartitionTransactionsRegistry,
  readAhead: ReadAhead | null = null,
): Promise<ReadRound> {
  const readCommitted = isolationLevel === 1;
  const aborted = readCommitted ? [] : null;
  const out: PartitionRead[] = [];
  const watched: WatchedPartition[] = [];
  /** Release functions of pooled reads (a round answered from the tail cache has none). */
  let releases: (() => void)[] | null = null;
  let budget = maxBytes;
  let bytes = 0;
  let hasError = false;
  let wanted = 0;
  for (const p of parts) if (p.log) wanted += Math.max(0, p.partitionMaxBytes);
  const parallel = wanted <= maxBytes;
  const outcomes: (Promise<PartitionOutcome> | PartitionOutcome | null)[] = [];
  // The high watermark of each partition found with nothing to read (-1 otherwise), decided before
  // any await so the lost-wakeup rule sees exactly what was read.
  const idleAt: number[] = [];
  for (const p of parts) {
    const entry: PartitionRead = {
      partitionIndex: p.partition,
      errorCode: p.errorCode,
      highWatermark: -1n,
      lastStableOffset: -1n,
      logStartOffset: -1n,
      abortedTransactions: aborted,
      preferredReadReplica: -1,
      records: NO_RECORDS,
    };
    out.push(entry);
    // READ_COMMITTED needs the partition's transaction state for its last stable offset: idle without
    // a read only once that is loaded (the read below loads it).
    const idle = p.partitionMaxBytes > 0 && nothingToRead(p) && (!readCommitted || txns.peek(p.log!) !== null);
    idleAt.push(idle ? p.fetchOffset : -1);
    outcomes.push(parallel && p.log !== null && !idle ? readOne(p, p.log, Math.min(p.partitionMaxBytes, maxBytes), readCommitted, txns, readAhead) : null);
  }
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const entry = out[i]!;
    const log = p.log;
    if (log === null) {
      hasError = true;
      continue;
    }
    const hw = idleAt[i]!;
    if (hw >= 0) {
      // What a read at the high watermark would answer, without the read (most partitions of a
      // consumer that keeps up, at every fetch).
      fillOffsets(entry, hw, log.logStartOffset, txns.lastStableOffsetOrHw(log));
      watched.push({ log, seenHighWatermark: hw });
      continue;
    }
    const limit = Math.min(p.partitionMaxBytes, budget);
    const pendingOutcome = outcomes[i] ?? readOne(p, log, limit, readCommitted, txns, readAhead);
    const outcome = pendingOutcome instanceof Promise ? await pendingOutcome : pendingOutcome;
    if (outcome.kind === 'error') {
      entry.errorCode = outcome.errorCode;
      if (outcome.highWatermark !== undefined) fillOffsets(entry, outcome.highWatermark, outcome.logStartOffset!);
      hasError = true;
      continue;
    }
    if (outcome.kind === 'no-room') {
      fillOffsets(entry, log.highWatermark, log.logStartOffset);
      watched.push({ log, seenHighWatermark: log.highWatermark });
      continue;
    }
    const r = outcome.read;
    fillOffsets(entry, r.highWatermark, r.logStartOffset, outcome.lso >= 0 ? outcome.lso : txns.lastStableOffsetOrHw(log));
    watched.push({ log, seenHighWatermark: r.highWatermark });
    // A read made before the earlier partitions' sizes were known may exceed what they left: it waits
    // for a later fetch, as any partition whose next batch does not fit (KIP-74).
    if (r.bytes === 0 || (r.bytes > limit && bytes > 0) || limit <= 0) {
      r.release();
      continue;
    }
    entry.records = r.chunks;
    if (outcome.pooled) (releases ??= []).push(r.release);
    const lso = outcome.txns ? outcome.txns.lastStableOffset(log.highWatermark) : undefined;
    readAhead?.prefetch(log, r.nextOffset, parallel ? Math.min(p.partitionMaxBytes, maxBytes) : limit, lso);
    if (outcome.txns) {
      entry.abortedTransactions = outcome.txns
        .abortedIn(p.fetchOffset, r.nextOffset)
        .map((a) => ({ producerId: BigInt(a.producerId), firstOffset: BigInt(a.firstOffset) }));
    }
    bytes += r.bytes;
    budget -= r.bytes;
  }
  const held = releases;
  return { partitions: out, bytes, hasError, watched, release: held === null ? noRelease : () => releaseAll(held) };
}

type StoredRead = Extract<ReadResult, { kind: 'records' }>;

type PartitionOutcome =
  /** `pooled`: the read's buffers are pooled and go back with its release (else release is a no-op). */
  | { kind: 'read'; read: StoredRead; txns: PartitionTransactions | null; lso: number; pooled: boolean }
  | { kind: 'no-room' }
  | { kind: 'error'; errorCode: number; highWatermark?: number; logStartOffset?: number };

/**
 * Reads one partition; never throws (errors become the partition's error code). Answers without a
 * promise when nothing has to be waited for: a read the tail cache serves (a consumer keeping up),
 * with no read ahead for the partition, READ_UNCOMMITTED or READ_COMMITTED once the partition's
 * transaction state is loaded (librdkafka's consumers read committed by default). That is most fetches
 * at a steady rate, and each await below would cost a promise and a microtask turn per partition.
 */
function readOne(
  p: PartitionToRead,
  log: PartitionLog,
  limit: number,
  readCommitted: boolean,
  txns: PartitionTransactionsRegistry,
  readAhead: ReadAhead | null,
): PartitionOutcome | Promise<PartitionOutcome> {
  const epochError = checkLeaderEpoch(p.currentLeaderEpoch);
  if (epochError !== ErrorCode.NONE) return { kind: 'error', errorCode: epochError };
  if (limit <= 0) return { kind: 'no-room' };
  // READ_COMMITTED reads as readStored does, up to the last stable offset as it is now and with the
  // state it came from; until that state is loaded, readStored loads it.
  const partitionTxns = readCommitted ? txns.peek(log) : null;
  if (!readAhead?.has(log) && (!readCommitted || partitionTxns)) {
    const lso = partitionTxns ? partitionTxns.lastStableOffset(log.highWatermark) : -1;
    const r = log.readCached(p.fetchOffset, limit, partitionTxns ? lso : undefined);
    if (r && r.kind === 'records') return { kind: 'read', read: r, txns: partitionTxns, lso, pooled: false };
  }
  return readStored(p, log, limit, readCommitted, txns, readAhead);
}

/** readOne() through storage (and the read ahead, or the partition's transaction state). */
async function readStored(
  p: PartitionToRead,
  log: PartitionLog,
  limit: number,
  readCommitted: boolean,
  txns: PartitionTransactionsRegistry,
  readAhead: ReadAhead | null,
): Promise<PartitionOutcome> {
  try {
    const partitionTxns = readCommitted ? (txns.peek(log) ?? (await txns.get(log))) : null;
    const lso = partitionTxns ? partitionTxns.lastStableOffset(log.highWatermark) : -1;
    const ahead = readAhead ? await readAhead.take(log, p.fetchOffset, limit, readCommitted) : null;
    if (ahead) return { kind: 'read', read: ahead, txns: partitionTxns, lso, pooled: true };
    const r = await log.read(p.fetchOffset, limit, partitionTxns ? { maxOffset: lso, pooled: true } : POOLED);
    if (r.kind === 'offset-out-of-range') {
      return { kind: 'error', errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark: r.highWatermark, logStartOffset: r.logStartOffset };
    }
    return { kind: 'read', read: r, txns: partitionTxns, lso, pooled: true };
  } catch (e) {
    return { kind: 'error', errorCode: errorCodeOf(e) };
  }
}

const POOLED = { pooled: true } as const;

function noRelease(): void {}

function releaseAll(releases: readonly (() => void)[]): void {
  for (const r of releases) r();
}

function fillOffsets(entry: PartitionRead, highWatermark: number, logStartOffset: number, lastStableOffset = highWatermark): void {
  entry.highWatermark = BigInt(highWatermark);
  // Usually the same offset (no open transaction): one BigInt for both.
  entry.lastStableOffset = lastStableOffset === highWatermark ? entry.highWatermark : BigInt(lastStableOffset);
  entry.logStartOffset = BigInt(logStartOffset);
}

/**
 * The partitions to park on when a fetch finds nothing to read, or null when there is something to
 * read or report: every partition exists, is healthy, passes its leader-epoch check and is fetched
 * at exactly its high watermark. A consumer that keeps up sends every fetch at its high watermarks,
 * so the long poll can park without a read round whose partition entries, offsets and promises
 * would all be thrown away when it wakes (reads are done after the wake, as always).
 */
export function caughtUpPartitions(parts: readonly PartitionToRead[]): WatchedPartition[] | null {
  const watched: WatchedPartition[] = [];
  for (const p of parts) {
    if (!nothingToRead(p)) return null;
    watched.push({ log: p.log!, seenHighWatermark: p.fetchOffset });
  }
  return watched.length > 0 ? watched : null;
}

/** A healthy partition, fetched at exactly its high watermark, that passes its leader-epoch check: a read would find nothing and no error. */
function nothingToRead(p: PartitionToRead): boolean {
  const log = p.log;
  if (log === null || log.isOffline || log.isClosed || p.fetchOffset !== log.highWatermark) return false;
  return checkLeaderEpoch(p.currentLeaderEpoch) === ErrorCode.NONE;
}
