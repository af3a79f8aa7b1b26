// Writes into a Buffer sized in advance. Generated encoders run two passes over a message: a size
// pass (the *Size functions below) and a write pass into one Buffer.allocUnsafe of exactly that
// size. The writer never grows and allocates nothing per field; writing past the end is a bug in
// the size pass and fails loudly (Buffer's own RangeError).
//
// Encoding errors (a value out of range for its type, null in a non-nullable field, a malformed
// UUID string) are programming errors on our side, not bad input, so they throw plain errors.
import {
  signedVarintSize,
  unsignedVarintSize,
  writeSignedVarint,
  writeUnsignedVarint,
} from './varint.js';

/**
 * What encoders take for a `records` field: one Buffer, or a list of Buffers (e.g. stored batch
 * slices) that form the field's content back to back. The copying writer concatenates them; the
 * gather writer (gather-writer.ts) hands the very same Buffers on for a writev.
 */
export type RecordsInput = Buffer | readonly Buffer[];

export type ElementWriter<T> = (w: ByteWriter, value: T, version: number) => void;
export type ElementSizer<T> = (value: T, version: number) => number;

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
const UUID_TEXT = /^[A-Za-z0-9_-]{21}[AQgw]$/;

function nullError(what: string): Error {
  return new TypeError(`null ${what} in a field that is not nullable in this version`);
}

export class ByteWriter {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
  ) {}

  int8(n: number): void {
    this.pos = this.buf.writeInt8(n, this.pos);
  }
  bool(b: boolean): void {
    this.buf[this.pos++] = b ? 1 : 0;
  }
  int16(n: number): void {
    this.pos = this.buf.writeInt16BE(n, this.pos);
  }
  uint16(n: number): void {
    this.pos = this.buf.writeUInt16BE(n, this.pos);
  }
  int32(n: number): void {
    this.pos = this.buf.writeInt32BE(n, this.pos);
  }
  uint32(n: number): void {
    this.pos = this.buf.writeUInt32BE(n, this.pos);
  }
  /**
   * Offsets, timestamps, producer ids and -1 are safe integers: they are written as two 32-bit halves
   * of a Number, without the BigInt masks and shifts (each a new heap BigInt) of writeBigInt64BE,
   * which writes the rest (and throws for values out of range or a buffer too short, as before).
   */
  int64(n: bigint): void {
    const v = Number(n);
    const p = this.pos;
    const buf = this.buf;
    if (!Number.isSafeInteger(v) || p + 8 > buf.length) {
      this.pos = buf.writeBigInt64BE(n, p);
      return;
    }
    const hi = Math.floor(v / 0x100000000);
    const lo = v - hi * 0x100000000;
    buf[p] = hi >>> 24;
    buf[p + 1] = hi >>> 16;
    buf[p + 2] = hi >>> 8;
    buf[p + 3] = hi;
    buf[p + 4] = lo >>> 24;
    buf[p + 5] = lo >>> 16;
    buf[p + 6] = lo >>> 8;
    buf[p + 7] = lo;
    this.pos = p + 8;
  }
  float64(n: number): void {
    this.pos = this.buf.writeDoubleBE(n, this.pos);
  }
  uuid(id: string): void {
    if (!UUID_TEXT.test(id)) throw new TypeError(`not a 22-character base64url UUID: ${JSON.stringify(id)}`);
    this.pos += this.buf.write(id, this.pos, 16, 'base64url');
  }
  uvarint(n: number): void {
    this.pos = writeUnsignedVarint(this.buf, this.pos, n);
  }
  varint(n: number): void {
    this.pos = writeSignedVarint(this.buf, this.pos, n);
  }

  /** Length prefix; -1 writes null. Strings use int16, bytes and arrays int32 (non-flexible). */
  protected length(n: number, compact: boolean, wide: boolean): void {
    if (compact) this.uvarint(n + 1);
    else if (wide) this.int32(n);
    else this.int16(n);
  }

  string(s: string | null, compact: boolean): void {
    if (s === null) throw nullError('string');
    const n = Buffer.byteLength(s, 'utf8');
    this.length(n, compact, false);
    if (n > 0) this.pos += this.buf.write(s, this.pos, n, 'utf8');
  }
  nullableString(s: string | null, compact: boolean): void {
    if (s === null) this.length(-1, compact, false);
    else this.string(s, compact);
  }

  bytes(b: Uint8Array | null, compact: boolean): void {
    if (b === null) throw nullError('bytes');
    this.length(b.length, compact, true);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  nullableBytes(b: Uint8Array | null, compact: boolean): void {
    if (b === null) this.length(-1, compact, true);
    else this.bytes(b, compact);
  }
  /** A nullable `records` field, its content copied (GatherWriter hands the chunks on instead). */
  records(b: RecordsInput | null, compact: boolean): void {
    if (b === null) {
      this.length(-1, compact, true);
      return;
    }
    this.length(recordsLength(b), compact, true);
    this.recordsContent(b);
  }
  /** A `records` field in a version where it is not nullable. */
  nonNullRecords(b: RecordsInput | null, compact: boolean): void {
    if (b === null) throw nullError('records');
    this.records(b, compact);
  }
  /** Writes a records field's content after its length prefix. */
  protected recordsContent(b: RecordsInput): void {
    if (!isChunkList(b)) {
      this.buf.set(b, this.pos);
      this.pos += b.length;
      return;
    }
    for (const chunk of b) {
      this.buf.set(chunk, this.pos);
      this.pos += chunk.length;
    }
  }

  /** A nullable struct (KIP-893 style): int8 -1 for null, 1 then the struct otherwise. */
  nullableStruct<T>(value: T | null, write: ElementWriter<T>, version: number): void {
    if (value === null) {
      this.int8(-1);
    } else {
      this.int8(1);
      write(this, value, version);
    }
  }

  arrayLength(n: number, compact: boolean): void {
    this.length(n, compact, true);
  }
  array<T>(items: readonly T[] | null, compact: boolean, write: ElementWriter<T>, version: number): void {
    if (items === null) throw nullError('array');
    this.length(items.length, compact, true);
    for (let i = 0; i < items.length; i++) write(this, items[i]!, version);
  }
  nullableArray<T>(items: readonly T[] | null, compact: boolean, write: ElementWriter<T>, version: number): void {
    if (items === null) this.length(-1, compact, true);
    else this.array(items, compact, write, version);
  }
}

