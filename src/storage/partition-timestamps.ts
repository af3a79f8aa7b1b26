// Timestamp lookups over a partition's segments (ListOffsets by timestamp and MAX_TIMESTAMP):
// the time index narrows the search to one index interval, then batch headers are walked and the
// batch that can hold the answer has its records read (record-timestamps.ts, which decompresses
// compressed batches so the answer is the exact record, as Kafka's is).
import { scanBatches } from './batch-scan.js';
import type { LogSegment } from './log-segment.js';
import { firstRecordAtOrAfter } from './record-timestamps.js';
import { acquireFrom, loadedSegment, segmentIndexFor } from './segment-list.js';
import type { TimestampOffset } from './time-index.js';

/** What the lookups read of a partition, taken once per lookup (see segment-list.ts). */
export interface TimestampView {
  segments: readonly LogSegment[];
  logStartOffset: number;
  highWatermark: number;
}

/**
 * The earliest offset (>= log start, < high watermark) whose record timestamp is >= `timestamp`,
 * with that timestamp; null when there is none (Kafka's UnifiedLog.fetchOffsetByTimestamp).
 */
export async function offsetForTimestamp(view: TimestampView, timestamp: number): Promise<TimestampOffset | null> {
  const { segments, logStartOffset: start, highWatermark: hw } = view;
  const first = segmentIndexFor(segments, start);
  const release = acquireFrom(segments, first);
  try {
    for (let i = first; i < segments.length; i++) {
      const seg = await loadedSegment(segments, i);
      if (seg.maxTimestamp < timestamp) continue;
      const from = (await seg.index()).lookup((await seg.times()).scanStart(timestamp)).position;
      let found: TimestampOffset | null = null;
      await scanBatches(seg.file, from, seg.size, { verifyCrc: false, minBaseOffset: 0 }, (b) => {
        if (b.baseOffset >= hw) return false;
        if (b.lastOffset < start || b.maxTimestamp < timestamp) return true;
        const r = firstRecordAtOrAfter(b.buf, b.bufPos, timestamp);
        // A record below the log start (DeleteRecords inside a batch) answers the log start.
        if (r) found = r.offset < start ? { offset: start, timestamp: r.timestamp } : r;
        return found === null;
      });
      if (found) return found;
    }
    return null;
  } finally {
    release();
  }
}

/** ListOffsets MAX_TIMESTAMP (KIP-734): the first record with the largest timestamp, or null when empty. */
export async function maxTimestampOffset(view: TimestampView): Promise<TimestampOffset | null> {
  const { segments, logStartOffset: start } = view;
  const first = segmentIndexFor(segments, start);
  const release = acquireFrom(segments, first);
  try {
    let best: LogSegment | null = null;
    for (let i = first; i < segments.length; i++) {
      const seg = await loadedSegment(segments, i);
      if (seg.maxTimestamp >= 0 && (best === null || seg.maxTimestamp > best.maxTimestamp)) best = seg;
    }
    if (!best) return null;
    const target = best.maxTimestamp;
    const from = (await best.index()).lookup(best.offsetOfMaxTimestamp).position;
    let found: TimestampOffset | null = null;
    await scanBatches(best.file, from, best.size, { verifyCrc: false, minBaseOffset: 0 }, (b) => {
      if (b.maxTimestamp >= target) found = firstRecordAtOrAfter(b.buf, b.bufPos, target);
      return found === null;
    });
    return found ?? { offset: Math.max(best.offsetOfMaxTimestamp, start), timestamp: target };
  } finally {
    release();
  }
}
