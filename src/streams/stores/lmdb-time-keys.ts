// LMDB key layouts of the persistent window and session stores. LMDB orders keys bytewise, so
// times are written as order-preserving int64 (big-endian, sign bit flipped) and a record key is
// length-prefixed wherever something follows it (so "a" + time never interleaves with "a\0...").
//
//   window data:   [key length: u32 BE][key bytes][start: ord64]                -> value bytes
//   window time:   [start: ord64][key bytes]                                    -> (1 byte)
//   session data:  [key length: u32 BE][key bytes][start: ord64][end: ord64]    -> value bytes
//   session time:  [end: ord64][start: ord64][key bytes]                        -> (1 byte)
//
// The data database answers per-key range reads in time order; the time database answers scans
// across keys in time order (emit-final, expiry) without reading values.

const signFlip = 1n << 63n;

/** Clamp to int64-safe integers so open range bounds (±Infinity) still encode. */
function clampTime(t: number): bigint {
  if (t <= Number.MIN_SAFE_INTEGER) return BigInt(Number.MIN_SAFE_INTEGER);
  if (t >= Number.MAX_SAFE_INTEGER) return BigInt(Number.MAX_SAFE_INTEGER);
  return BigInt(Math.floor(t));
}

function writeOrd64(out: Buffer, at: number, t: number): void {
  out.writeBigUInt64BE(BigInt.asUintN(64, clampTime(t) ^ signFlip), at);
}

export function readOrd64(b: Buffer, at: number): number {
  return Number(BigInt.asIntN(64, b.readBigUInt64BE(at) ^ signFlip));
}

export function ord64(t: number): Buffer {
  const out = Buffer.allocUnsafe(8);
  writeOrd64(out, 0, t);
  return out;
}

/** [key length][key bytes] followed by `times` ord64 values. */
export function dataKey(key: Buffer, ...times: number[]): Buffer {
  const out = Buffer.allocUnsafe(4 + key.length + 8 * times.length);
  out.writeUInt32BE(key.length, 0);
  key.copy(out, 4);
  times.forEach((t, i) => writeOrd64(out, 4 + key.length + 8 * i, t));
  return out;
}


/** `times` ord64 values followed by the key bytes. */
export function timeKey(key: Buffer, ...times: number[]): Buffer {
  const out = Buffer.allocUnsafe(8 * times.length + key.length);
  times.forEach((t, i) => writeOrd64(out, 8 * i, t));
  key.copy(out, 8 * times.length);
  return out;
}

export const presence = Buffer.from([1]);
