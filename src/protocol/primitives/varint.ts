// Variable-length integers as Kafka uses them (protobuf's encoding):
//   unsigned varint: 7 bits per byte, little-endian groups, high bit = "more follows";
//   signed varint/varlong: zigzag-mapped ((n << 1) ^ (n >> 31|63)) then unsigned-encoded.
// Readers return the value and the position after it, so hot loops need no allocations
// beyond the small result; they throw DecodeError on truncation or an over-long encoding.
import { DecodeError } from '../decode-error.js';

/** Max bytes of a 32-bit varint and a 64-bit varlong. */
export const MAX_VARINT_BYTES = 5;
export const MAX_VARLONG_BYTES = 10;

/** Result slot reused by the readers: value, then position after the varint. */
export interface VarintResult {
  value: number;
  next: number;
}

/** Reads an unsigned 32-bit varint at `pos` (value in [0, 2^32)). */
export function readUnsignedVarint(buf: Uint8Array, pos: number, end: number, out: VarintResult): VarintResult {
  let value = 0;
  let shift = 0;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (pos >= end) throw new DecodeError('truncated', 'varint runs past the end of the input', pos);
    const b = buf[pos++]!;
    if (i === 4 && b > 0x0f) throw new DecodeError('bad-varint', 'varint overflows 32 bits', pos - 1);
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) {
      out.value = value;
      out.next = pos;
      return out;
    }
    shift += 7;
  }
  throw new DecodeError('bad-varint', 'varint longer than 5 bytes', pos);
}

/** Reads a zigzag-encoded signed 32-bit varint at `pos`. */
export function readSignedVarint(buf: Uint8Array, pos: number, end: number, out: VarintResult): VarintResult {
  readUnsignedVarint(buf, pos, end, out);
  const u = out.value;
  out.value = u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  return out;
}

/** Reads a zigzag-encoded signed 64-bit varlong at `pos` as a bigint. */
export function readSignedVarlong(buf: Uint8Array, pos: number, end: number): { value: bigint; next: number } {
  let u = 0n;
  let shift = 0n;
  for (let i = 0; i < MAX_VARLONG_BYTES; i++) {
    if (pos >= end) throw new DecodeError('truncated', 'varlong runs past the end of the input', pos);
    const b = buf[pos++]!;
    if (i === 9 && b > 0x01) throw new DecodeError('bad-varint', 'varlong overflows 64 bits', pos - 1);
    u |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return { value: (u >> 1n) ^ -(u & 1n), next: pos };
    shift += 7n;
  }
  throw new DecodeError('bad-varint', 'varlong longer than 10 bytes', pos);
}

/** Number of bytes the unsigned varint encoding of `value` (0 <= value < 2^32) takes. */
export function unsignedVarintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/** Writes an unsigned 32-bit varint at `pos`; returns the position after it. */
export function writeUnsignedVarint(buf: Uint8Array, pos: number, value: number): number {
  while (value >= 0x80) {
    buf[pos++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  buf[pos++] = value;
  return pos;
}

/** Zigzag maps a signed 32-bit integer to its unsigned form. */
export function zigzag32(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

export function signedVarintSize(n: number): number {
  return unsignedVarintSize(zigzag32(n));
}

export function writeSignedVarint(buf: Uint8Array, pos: number, n: number): number {
  return writeUnsignedVarint(buf, pos, zigzag32(n));
}

function zigzag64(n: bigint): bigint {
  return BigInt.asUintN(64, (n << 1n) ^ (n >> 63n));
}

export function signedVarlongSize(n: bigint): number {
  let u = zigzag64(n);
  let size = 1;
  while (u >= 0x80n) {
    u >>= 7n;
    size++;
  }
  return size;
}

export function writeSignedVarlong(buf: Uint8Array, pos: number, n: bigint): number {
  let u = zigzag64(n);
  while (u >= 0x80n) {
    buf[pos++] = Number(u & 0x7fn) | 0x80;
    u >>= 7n;
  }
  buf[pos++] = Number(u);
  return pos;
}
