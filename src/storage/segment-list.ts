// Helpers over a partition's list of segments, oldest first, the last one active.
//
// Snapshot rule (what keeps reads safe while retention or the cleaner replace segments): the
// partition never mutates its segment array in place; it swaps in a new array. A reader takes the
// array it sees, and `acquireFrom` marks every segment it may touch as in use *synchronously*,
// before its first await, so a segment removed from the log meanwhile keeps its file open until
// the reader releases it (LogSegment.retire closes only idle segments).
import type { LogSegment } from './log-segment.js';

/** Index of the last segment whose base offset is <= offset (0 when none). */
export function segmentIndexFor(segments: readonly LogSegment[], offset: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid]!.baseOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Marks segments[from..] in use; call the returned function exactly once when done. */
export function acquireFrom(segments: readonly LogSegment[], from: number): () => void {
  const held = segments.slice(from);
  for (const s of held) s.acquire();
  return () => {
    for (const s of held) s.release();
  };
}

/** The segment at i with its indexes loaded (the next segment's base bounds the time index). */
export async function loadedSegment(segments: readonly LogSegment[], i: number): Promise<LogSegment> {
  const seg = segments[i]!;
  await seg.loadIndexes(segments[i + 1]?.baseOffset);
  return seg;
}
