// One record inside a v2 batch (KIP-98). Varints are zigzag-encoded signed (protobuf's sint32/sint64):
//
//   length            varint   bytes of the record after this field
//   attributes        int8     unused, 0
//   timestampDelta    varlong  timestamp - batch baseTimestamp
//   offsetDelta       varint   offset - batch baseOffset
//   keyLength         varint   -1 = null key
//   key               bytes
//   valueLength       varint   -1 = null value
//   value             bytes
//   headerCount       varint
//   headers           repeated: headerKeyLength varint (>= 0), headerKey UTF-8,
//                               headerValueLength varint (-1 = null), headerValue bytes
//
// The smallest record is 7 bytes (length 6, then six one-byte fields), which bounds a batch's record count
// by its payload size before anything is allocated.
//
// scanRecord validates one record's structure and reports where its parts are in a reusable slot, so the
// produce path can check records without allocating; the reader turns the slot into a Record.
import { DecodeError } from '../decode-error.js';
import {
  readSignedVarint,
  signedVarintSize,
  signedVarlongSize,
  unsignedVarintSize,
  writeSignedVarint,
  writeSignedVarlong,
  writeUnsignedVarint,
  type VarintResult,
} from '../primitives/varint.js';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** A decoded record. key, value and header values are views into the batch (or decompressed) bytes. */
export interface Record {
  offset: number;
  timestamp: number;
  attributes: number;
  timestampDelta: number;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export const MIN_RECORD_SIZE = 7;

/** Where the parts of one scanned record lie in its buffer; reused from record to record. */
export interface RecordScan {
  attributes: number;
  timestampDelta: number;
  offsetDelta: number;
  /** -1 for a null key. */
  keyLength: number;
  keyStart: number;
  valueLength: number;
  valueStart: number;
  headerCount: number;
  headersStart: number;
  /** Position just after the record. */
  next: number;
}

export function newRecordScan(): RecordScan {
  return { attributes: 0, timestampDelta: 0, offsetDelta: 0, keyLength: -1, keyStart: 0, valueLength: -1, valueStart: 0, headerCount: 0, headersStart: 0, next: 0 };
}

/**
 * Reads a zigzag varlong as a JS number. Values beyond +-2^53 are not meaningful timestamp deltas and fail
 * with DecodeError('bad-value') rather than losing precision silently.
 */
export function readVarlongAsNumber(buf: Uint8Array, pos: number, end: number, out: VarintResult): VarintResult {
  let u = 0;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw new DecodeError('truncated', 'varlong runs past the end of the record', pos);
    const b = buf[pos++]!;
    if (i === 9 && b > 0x01) throw new DecodeError('bad-varint', 'varlong overflows 64 bits', pos - 1);
    u += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) {
      if (u > Number.MAX_SAFE_INTEGER) throw new DecodeError('bad-value', 'varlong beyond 2^53', pos - 1);
      out.value = u % 2 === 0 ? u / 2 : -(u + 1) / 2;
      out.next = pos;
      return out;
    }
  }
  throw new DecodeError('bad-varint', 'varlong longer than 10 bytes', pos);
}

/** Reads a length (-1 = null) that must fit in buf[pos, end). */
function readLength(buf: Buffer, pos: number, end: number, v: VarintResult, what: string, nullable: boolean): number {
  readSignedVarint(buf, pos, end, v);
  const n = v.value;
  if (n < (nullable ? -1 : 0)) throw new DecodeError('bad-length', `${what} length ${n}`, pos);
  if (n > end - v.next) throw new DecodeError('bad-length', `${what} of ${n} bytes overruns its record`, pos);
  return n;
}

/**
 * Validates the structure of the record at buf[pos, end) (every length within the record's own length,
 * nothing left over) and fills `scan`. Throws DecodeError on any inconsistency; never reads past `end`.
 */
export function scanRecord(buf: Buffer, pos: number, end: number, scan: RecordScan, v: VarintResult): RecordScan {
  readSignedVarint(buf, pos, end, v);
  const length = v.value;
  if (length < MIN_RECORD_SIZE - 1 || length > end - v.next) {
    throw new DecodeError('bad-length', `record length ${length} with ${end - v.next} bytes left`, pos);
  }
  const recordEnd = v.next + length;
  scan.attributes = buf.readInt8(v.next); // unused by Kafka so far; length >= 6 keeps this in bounds
  readVarlongAsNumber(buf, v.next + 1, recordEnd, v);
  scan.timestampDelta = v.value;
  readSignedVarint(buf, v.next, recordEnd, v);
  scan.offsetDelta = v.value;
  let p = v.next;
  scan.keyLength = readLength(buf, p, recordEnd, v, 'key', true);
  scan.keyStart = v.next;
  p = v.next + Math.max(0, scan.keyLength);
  scan.valueLength = readLength(buf, p, recordEnd, v, 'value', true);
  scan.valueStart = v.next;
  p = v.next + Math.max(0, scan.valueLength);
  readSignedVarint(buf, p, recordEnd, v);
  const headerCount = v.value;
  if (headerCount < 0 || headerCount > (recordEnd - v.next) / 2) {
    throw new DecodeError('bad-length', `header count ${headerCount}`, p);
  }
  scan.headerCount = headerCount;
  scan.headersStart = p = v.next;
  for (let i = 0; i < headerCount; i++) {
    const keyLength = readLength(buf, p, recordEnd, v, 'header key', false);
    p = v.next + keyLength;
    const valueLength = readLength(buf, p, recordEnd, v, 'header value', true);
    p = v.next + Math.max(0, valueLength);
  }
  if (p !== recordEnd) {
    throw new DecodeError('bad-length', `record declares ${length} bytes but its fields take ${p - (recordEnd - length)}`, p);
  }
  scan.next = recordEnd;
  return scan;
}

