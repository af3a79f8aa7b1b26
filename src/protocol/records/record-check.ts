// The produce path's fast structural check of a batch's records: one pass over the bytes, each record
// touched once, no allocation, no exception, no callback. It proves what the full scanner
// (record-reader.ts scanRecords + record.ts scanRecord) would prove for a well-formed batch:
//
//   every record's length within the payload and at least 6, the records filling the payload exactly,
//   as many records as the header's recordCount, offsetDelta == the record's index, and inside each
//   record every key, value and header length within the record and nothing left over;
//   with `needKeys` (compacted topics) also a non-null key on every record.
//
// It answers only "certainly valid". Anything unusual (a 5-byte varint, which no length or delta of a
// legitimate batch needs; a timestamp delta of 8+ bytes; any inconsistency) answers false, and the caller runs the full scanner,
// which finds the exact error to report or accepts the batch after all. So the fast path can never
// accept what the full check refuses, and rejections keep their precise messages.
//
// Why it is written this way: the full scanner costs ~1 µs per 100-byte record (generic varint
// readers, a callback and a result object per record) and was 60% of the broker's produce CPU; this
// loop costs a small fraction of that (bench/record-check.bench.ts).

/** Position after the last varint read by zigzag32(); module scratch, valid until the next call. */
let after = 0;

/** Sentinel for "not a fast-path varint" (no 32-bit zigzag value decodes to it). */
const SLOW = 0x3fffffff;

/**
 * A zigzag-encoded varint of one to four bytes at buf[pos] (before `end`); SLOW otherwise. Four bytes
 * (28 bits) cover every offset delta and length up to 2^27, far past any batch max.message.bytes
 * allows, and keep the arithmetic in 32-bit integers.
 */
function zigzag32(buf: Uint8Array, pos: number, end: number): number {
  if (pos >= end) return SLOW;
  let u = buf[pos]!;
  if (u < 0x80) {
    after = pos + 1;
    return (u >>> 1) ^ -(u & 1);
  }
  u &= 0x7f;
  for (let shift = 7; shift <= 21; shift += 7) {
    if (++pos >= end) return SLOW;
    const b = buf[pos]!;
    u |= (b & 0x7f) << shift;
    if (b < 0x80) {
      after = pos + 1;
      return (u >>> 1) ^ -(u & 1);
    }
  }
  return SLOW;
}

/**
 * True when the `count` records in payload[0, payload.length) are certainly well-formed (see above);
 * false when the full scanner must decide.
 */
export function recordsAreWellFormed(payload: Uint8Array, count: number, needKeys: boolean): boolean {
  const end = payload.length;
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const length = zigzag32(payload, pos, end);
    if (length === SLOW || length < 6 || length > end - after) return false;
    const recordEnd = after + length;
    // attributes (1 byte), then the timestamp delta: a varlong, skipped; 7 bytes or fewer keep it
    // far below 2^53, beyond which the full scanner rejects it.
    let p = after + 1;
    const tsLimit = Math.min(p + 7, recordEnd);
    while (p < tsLimit && payload[p]! >= 0x80) p++;
    if (p >= tsLimit) return false;
    p++;
    if (zigzag32(payload, p, recordEnd) !== i) return false;
    const keyLength = zigzag32(payload, after, recordEnd);
    if (keyLength === SLOW || keyLength < (needKeys ? 0 : -1) || keyLength > recordEnd - after) return false;
    p = after + (keyLength > 0 ? keyLength : 0);
    const valueLength = zigzag32(payload, p, recordEnd);
    if (valueLength === SLOW || valueLength < -1 || valueLength > recordEnd - after) return false;
    p = after + (valueLength > 0 ? valueLength : 0);
    const headers = zigzag32(payload, p, recordEnd);
    if (headers === SLOW || headers < 0 || headers > (recordEnd - after) / 2) return false;
    p = after;
    for (let h = 0; h < headers; h++) {
      const k = zigzag32(payload, p, recordEnd);
      if (k === SLOW || k < 0 || k > recordEnd - after) return false;
      p = after + k;
      const v = zigzag32(payload, p, recordEnd);
      if (v === SLOW || v < -1 || v > recordEnd - after) return false;
      p = after + (v > 0 ? v : 0);
    }
    if (p !== recordEnd) return false;
    pos = recordEnd;
  }
  return pos === end;
}
