// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of record batch v2 (KIP-98).
// A thin wrapper over @node-rs/crc32, whose native code uses the SSE4.2/ARMv8 CRC instructions.
// Incremental: crc32c(b, crc32c(a)) === crc32c(concat(a, b)), so a checksum can be computed over
// bytes that live in several buffers (a batch header rebuilt in place, then the untouched records).
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/** CRC-32C of `bytes`, continuing from `previous` (the CRC of the bytes before them; 0 to start). */
export function crc32c(bytes: Uint8Array, previous = 0): number {
  return nativeCrc32c(bytes, previous) >>> 0;
}

/** CRC-32C of buf[start, end) without allocating a copy (subarray is a view). */
export function crc32cRange(buf: Uint8Array, start: number, end: number, previous = 0): number {
  return nativeCrc32c(buf.subarray(start, end), previous) >>> 0;
}
