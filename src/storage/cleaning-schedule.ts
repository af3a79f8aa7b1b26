// When a compacted log is worth cleaning, and how much of it may be cleaned (Kafka's
// LogCleanerManager.cleanableOffsets and grabFilthiestCompactedLog, for one log).
//
// The cleanable range is a prefix of whole segments, from the first segment to the first
// uncleanable offset, which is the smallest of:
//   - the active segment's base (the active segment is never cleaned: appends go there);
//   - the high watermark and the recovery point: only flushed segments whose indexes are written;
//   - the base of the first dirty segment whose largest timestamp is newer than
//     now - min.compaction.lag.ms (KIP-354).
// Inside it, the segments before the one holding the first dirty offset are "clean" (cleaned
// before), the rest "dirty". The log is cleaned when any of these holds:
//   dirty-ratio     dirty bytes > 0 and dirty / (clean + dirty) > min.cleanable.dirty.ratio
//                   (strictly greater, as Kafka compares)
//   max-lag         the first dirty segment's first batch is older than max.compaction.lag.ms
//   delete-horizon  a kept tombstone's delete horizon has passed (KIP-534), so it can go now
import type { LogConfig } from './log-config.js';
import type { LogSegment } from './log-segment.js';
import { loadedSegment } from './segment-list.js';

export type CleaningReason = 'dirty-ratio' | 'max-lag' | 'delete-horizon';

export interface CleaningPlan {
  /** The first `segmentCount` segments are cleaned. */
  segmentCount: number;
  /** First offset after the cleaned range: the next first dirty offset. */
  endOffset: number;
  dirtyRatio: number;
  reason: CleaningReason;
}

export interface ScheduleInput {
  segments: readonly LogSegment[];
  /** min(recovery point, high watermark). */
  flushedUpTo: number;
  firstDirtyOffset: number;
  deleteHorizonDueMs: number;
  config: LogConfig;
  now: number;
}

export async function planCleaning(input: ScheduleInput): Promise<CleaningPlan | null> {
  const { segments, config, now } = input;
  // Segment i holds offsets below segments[i + 1].baseOffset.
  let n = 0;
  while (n < segments.length - 1 && segments[n + 1]!.baseOffset <= input.flushedUpTo) n++;
  let firstDirty = 0;
  while (firstDirty < n && segments[firstDirty + 1]!.baseOffset <= input.firstDirtyOffset) firstDirty++;
  if (config.minCompactionLagMs > 0) {
    for (let i = firstDirty; i < n; i++) {
      const seg = await loadedSegment(segments, i);
      if (seg.maxTimestamp > now - config.minCompactionLagMs) {
        n = i;
        break;
      }
    }
  }
  if (n === 0) return null;
  let clean = 0;
  let dirty = 0;
  for (let i = 0; i < n; i++) {
    if (i < firstDirty) clean += segments[i]!.size;
    else dirty += segments[i]!.size;
  }
  const dirtyRatio = clean + dirty === 0 ? 0 : dirty / (clean + dirty);
  const plan = (reason: CleaningReason): CleaningPlan => ({ segmentCount: n, endOffset: segments[n]!.baseOffset, dirtyRatio, reason });
  if (dirty > 0 && dirtyRatio > config.minCleanableDirtyRatio) return plan('dirty-ratio');
  if (firstDirty < n && config.maxCompactionLagMs < Number.MAX_SAFE_INTEGER) {
    const seg = segments[firstDirty]!;
    await seg.loadFirstBatchTimestamp();
    if (seg.firstBatchTimestamp >= 0 && now - seg.firstBatchTimestamp > config.maxCompactionLagMs) return plan('max-lag');
  }
  if (input.deleteHorizonDueMs >= 0 && now > input.deleteHorizonDueMs) return plan('delete-horizon');
  return null;
}
