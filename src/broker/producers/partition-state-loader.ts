// Loads one partition's producer and transaction state after a restart (Kafka's ProducerStateManager
// .truncateAndReload + LogLoader's producer-state rebuild): the newest producer-state snapshot
// (producer-snapshot-codec.ts inside storage/state-snapshots.ts), then a replay of the batch headers
// of the log after it (and the one record of each control batch, to tell COMMIT from ABORT). Records
// are never decoded otherwise.
//
// What gets scanned:
//   snapshot at N (clean shutdown writes one at the log end;  -> [max(N, log start), log end): after a
//     after a crash, recovery rebuilds one at the recovered       clean stop or a crash, nothing but
//     log end in its own pass: producer-state-rebuilder.ts)       what was appended since the start
//   no snapshot (first start of a log written by an older Brook) -> [log start, log end), once; the
//                                                                 next clean shutdown writes a snapshot
//
// How one batch changes the state is replayBatch, shared with the rebuild during recovery.
//
// The aborted transactions themselves are not rebuilt here: they are read from the on-disk index
// (storage/transaction-index.ts). The replay only re-indexes ABORT markers of the scanned tail whose
// entry a crash lost before it was synced (partition-transactions.ts replayMarker).
import { ControlRecordType, parseEndTransactionMarker } from '../../protocol/records/control-batch.js';
import {
  batchBaseOffset,
  batchBaseSequence,
  batchIsControl,
  batchIsTransactional,
  batchLastOffsetDelta,
  batchMaxTimestamp,
  batchProducerEpoch,
  batchProducerId,
} from '../../protocol/records/batch-header.js';
import { scanPartition, type PartitionLog } from '../../storage/index.js';
import { sequenceAfter, type PartitionProducers } from './partition-producers.js';
import type { PartitionTransactions } from './partition-transactions.js';
import { decodeProducerSnapshot, encodeProducerSnapshot } from './producer-snapshot-codec.js';

export interface LoadOutcome {
  snapshotOffset: number;
  scannedFrom: number;
  batchesReplayed: number;
}

export async function loadPartitionState(log: PartitionLog, producers: PartitionProducers, txns: PartitionTransactions): Promise<LoadOutcome> {
  const snapshot = await log.readStateSnapshot();
  let from = log.logStartOffset;
  let snapshotOffset = -1;
  const decoded = snapshot ? decodeProducerSnapshot(snapshot.payload) : null;
  if (snapshot && decoded) {
    for (const [id, entry] of decoded.producers) producers.restore(id, entry);
    for (const [id, first] of decoded.openTransactions) txns.replayData(id, first);
    snapshotOffset = snapshot.offset;
    from = Math.max(from, snapshot.offset);
  }
  const batchesReplayed = await replayTail(log, from, producers, txns);
  return { snapshotOffset, scannedFrom: from, batchesReplayed };
}

/** Writes the state as of the log end; the caller guarantees no append of this partition is in progress. */
export async function snapshotPartitionState(log: PartitionLog, producers: PartitionProducers, txns: PartitionTransactions): Promise<void> {
  await log.flush();
  await log.writeStateSnapshot(log.logEndOffset, encodeProducerSnapshot(producers, txns.openTransactions()));
}

async function replayTail(log: PartitionLog, from: number, producers: PartitionProducers, txns: PartitionTransactions): Promise<number> {
  const logAppendTime = log.logConfig.logAppendTime;
  let batches = 0;
  await scanPartition(
    log,
    (chunk, pos) => {
      if (replayBatch(chunk, pos, from, logAppendTime, producers, txns)) batches++;
    },
    from,
    // Headers and one control record are read; nothing is kept: the chunks may be reused.
    { transient: true },
  );
  return batches;
}

/**
 * How one stored batch updates a partition's producer and transaction state when read back (this replay, and
 * recovery's rebuild in producer-state-rebuilder.ts). Batches ending below `from` and plain (non-idempotent) batches
 * change nothing; returns whether the batch was replayed.
 */
export function replayBatch(chunk: Buffer, pos: number, from: number, logAppendTime: boolean, producers: PartitionProducers, txns: PartitionTransactions): boolean {
  const pid = batchProducerId(chunk, pos);
  if (pid < 0) return false;
  const base = batchBaseOffset(chunk, pos);
  const last = base + batchLastOffsetDelta(chunk, pos);
  if (last < from) return false;
  const ts = batchMaxTimestamp(chunk, pos);
  if (batchIsControl(chunk, pos)) {
    // A marker at a higher epoch fences the producer's older epochs, as it did when written.
    producers.raiseEpoch(pid, batchProducerEpoch(chunk, pos), ts);
    if (!batchIsTransactional(chunk, pos)) return true;
    try {
      const marker = parseEndTransactionMarker(chunk, pos);
      txns.replayMarker(pid, base, marker.type === ControlRecordType.Commit);
    } catch {
      // Another control type: nothing to replay.
    }
    return true;
  }
  const firstSeq = batchBaseSequence(chunk, pos);
  const identity = { producerId: pid, epoch: batchProducerEpoch(chunk, pos), firstSeq, lastSeq: sequenceAfter(firstSeq, last - base) };
  producers.replay(identity, base, last, ts, logAppendTime ? ts : -1);
  if (batchIsTransactional(chunk, pos)) txns.replayData(pid, base);
  return true;
}
