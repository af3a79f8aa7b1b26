// Reads the records of a v2 batch, decompressing the records block first when the batch is compressed.
// Keys, values and header values are zero-copy views of the batch (or of the decompressed block).
//
// Checks, each failing with DecodeError: magic 2 only ('unsupported' otherwise), whole batch inside the
// buffer, CRC (unless disabled), a known codec, decompressed size and record count under the caps
// ('too-large'), the header's recordCount equal to the records actually present with no bytes left over,
// offset deltas strictly increasing and within [0, lastOffsetDelta]. Deltas may skip values because
// compaction removes records but keeps the batch's offset range; a compacted batch may even be empty.
import { DecodeError } from '../decode-error.js';
import type { VarintResult } from '../primitives/varint.js';
import {
  RECORDS_OFFSET,
  batchBaseOffset,
  batchBaseTimestamp,
  batchCompression,
  batchCrcIsValid,
  batchLastOffsetDelta,
  batchMaxTimestamp,
  batchRecordCount,
  batchTimestampType,
  checkBatchFraming,
} from './batch-header.js';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, decompress, isKnownCompression } from './compression/index.js';
import { MIN_RECORD_SIZE, newRecordScan, readHeaders, scanRecord, type Record, type RecordScan } from './record.js';

export interface RecordReadOptions {
  /** Cap on the decompressed records block; default DEFAULT_MAX_DECOMPRESSED_BYTES (64 MiB). */
  maxDecompressedBytes?: number;
  /** Cap on the header's recordCount; default: unbounded beyond what the payload size allows. */
  maxRecordCount?: number;
  /** Verify the batch CRC-32C first (default true). */
  verifyCrc?: boolean;
}

/**
 * The records block of the batch at pos, decompressed when needed (a view of buf when uncompressed).
 * Checks framing, magic, CRC and the decompression cap.
 */
export function batchRecordsPayload(buf: Buffer, pos = 0, options: RecordReadOptions = {}): Buffer {
  const size = checkBatchFraming(buf, pos, buf.length);
  if (options.verifyCrc !== false && !batchCrcIsValid(buf, pos)) {
    throw new DecodeError('bad-value', 'record batch CRC-32C mismatch', pos);
  }
  const codec = batchCompression(buf, pos);
  if (!isKnownCompression(codec)) throw new DecodeError('unsupported', `compression codec id ${codec}`, pos + 22);
  const block = buf.subarray(pos + RECORDS_OFFSET, pos + size);
  return decompress(codec, block, options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES);
}

/**
 * Checks the header's recordCount against the caps and the payload size (so a huge count cannot make us
 * allocate before the records are found missing).
 */
export function checkRecordCount(count: number, payloadSize: number, maxRecordCount = Infinity): void {
  if (count < 0) throw new DecodeError('bad-length', `negative record count ${count}`);
  if (count > maxRecordCount) throw new DecodeError('too-large', `${count} records, over the cap of ${maxRecordCount}`);
  if (count > payloadSize / MIN_RECORD_SIZE) {
    throw new DecodeError('bad-length', `${count} records cannot fit in ${payloadSize} bytes`);
  }
}

/**
 * Walks every record of a payload, validating structure, count and offset deltas, and calls fn with the
 * reused scan slot. Used by the reader and by produce validation (which never materialises records).
 */
export function scanRecords(
  payload: Buffer,
  count: number,
  lastOffsetDelta: number,
  fn: (scan: RecordScan, index: number, v: VarintResult) => void,
): void {
  const scan = newRecordScan();
  const v: VarintResult = { value: 0, next: 0 };
  let pos = 0;
  let previousDelta = -1;
  for (let i = 0; i < count; i++) {
    if (pos >= payload.length) {
      throw new DecodeError('truncated', `batch declares ${count} records but holds ${i}`, pos);
    }
    scanRecord(payload, pos, payload.length, scan, v);
    if (scan.offsetDelta <= previousDelta || scan.offsetDelta > lastOffsetDelta) {
      throw new DecodeError('bad-value', `record offset delta ${scan.offsetDelta} out of order or past lastOffsetDelta ${lastOffsetDelta}`, pos);
    }
    previousDelta = scan.offsetDelta;
    fn(scan, i, v);
    pos = scan.next;
  }
  if (pos !== payload.length) {
    throw new DecodeError('bad-length', `${payload.length - pos} bytes left after the batch's ${count} records`, pos);
  }
}

/** Calls fn for each record of the batch at pos. The Record object passed is new for each call. */
export function forEachRecord(buf: Buffer, pos: number, fn: (record: Record) => void, options: RecordReadOptions = {}): void {
  const payload = batchRecordsPayload(buf, pos, options);
  const count = batchRecordCount(buf, pos);
  checkRecordCount(count, payload.length, options.maxRecordCount);
  const baseOffset = batchBaseOffset(buf, pos);
  const logAppendTime = batchTimestampType(buf, pos) === 1;
  const baseTimestamp = batchBaseTimestamp(buf, pos);
  const maxTimestamp = batchMaxTimestamp(buf, pos);
  scanRecords(payload, count, batchLastOffsetDelta(buf, pos), (scan, _i, v) => {
    fn({
      offset: baseOffset + scan.offsetDelta,
      // LogAppendTime: every record carries the broker's append time, stored as maxTimestamp.
      timestamp: logAppendTime ? maxTimestamp : baseTimestamp + scan.timestampDelta,
      attributes: scan.attributes,
      timestampDelta: scan.timestampDelta,
      offsetDelta: scan.offsetDelta,
      key: scan.keyLength < 0 ? null : payload.subarray(scan.keyStart, scan.keyStart + scan.keyLength),
      value: scan.valueLength < 0 ? null : payload.subarray(scan.valueStart, scan.valueStart + scan.valueLength),
      headers: scan.headerCount === 0 ? [] : readHeaders(payload, scan, v),
    });
  });
}

/** All records of the batch at pos. */
export function readRecords(buf: Buffer, pos = 0, options: RecordReadOptions = {}): Record[] {
  const records: Record[] = [];
  forEachRecord(buf, pos, (r) => records.push(r), options);
  return records;
}
