// When an append starts a new active segment (Kafka's LogSegment.shouldRoll, UnifiedLog.maybeRoll):
//
//   size + incoming bytes > segment.bytes                                   (size)
//   size > 0 and timeWaited > maxSegmentMs - rollJitterMs                   (time, strictly greater)
//   the incoming offsets would not fit int32 relative offsets in the index  (offset range)
//   the offset or time index holds as many entries as segment.index.bytes   (index full: Kafka's
//     allows (8-byte and 12-byte entries), so the next one would not fit    OffsetIndex/TimeIndex.isFull)
//
// timeWaited is measured in record time, not wall time: the largest timestamp of the incoming
// batches minus the max timestamp of the segment's first batch (wall time since the segment was
// created or opened only when that timestamp is unknown, e.g. -1 in the batch). So a producer replaying old data rolls by the data's own timestamps, and a
// segment reopened after a restart keeps its age. maxSegmentMs is segment.ms, capped by
// max.compaction.lag.ms on compacted topics (log-config.ts). rollJitterMs is drawn per segment from
// [0, min(segment.jitter.ms, segment.ms)) so that many partitions created together do not all roll
// at once.
import { maxSegmentMs } from './log-config.js';
import type { LogConfig } from './log-config.js';
import type { LogSegment } from './log-segment.js';

/** Relative offsets are int32 in the indexes. */
const MAX_RELATIVE_OFFSET = 0x7fff_0000;

export interface RollInput {
  config: LogConfig;
  jitterMs: number;
  incomingBytes: number;
  /** Largest timestamp of the incoming batches (after LogAppendTime is applied). */
  incomingMaxTimestamp: number;
  /** The offset the incoming batches start at. */
  nextOffset: number;
  now: number;
}

export function shouldRoll(active: LogSegment, input: RollInput): boolean {
  if (active.size === 0) return false;
  if (active.size + input.incomingBytes > input.config.segmentBytes) return true;
  if (input.nextOffset - active.baseOffset > MAX_RELATIVE_OFFSET) return true;
  const entries = active.indexEntries;
  if (entries.offset >= Math.floor(input.config.segmentIndexBytes / 8) || entries.time >= Math.floor(input.config.segmentIndexBytes / 12)) return true;
  const first = active.firstBatchTimestamp;
  const waited = first >= 0 ? input.incomingMaxTimestamp - first : input.now - active.createdMs;
  return waited > maxSegmentMs(input.config) - input.jitterMs;
}

/** Kafka's LogConfig.randomSegmentJitter: 0 unless segment.jitter.ms is set. */
export function randomRollJitter(config: LogConfig, random: () => number = Math.random): number {
  if (config.segmentJitterMs <= 0) return 0;
  return Math.floor(random() * Math.min(config.segmentJitterMs, config.segmentMs));
}
