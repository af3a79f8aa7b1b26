// A bounds-checked cursor over one Buffer, used by every generated decoder.
//
// Invariants: `pos <= end <= buf.length`; nothing is ever read at or past `end`. Every length or
// count read from the wire is checked against the bytes that remain BEFORE anything is allocated
// or sliced, so a decoder can never allocate more than its input and never throws anything but
// DecodeError (no RangeError from Buffer's own accessors: we check first).
//
// Encodings (Kafka's "non-flexible" / "flexible" forms, chosen by the `compact` flag):
//   string    int16 length (-1 = null)        | unsigned varint length+1 (0 = null)
//   bytes     int32 length (-1 = null)        | unsigned varint length+1 (0 = null)
//   array     int32 count  (-1 = null)        | unsigned varint count+1  (0 = null)
//   uuid      16 raw bytes, surfaced as Kafka's 22-char base64url text (Uuid.toString form)
//   tagged fields (flexible only): uvarint count, then per field uvarint tag, uvarint size, data
import { DecodeError } from '../decode-error.js';
import { readSignedVarint, readSignedVarlong, readUnsignedVarint, type VarintResult } from './varint.js';

/** The shared zero-length buffer decoders return for empty `bytes` defaults. */
export const EMPTY_BYTES: Buffer = Buffer.alloc(0);

declare const recordsMark: unique symbol;
/**
 * A decoded `records` field: a plain Buffer (a view of the input) at run time. The mark exists only
 * in the type system, so MessageInput can let encoders take a list of chunks for exactly these
 * fields (RecordsInput in byte-writer.ts) while `bytes` fields stay single Buffers.
 */
export type RecordsView = Buffer & { readonly [recordsMark]: true };

/** The empty records default of a non-nullable `records` field. */
export const EMPTY_RECORDS = EMPTY_BYTES as RecordsView;

/** Reads one element of an array; struct readers take the message version. */
export type ElementReader<T> = (r: ByteReader, version: number) => T;

export class ByteReader {
  private readonly vr: VarintResult = { value: 0, next: 0 };

  constructor(
    readonly buf: Buffer,
    public pos = 0,
    public end = buf.length,
  ) {
    if (pos < 0 || end > buf.length || pos > end) throw new RangeError('ByteReader window outside the buffer');
  }

  remaining(): number {
    return this.end - this.pos;
  }

  /** Throws unless `n` more bytes are available; returns the current position. */
  private need(n: number): number {
    const p = this.pos;
    if (n > this.end - p) throw new DecodeError('truncated', `need ${n} bytes, ${this.end - p} left`, p);
    this.pos = p + n;
    return p;
  }

  skip(n: number): void {
    this.need(n);
  }

