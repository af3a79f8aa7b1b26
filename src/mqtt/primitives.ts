// MQTT's data representations (OASIS MQTT 5.0 §1.5; the same in 3.1.1 §1.5 minus variable byte
// integers outside the fixed header): bits, two- and four-byte big-endian integers, variable byte
// integers (§1.5.5), UTF-8 encoded strings (§1.5.4), binary data (§1.5.6) and string pairs (§1.5.7).
//
// PacketReader never reads past the end it is given: every length is checked against the bytes that
// remain before anything is sliced or allocated, and a short field is a Malformed Packet.
import { isUtf8 } from 'node:buffer';
import { malformed } from './mqtt-error.js';

/** Largest value a variable byte integer holds: four bytes of seven bits (§1.5.5). */
export const MAX_VARIABLE_BYTE_INTEGER = 268_435_455;

/** Bytes `n` takes as a variable byte integer. */
export function variableByteIntegerSize(n: number): number {
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

/** Writes `n` (0 .. MAX_VARIABLE_BYTE_INTEGER) at `pos`; returns the position after it. */
export function writeVariableByteInteger(buf: Buffer, pos: number, n: number): number {
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    buf[pos++] = byte;
  } while (n > 0);
  return pos;
}

/**
 * Reads a variable byte integer from `buf[pos..end)`: the value and the position after it, or null
 * when the bytes end before it does. More than four bytes is a Malformed Packet (§1.5.5: "The
 * encoded value MUST use the minimum number of bytes necessary" is not enforced, as no broker does).
 */
export function readVariableByteInteger(buf: Buffer, pos: number, end: number): { value: number; next: number } | null {
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < 4; i++) {
    if (pos >= end) return null;
    const byte = buf[pos++]!;
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return { value, next: pos };
    multiplier *= 128;
  }
  throw malformed('variable byte integer longer than 4 bytes');
}

/** A UTF-8 encoded string is valid when it is well-formed UTF-8 without U+0000 (§1.5.4, [MQTT-1.5.4-1/2]). */
export function isValidMqttString(bytes: Buffer): boolean {
  return bytes.indexOf(0) < 0 && isUtf8(bytes);
}

export class PacketReader {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly end: number,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.end - this.pos < n) throw malformed(`${what} needs ${n} bytes, ${this.end - this.pos} left`);
  }

  u8(what = 'byte'): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  u16(what = 'two-byte integer'): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(what = 'four-byte integer'): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  vbi(what = 'variable byte integer'): number {
    const r = readVariableByteInteger(this.buf, this.pos, this.end);
    if (r === null) throw malformed(`${what} is cut short`);
    this.pos = r.next;
    return r.value;
  }

  /** Two-byte length then that many bytes, as a view of the packet. */
  binary(what = 'binary data'): Buffer {
    const n = this.u16(`${what} length`);
    this.need(n, what);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A UTF-8 encoded string; ill-formed UTF-8 or U+0000 is a Malformed Packet ([MQTT-1.5.4-1], [MQTT-1.5.4-2]). */
  string(what = 'UTF-8 string'): string {
    const bytes = this.binary(what);
    if (!isValidMqttString(bytes)) throw malformed(`${what} is not valid UTF-8 (or holds U+0000)`);
    return bytes.toString('utf8');
  }

  /** The bytes left, as a view. */
  rest(): Buffer {
    const out = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return out;
  }
}

/** Bytes a UTF-8 string field takes (length prefix included). */
export function stringSize(s: string): number {
  return 2 + Buffer.byteLength(s, 'utf8');
}

/** Writes a length-prefixed UTF-8 string; returns the position after it. */
export function writeString(buf: Buffer, pos: number, s: string): number {
  const n = buf.write(s, pos + 2, 'utf8');
  buf.writeUInt16BE(n, pos);
  return pos + 2 + n;
}

/** Writes length-prefixed binary data; returns the position after it. */
export function writeBinary(buf: Buffer, pos: number, b: Uint8Array): number {
  buf.writeUInt16BE(b.length, pos);
  buf.set(b, pos + 2);
  return pos + 2 + b.length;
}
