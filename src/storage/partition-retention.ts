// Which old segments a partition may delete (Kafka's UnifiedLog.deleteOldSegments and its
// retention.ms / retention.bytes / log-start-offset breaches). Deletion itself (moving the log
// start, persisting it, unlinking files) stays with the partition log, which owns that state.
import type { LogConfig } from './log-config.js';
import type { LogSegment } from './log-segment.js';
import { loadedSegment } from './segment-list.js';

export type SegmentPredicate = (seg: LogSegment, i: number) => boolean | Promise<boolean>;

/**
 * The retention rule for one pass at `now`: a segment goes while the partition exceeds
 * retention.bytes by at least its size, or when its largest timestamp is older than retention.ms
 * (its creation time when it has no timestamps). Asked oldest first, stopping at the first "no".
 */
export function retentionBreach(config: LogConfig, segments: readonly LogSegment[], now: number): SegmentPredicate {
  const { retentionMs, retentionBytes } = config;
  let excess = -1;
  if (retentionBytes >= 0) {
    excess = -retentionBytes;
    for (const s of segments) excess += s.size;
  }
  return async (seg, i) => {
    if (retentionBytes >= 0 && excess - seg.size >= 0) {
      excess -= seg.size;
      return true;
    }
    if (retentionMs >= 0) {
      await loadedSegment(segments, i);
      const ts = seg.maxTimestamp >= 0 ? seg.maxTimestamp : seg.createdMs;
      if (now - ts > retentionMs) return true;
    }
    return false;
  };
}

/**
 * How many segments from the oldest may be deleted: never the active one, never one whose
 * successor starts past the recovery point (not yet flushed with its indexes), and only while
 * each lies wholly below the log start offset or `shouldDelete` says so.
 */
export async function deletablePrefix(
  segments: readonly LogSegment[],
  logStartOffset: number,
  recoveryPoint: number,
  shouldDelete: SegmentPredicate,
): Promise<number> {
  let n = 0;
  while (n < segments.length - 1) {
    const next = segments[n + 1]!;
    if (next.baseOffset > recoveryPoint) break;
    if (!(next.baseOffset <= logStartOffset || (await shouldDelete(segments[n]!, n)))) break;
    n++;
  }
  return n;
}