  int8(): number {
    return this.buf.readInt8(this.need(1));
  }
  bool(): boolean {
    return this.buf[this.need(1)] !== 0;
  }
  int16(): number {
    return this.buf.readInt16BE(this.need(2));
  }
  uint16(): number {
    return this.buf.readUInt16BE(this.need(2));
  }
  int32(): number {
    return this.buf.readInt32BE(this.need(4));
  }
  uint32(): number {
    return this.buf.readUInt32BE(this.need(4));
  }
  /** As ByteWriter.int64: a safe integer becomes one BigInt, without readBigInt64BE's intermediate ones. */
  int64(): bigint {
    const p = this.need(8);
    const buf = this.buf;
    const hi = (buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!;
    if (hi < -0x200000 || hi >= 0x200000) return buf.readBigInt64BE(p);
    const lo = buf[p + 4]! * 0x1000000 + ((buf[p + 5]! << 16) | (buf[p + 6]! << 8) | buf[p + 7]!);
    return BigInt(hi * 0x100000000 + lo);
  }
  float64(): number {
    return this.buf.readDoubleBE(this.need(8));
  }
  /** A UUID as Kafka prints it: 22 characters of unpadded base64url. */
  uuid(): string {
    const p = this.need(16);
    return this.buf.toString('base64url', p, p + 16);
  }

  uvarint(): number {
    readUnsignedVarint(this.buf, this.pos, this.end, this.vr);
    this.pos = this.vr.next;
    return this.vr.value;
  }
  varint(): number {
    readSignedVarint(this.buf, this.pos, this.end, this.vr);
    this.pos = this.vr.next;
    return this.vr.value;
  }
  varlong(): bigint {
    const { value, next } = readSignedVarlong(this.buf, this.pos, this.end);
    this.pos = next;
    return value;
  }

  /** A length prefix: -1 means null; anything else is checked against the bytes left. */
  private length(compact: boolean, wide: boolean, what: string): number {
    const at = this.pos;
    const n = compact ? this.uvarint() - 1 : wide ? this.int32() : this.int16();
    if (n < -1) throw new DecodeError('bad-length', `negative ${what} length ${n}`, at);
    if (n > this.end - this.pos) {
      throw new DecodeError('bad-length', `${what} length ${n} exceeds the ${this.end - this.pos} bytes left`, at);
    }
    return n;
  }

  private nonNull(n: number, what: string): number {
    if (n < 0) throw new DecodeError('bad-length', `null ${what} where not nullable`, this.pos);
    return n;
  }

  private text(n: number): string {
    const p = this.pos;
    this.pos = p + n;
    return n === 0 ? '' : this.buf.toString('utf8', p, p + n);
  }

  string(compact: boolean): string {
    return this.text(this.nonNull(this.length(compact, false, 'string'), 'string'));
  }
  nullableString(compact: boolean): string | null {
    const n = this.length(compact, false, 'string');
    return n < 0 ? null : this.text(n);
  }

  /** Zero-copy: the result is a view of the input buffer. */
  private slice(n: number): Buffer {
    const p = this.pos;
    this.pos = p + n;
    return this.buf.subarray(p, p + n);
  }

  bytes(compact: boolean): Buffer {
    return this.slice(this.nonNull(this.length(compact, true, 'bytes'), 'bytes'));
  }
  nullableBytes(compact: boolean): Buffer | null {
    const n = this.length(compact, true, 'bytes');
    return n < 0 ? null : this.slice(n);
  }
  /** A `records` field: nullable bytes, left undecoded as a view of the input. */
  records(compact: boolean): RecordsView | null {
    return this.nullableBytes(compact) as RecordsView | null;
  }
  /** A `records` field in a version where it is not nullable (FetchSnapshot's UnalignedRecords). */
  nonNullRecords(compact: boolean): RecordsView {
    return this.bytes(compact) as RecordsView;
  }

  /**
   * An array count (-1 = null). A count above the bytes left is rejected: every element takes at
   * least one byte in practice, and this bounds what a decoder allocates by the input size.
   */
  arrayLength(compact: boolean): number {
    return this.length(compact, true, 'array');
  }

  array<T>(compact: boolean, read: ElementReader<T>, version: number): T[] {
    const n = this.nonNull(this.arrayLength(compact), 'array');
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(read(this, version));
    return out;
  }
  nullableArray<T>(compact: boolean, read: ElementReader<T>, version: number): T[] | null {
    const n = this.arrayLength(compact);
    if (n < 0) return null;
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(read(this, version));
    return out;
  }

  /** A nullable struct (KIP-893 style): int8 marker, negative = null. */
  present(): boolean {
    return this.int8() >= 0;
  }

  /** Skips a whole tagged-field section (a struct with no tags known in this version). */
  skipTaggedFields(): void {
    for (let n = this.uvarint(); n > 0; n--) {
      this.uvarint(); // tag
      const at = this.pos;
      const size = this.uvarint();
      if (size > this.end - this.pos) throw new DecodeError('bad-length', `tagged field size ${size} too large`, at);
      this.pos += size;
    }
  }

  /**
   * Starts one tagged field whose tag was just read: reads its size and narrows the window to it,
   * so a malformed field cannot read into what follows. Returns the outer end for `endTagged`.
   */
  beginTagged(): number {
    const at = this.pos;
    const size = this.uvarint();
    if (size > this.end - this.pos) throw new DecodeError('bad-length', `tagged field size ${size} too large`, at);
    const outer = this.end;
    this.end = this.pos + size;
    return outer;
  }
  /** Ends a tagged field: skips what was not read (an unknown tag reads nothing) and widens back. */
  endTagged(outerEnd: number): void {
    this.pos = this.end;
    this.end = outerEnd;
  }
}

// Element readers for arrays of primitives, in both encodings.
export const readInt8Element: ElementReader<number> = (r) => r.int8();
export const readInt16Element: ElementReader<number> = (r) => r.int16();
export const readInt32Element: ElementReader<number> = (r) => r.int32();
export const readInt64Element: ElementReader<bigint> = (r) => r.int64();
export const readUuidElement: ElementReader<string> = (r) => r.uuid();
export const readStringElement: ElementReader<string> = (r) => r.string(false);
export const readCompactStringElement: ElementReader<string> = (r) => r.string(true);
