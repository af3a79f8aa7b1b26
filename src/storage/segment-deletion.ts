// Deleting a partition's oldest segments (retention, DeleteRecords; Kafka's
// UnifiedLog.deleteSegments). Which segments may go is partition-retention.ts's question; this
// module does the deletion, in an order that a crash at any step leaves recoverable:
//   1. the segment array drops the doomed prefix (synchronously: readers holding them keep them);
//   2. the log start offset moves to the first remaining segment and the checkpoint is persisted,
//      so a restart never serves offsets whose files may be gone;
//   3. the files are unlinked (open handles keep serving in-flight reads) and closed once idle;
//   4. the aborted-transactions index forgets them and the directory is synced.
// Deletion is immediate: Kafka's file.delete.delay.ms exists for readers without a reference, and
// every Brook reader holds one (LogSegment.acquire), so no delay is needed.
// Runs in the partition's exclusive section, never in the append turn: it never touches the active
// segment (deletablePrefix stops before it).
import { deleteSegmentFiles } from './log-loader.js';
import type { RetentionResult } from './partition-log-types.js';
import { deletablePrefix } from './partition-retention.js';
import type { SegmentPredicate } from './partition-retention.js';
import type { PartitionState } from './partition-state.js';
import type { StorageError } from './storage-error.js';

/** Deletes inactive, finalized segments from the oldest while `predicate` says so (or they lie below the log start). */
export async function deleteOldSegments(
  state: PartitionState,
  predicate: SegmentPredicate,
  /** Writes the partition checkpoint (log start, recovery point), serialised with other writers. */
  persistCheckpoint: () => Promise<void>,
  /** Takes the partition offline after an I/O error; returns the error to throw. */
  goOffline: (cause: unknown) => StorageError,
): Promise<RetentionResult> {
  const n = await deletablePrefix(state.segments, state.logStartOffset, state.recoveryPoint, predicate);
  if (n === 0) return { segmentsDeleted: 0, bytesDeleted: 0 };
  const doomed = state.segments.slice(0, n);
  state.segments = state.segments.slice(n);
  const bytes = doomed.reduce((a, s) => a + s.size, 0);
  try {
    if (state.segments[0]!.baseOffset > state.logStartOffset) {
      state.logStartOffset = state.segments[0]!.baseOffset;
      await persistCheckpoint();
    }
    for (const seg of doomed) {
      await deleteSegmentFiles(state.fs, seg);
      await seg.retire();
    }
    await state.txnIndex.deleteBelow(state.segments[0]!.baseOffset);
    await state.fs.syncDir(state.dir);
  } catch (e) {
    throw goOffline(e);
  }
  state.logger.info('deleted old segments', { dir: state.dir, segments: n, bytes, logStartOffset: state.logStartOffset });
  return { segmentsDeleted: n, bytesDeleted: bytes };
}