/** Decodes the headers of a scanned record (they were validated by scanRecord). */
export function readHeaders(buf: Buffer, scan: RecordScan, v: VarintResult): RecordHeader[] {
  const headers: RecordHeader[] = new Array<RecordHeader>(scan.headerCount);
  let p = scan.headersStart;
  for (let i = 0; i < scan.headerCount; i++) {
    readSignedVarint(buf, p, scan.next, v);
    const key = buf.toString('utf8', v.next, v.next + v.value);
    p = v.next + v.value;
    readSignedVarint(buf, p, scan.next, v);
    const value = v.value < 0 ? null : buf.subarray(v.next, v.next + v.value);
    p = v.next + Math.max(0, v.value);
    headers[i] = { key, value };
  }
  return headers;
}

/** What the batch builder needs to encode one record. */
export interface RecordInput {
  key?: Buffer | null;
  value?: Buffer | null;
  headers?: readonly RecordHeader[];
  /** Milliseconds since the epoch; defaults to the batch's base timestamp. */
  timestamp?: number;
}

function bytesFieldSize(b: Buffer | null | undefined): number {
  return b == null ? 1 : signedVarintSize(b.length) + b.length;
}

// Timestamp deltas are encoded as zigzag varlongs. Below 2^52 in magnitude the zigzag value (< 2^53) is an
// exact double and the unsigned varint helpers (division-based, no 32-bit truncation) encode it, so the
// per-record path allocates no BigInt; larger deltas (never real timestamps) keep the exact BigInt path.
const NUMBER_VARLONG_LIMIT = 2 ** 52;

function zigzagNumber(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

export function varlongSize(n: number): number {
  return Math.abs(n) < NUMBER_VARLONG_LIMIT ? unsignedVarintSize(zigzagNumber(n)) : signedVarlongSize(BigInt(n));
}

export function writeVarlong(buf: Buffer, pos: number, n: number): number {
  return Math.abs(n) < NUMBER_VARLONG_LIMIT ? writeUnsignedVarint(buf, pos, zigzagNumber(n)) : writeSignedVarlong(buf, pos, BigInt(n));
}

/** Size of the record body (everything after the length varint). */
export function recordBodySize(r: RecordInput, timestampDelta: number, offsetDelta: number): number {
  let size = 1 + varlongSize(timestampDelta) + signedVarintSize(offsetDelta);
  size += bytesFieldSize(r.key) + bytesFieldSize(r.value);
  const headers = r.headers; // no `?? []`: that would allocate an array per header-less record
  if (headers == null) return size + 1; // header count 0
  size += signedVarintSize(headers.length);
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!;
    const keyBytes = Buffer.byteLength(h.key, 'utf8');
    size += signedVarintSize(keyBytes) + keyBytes + bytesFieldSize(h.value);
  }
  return size;
}

function writeBytesField(buf: Buffer, pos: number, b: Buffer | null | undefined): number {
  if (b == null) return writeSignedVarint(buf, pos, -1);
  pos = writeSignedVarint(buf, pos, b.length);
  return pos + b.copy(buf, pos);
}

/** Writes a record (length varint included) at pos; returns the position after it. */
export function writeRecord(buf: Buffer, pos: number, r: RecordInput, timestampDelta: number, offsetDelta: number, bodySize: number): number {
  pos = writeSignedVarint(buf, pos, bodySize);
  buf[pos++] = 0;
  pos = writeVarlong(buf, pos, timestampDelta);
  pos = writeSignedVarint(buf, pos, offsetDelta);
  pos = writeBytesField(buf, pos, r.key);
  pos = writeBytesField(buf, pos, r.value);
  const headers = r.headers;
  if (headers == null) return writeSignedVarint(buf, pos, 0);
  pos = writeSignedVarint(buf, pos, headers.length);
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!;
    const keyBytes = Buffer.byteLength(h.key, 'utf8');
    pos = writeSignedVarint(buf, pos, keyBytes);
    pos += buf.write(h.key, pos, 'utf8');
    pos = writeBytesField(buf, pos, h.value);
  }
  return pos;
}