// ---- size pass: the exact encoded size of each form ----

function lengthSize(n: number, compact: boolean, wide: boolean): number {
  return compact ? unsignedVarintSize(n + 1) : wide ? 4 : 2;
}
export function stringSize(s: string | null, compact: boolean): number {
  if (s === null) throw nullError('string');
  const n = Buffer.byteLength(s, 'utf8');
  return lengthSize(n, compact, false) + n;
}
export function nullableStringSize(s: string | null, compact: boolean): number {
  return s === null ? lengthSize(-1, compact, false) : stringSize(s, compact);
}
export function bytesSize(b: Uint8Array | null, compact: boolean): number {
  if (b === null) throw nullError('bytes');
  return lengthSize(b.length, compact, true) + b.length;
}
export function nullableBytesSize(b: Uint8Array | null, compact: boolean): number {
  return b === null ? lengthSize(-1, compact, true) : bytesSize(b, compact);
}
/** True for the list form of RecordsInput (Array.isArray does not narrow readonly arrays). */
export function isChunkList(b: RecordsInput): b is readonly Buffer[] {
  return Array.isArray(b);
}

/** The content length of a records field: its Buffer's, or the sum of its chunks'. */
export function recordsLength(b: RecordsInput): number {
  if (!isChunkList(b)) return b.length;
  let n = 0;
  for (const chunk of b) n += chunk.length;
  return n;
}

// Records content bytes counted by the size pass since the last takeRecordsContentBytes(). The
// gather encoder resets it, runs one (synchronous) size pass, and reads it back, to allocate only
// the non-records bytes of a frame. Sizing never awaits, so no other size pass can interleave.
let recordsContentBytes = 0;

/** Returns the records content bytes sized since the previous call, and restarts the count. */
export function takeRecordsContentBytes(): number {
  const n = recordsContentBytes;
  recordsContentBytes = 0;
  return n;
}
export function recordsSize(b: RecordsInput | null, compact: boolean): number {
  if (b === null) return lengthSize(-1, compact, true);
  const n = recordsLength(b);
  recordsContentBytes += n;
  return lengthSize(n, compact, true) + n;
}
export function nonNullRecordsSize(b: RecordsInput | null, compact: boolean): number {
  if (b === null) throw nullError('records');
  return recordsSize(b, compact);
}
export function arrayLengthSize(n: number, compact: boolean): number {
  return lengthSize(n, compact, true);
}
export function arraySize<T>(items: readonly T[] | null, compact: boolean, size: ElementSizer<T>, version: number): number {
  if (items === null) throw nullError('array');
  let s = lengthSize(items.length, compact, true);
  for (let i = 0; i < items.length; i++) s += size(items[i]!, version);
  return s;
}
export function nullableArraySize<T>(
  items: readonly T[] | null,
  compact: boolean,
  size: ElementSizer<T>,
  version: number,
): number {
  return items === null ? lengthSize(-1, compact, true) : arraySize(items, compact, size, version);
}
/** Size of an array whose elements all take `elementSize` bytes (null allowed: nullability is checked on write). */
export function fixedArraySize(items: readonly unknown[] | null, compact: boolean, elementSize: number): number {
  return items === null ? lengthSize(-1, compact, true) : lengthSize(items.length, compact, true) + items.length * elementSize;
}
export function nullableStructSize<T>(value: T | null, size: ElementSizer<T>, version: number): number {
  return value === null ? 1 : 1 + size(value, version);
}
/** Size of a tagged field's tag and size prefix plus its `dataSize` bytes. */
export function taggedFieldSize(tag: number, dataSize: number): number {
  return unsignedVarintSize(tag) + unsignedVarintSize(dataSize) + dataSize;
}
export { unsignedVarintSize, signedVarintSize };

// Element writers and sizers for arrays of primitives.
export const writeInt8Element: ElementWriter<number> = (w, n) => w.int8(n);
export const writeInt16Element: ElementWriter<number> = (w, n) => w.int16(n);
export const writeInt32Element: ElementWriter<number> = (w, n) => w.int32(n);
export const writeInt64Element: ElementWriter<bigint> = (w, n) => w.int64(n);
export const writeUuidElement: ElementWriter<string> = (w, s) => w.uuid(s);
export const writeStringElement: ElementWriter<string> = (w, s) => w.string(s, false);
export const writeCompactStringElement: ElementWriter<string> = (w, s) => w.string(s, true);
export const stringElementSize: ElementSizer<string> = (s) => stringSize(s, false);
export const compactStringElementSize: ElementSizer<string> = (s) => stringSize(s, true);
