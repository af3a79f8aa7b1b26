// Reads the partitions of one Fetch request into response entries, honouring the request's byte
// limits (KIP-74): each partition gets at most its partition_max_bytes and the whole response at most
// max_bytes, except that the first partition with data always gets at least one whole batch so a
// consumer can never be stuck behind a batch larger than its limits. Later partitions whose next batch
// does not fit get no records this time (they come first in a later fetch).
//
// Records are the stored batch slices themselves (zero copy, see server/response-encoding.ts).
import { ErrorCode } from '../../protocol/errors.js';
import type { PartitionLog } from '../../storage/index.js';
import type { PartitionTransactionsRegistry } from '../producers/partition-transactions-registry.js';
import type { WatchedPartition } from './fetch-waiters.js';
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
 */
export async function readPartitions(
  parts: readonly PartitionToRead[],
  maxBytes: number,
  isolationLevel: number,
  txns: PartitionTransactionsRegistry,
): Promise<ReadRound> {
  const readCommitted = isolationLevel === 1;
  const aborted = readCommitted ? [] : null;
  const out: PartitionRead[] = [];
  const watched: WatchedPartition[] = [];
  let budget = maxBytes;
  let bytes = 0;
  let hasError = false;
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
    const log = p.log;
    if (log === null) {
      hasError = true;
      continue;
    }
    const epochError = checkLeaderEpoch(p.currentLeaderEpoch);
    if (epochError !== ErrorCode.NONE) {
      entry.errorCode = epochError;
      hasError = true;
      continue;
    }
    const limit = Math.min(p.partitionMaxBytes, budget);
    try {
      if (limit <= 0) {
        fillOffsets(entry, log.highWatermark, log.logStartOffset);
        watched.push({ log, seenHighWatermark: log.highWatermark });
        continue;
      }
      const partitionTxns = readCommitted ? (txns.peek(log) ?? (await txns.get(log))) : null;
      const lso = partitionTxns ? partitionTxns.lastStableOffset(log.highWatermark) : -1;
      const r = await log.read(p.fetchOffset, limit, partitionTxns ? { maxOffset: lso } : undefined);
      if (r.kind === 'offset-out-of-range') {
        entry.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
        fillOffsets(entry, r.highWatermark, r.logStartOffset);
        hasError = true;
        continue;
      }
      fillOffsets(entry, r.highWatermark, r.logStartOffset);
      entry.lastStableOffset = BigInt(partitionTxns ? lso : txns.lastStableOffsetOrHw(log));
      watched.push({ log, seenHighWatermark: r.highWatermark });
      if (r.bytes === 0 || (r.bytes > limit && bytes > 0)) continue;
      entry.records = r.chunks;
      if (partitionTxns) {
        entry.abortedTransactions = partitionTxns
          .abortedIn(p.fetchOffset, r.nextOffset)
          .map((a) => ({ producerId: BigInt(a.producerId), firstOffset: BigInt(a.firstOffset) }));
      }
      bytes += r.bytes;
      budget -= r.bytes;
    } catch (e) {
      entry.errorCode = errorCodeOf(e);
      hasError = true;
    }
  }
  return { partitions: out, bytes, hasError, watched };
}

function fillOffsets(entry: PartitionRead, highWatermark: number, logStartOffset: number): void {
  entry.highWatermark = BigInt(highWatermark);
  entry.lastStableOffset = entry.highWatermark;
  entry.logStartOffset = BigInt(logStartOffset);
}
