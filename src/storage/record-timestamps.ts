// Finds, inside one stored batch, the first record whose timestamp is >= a target: the last step
// of offset-for-timestamp (ListOffsets). Only this lookup walks records, and only the
// `length, attributes, timestampDelta, offsetDelta` prefix of each (record format v2):
//   length varint | attributes int8 | timestampDelta varlong | offsetDelta varint | key, value, headers...
// Compressed batches are decompressed (only here: ListOffsets by timestamp is not a hot path, and
// Kafka decompresses for it too) so the answer is the exact record, as Kafka's
// LogSegment.findOffsetByTimestamp gives it. Offsets may have gaps inside a batch after compaction:
// each record's own offset delta is used.
import {
  RECORDS_OFFSET,
  batchBaseOffset,
  batchBaseTimestamp,
  batchCompression,
  batchMaxTimestamp,
  batchRecordCount,
  batchTimestampType,
  batchTotalSize,
} from '../protocol/records/batch-header.js';
import { readSignedVarint, readSignedVarlong } from '../protocol/primitives/varint.js';
import { forEachRecord } from '../protocol/records/record-reader.js';
import type { VarintResult } from '../protocol/primitives/varint.js';
import type { TimestampOffset } from './time-index.js';

/**
 * The first record of the batch at buf[pos..] with timestamp >= target, as {offset, timestamp};
 * null when no record qualifies. Assumes the caller checked the batch's framing.
 */
export function firstRecordAtOrAfter(buf: Buffer, pos: number, target: number): TimestampOffset | null {
  const base = batchBaseOffset(buf, pos);
  const maxTs = batchMaxTimestamp(buf, pos);
  if (maxTs < target) return null;
  // LogAppendTime: every record carries the batch's max timestamp.
  if (batchTimestampType(buf, pos) === 1) return { offset: base, timestamp: maxTs };
  if (batchCompression(buf, pos) !== 0) return firstCompressedRecordAtOrAfter(buf, pos, target);
  const end = pos + batchTotalSize(buf, pos);
  const baseTs = batchBaseTimestamp(buf, pos);
  const count = batchRecordCount(buf, pos);
  const v: VarintResult = { value: 0, next: 0 };
  let p = pos + RECORDS_OFFSET;
  try {
    for (let i = 0; i < count && p < end; i++) {
      readSignedVarint(buf, p, end, v);
      const recordEnd = v.next + v.value;
      const tsDelta = readSignedVarlong(buf, v.next + 1, end);
      readSignedVarint(buf, tsDelta.next, end, v);
      const ts = baseTs + Number(tsDelta.value);
      if (ts >= target) return { offset: base + v.value, timestamp: ts };
      p = recordEnd;
    }
  } catch {
    // Malformed records: fall back to the batch, whose header passed the CRC check on append.
  }
  return { offset: base, timestamp: maxTs };
}

/** The compressed case: decompress the one batch and walk its records. */
function firstCompressedRecordAtOrAfter(buf: Buffer, pos: number, target: number): TimestampOffset {
  let found: TimestampOffset | null = null;
  try {
    const batch = buf.subarray(pos, pos + batchTotalSize(buf, pos));
    forEachRecord(
      batch,
      0,
      (r) => {
        if (found === null && r.timestamp >= target) found = { offset: r.offset, timestamp: r.timestamp };
      },
      { verifyCrc: false },
    );
  } catch {
    // Undecodable records (refused on produce, so unexpected): the batch's base offset stands.
  }
  return found ?? { offset: batchBaseOffset(buf, pos), timestamp: batchMaxTimestamp(buf, pos) };
}
