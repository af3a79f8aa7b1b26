// Bounds-checked reading and exact-size writing of AMQP 0-9-1's primitive domains (spec section
// 4.2.5): octet, short (16), long (32), longlong (64), all big-endian and unsigned; shortstr (octet
// length + bytes, at most 255), longstr (long length + bytes), timestamp (longlong seconds), and
// bits packed low bit first into octets (consecutive bit fields of a method share octets).
//
// Invariants: `pos <= end <= buf.length`; every length read is checked against the bytes that
// remain before anything is sliced, so a decoder never reads past its input, never allocates more
// than it, and throws nothing but AmqpDecodeError.
import { AmqpDecodeError } from './decode-error.js';

export class AmqpReader {
  pos: number;
  readonly end: number;
  /** Bit fields: the octet being read and the next bit in it (8 = none open). */
  private bitOctet = 0;
  private bitIndex = 8;

  constructor(
    readonly buf: Buffer,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number, what: string): void {
    if (n > this.end - this.pos) throw new AmqpDecodeError('truncated', `${what} needs ${n} bytes, ${this.end - this.pos} left`, this.pos);
  }

  octet(): number {
    this.bitIndex = 8;
    this.need(1, 'octet');
    return this.buf[this.pos++]!;
  }

  short(): number {
    this.bitIndex = 8;
    this.need(2, 'short');
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  long(): number {
    this.bitIndex = 8;
    this.need(4, 'long');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** An unsigned 64-bit value as a number (delivery tags, body sizes: far below 2^53 in practice; larger ones lose precision and match nothing). */
  longlong(): number {
    this.bitIndex = 8;
    this.need(8, 'longlong');
    const hi = this.buf.readUInt32BE(this.pos);
    const lo = this.buf.readUInt32BE(this.pos + 4);
    this.pos += 8;
    return hi * 0x1_0000_0000 + lo;
  }

  timestamp(): number {
    return this.longlong();
  }

  shortstr(): string {
    const n = this.octet();
    this.need(n, 'shortstr');
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** A longstr as a view of the input (no copy). */
  longstr(): Buffer {
    const n = this.long();
    if (n > this.end - this.pos) throw new AmqpDecodeError('bad-length', `longstr of ${n} bytes, ${this.end - this.pos} left`, this.pos);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  bit(): boolean {
    if (this.bitIndex >= 8) {
      this.need(1, 'bit');
      this.bitOctet = this.buf[this.pos++]!;
      this.bitIndex = 0;
    }
    return ((this.bitOctet >> this.bitIndex++) & 1) === 1;
  }

  /** Slices `n` bytes (a view). */
  bytes(n: number, what: string): Buffer {
    this.bitIndex = 8;
    this.need(n, what);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}

/** Writes into a buffer sized exactly beforehand (the sizers below compute it). */
export class AmqpWriter {
  pos: number;
  private bitPos = -1;
  private bitIndex = 8;

  constructor(
    readonly buf: Buffer,
    start = 0,
  ) {
    this.pos = start;
  }

  octet(v: number): void {
    this.bitIndex = 8;
    this.buf[this.pos++] = v & 0xff;
  }

  short(v: number): void {
    this.bitIndex = 8;
    this.buf.writeUInt16BE(v & 0xffff, this.pos);
    this.pos += 2;
  }

  long(v: number): void {
    this.bitIndex = 8;
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }

  longlong(v: number): void {
    this.bitIndex = 8;
    const n = Math.max(0, Math.trunc(v));
    this.buf.writeUInt32BE(Math.floor(n / 0x1_0000_0000) >>> 0, this.pos);
    this.buf.writeUInt32BE(n % 0x1_0000_0000 >>> 0, this.pos + 4);
    this.pos += 8;
  }

  timestamp(v: number): void {
    this.longlong(v);
  }

  shortstr(s: string): void {
    this.bitIndex = 8;
    const n = this.buf.write(s, this.pos + 1, 'utf8');
    this.buf[this.pos] = n;
    this.pos += 1 + n;
  }

  longstr(b: Buffer | string): void {
    if (typeof b === 'string') {
      this.bitIndex = 8;
      const n = this.buf.write(b, this.pos + 4, 'utf8');
      this.buf.writeUInt32BE(n, this.pos);
      this.pos += 4 + n;
      return;
    }
    this.long(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  bit(v: boolean): void {
    if (this.bitIndex >= 8) {
      this.bitPos = this.pos;
      this.buf[this.pos++] = 0;
      this.bitIndex = 0;
    }
    if (v) this.buf[this.bitPos]! |= 1 << this.bitIndex;
    this.bitIndex++;
  }

  bytes(b: Uint8Array): void {
    this.bitIndex = 8;
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}

/** Bytes of a shortstr; throws RangeError past 255 (an encoder bug or a caller's oversized name). */
export function shortstrSize(s: string): number {
  const n = Buffer.byteLength(s, 'utf8');
  if (n > 255) throw new RangeError(`shortstr of ${n} bytes (at most 255)`);
  return 1 + n;
}

export function longstrSize(b: Buffer | string): number {
  return 4 + (typeof b === 'string' ? Buffer.byteLength(b, 'utf8') : b.length);
}
