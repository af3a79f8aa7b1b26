// A 128-bit hash of serialized values, for the foreign-key join's stale-answer check
// (ops/foreign-key-join.ts): MurmurHash3, the x86 128-bit variant (Austin Appleby's public-domain
// algorithm), which needs only 32-bit arithmetic and so runs fast in JavaScript (Kafka Streams uses
// the x64 variant; only equality matters, and both ends are Brook). Seed 0. One allocation per
// call: the 16-byte result (h1..h4, big-endian).

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export function murmur3x86_128(data: Buffer): Buffer {
  const len = data.length;
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let h4 = 0;
  const blocks = len >>> 4;
  for (let i = 0; i < blocks; i++) {
    const at = i << 4;
    let k1 = data.readInt32LE(at);
    let k2 = data.readInt32LE(at + 4);
    let k3 = data.readInt32LE(at + 8);
    let k4 = data.readInt32LE(at + 12);
    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2);
    h1 ^= k1;
    h1 = (Math.imul((rotl(h1, 19) + h2) | 0, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3);
    h2 ^= k2;
    h2 = (Math.imul((rotl(h2, 17) + h3) | 0, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4);
    h3 ^= k3;
    h3 = (Math.imul((rotl(h3, 15) + h4) | 0, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1);
    h4 ^= k4;
    h4 = (Math.imul((rotl(h4, 13) + h1) | 0, 5) + 0x32ac3b17) | 0;
  }
  const tail = blocks << 4;
  const rest = len & 15;
  let k1 = 0;
  let k2 = 0;
  let k3 = 0;
  let k4 = 0;
  // The byte-wise tail, as the reference's fall-through switch does.
  if (rest >= 13) {
    if (rest >= 15) k4 ^= data[tail + 14]! << 16;
    if (rest >= 14) k4 ^= data[tail + 13]! << 8;
    k4 ^= data[tail + 12]!;
    h4 ^= Math.imul(rotl(Math.imul(k4, C4), 18), C1);
  }
  if (rest >= 9) {
    if (rest >= 12) k3 ^= data[tail + 11]! << 24;
    if (rest >= 11) k3 ^= data[tail + 10]! << 16;
    if (rest >= 10) k3 ^= data[tail + 9]! << 8;
    k3 ^= data[tail + 8]!;
    h3 ^= Math.imul(rotl(Math.imul(k3, C3), 17), C4);
  }
  if (rest >= 5) {
    if (rest >= 8) k2 ^= data[tail + 7]! << 24;
    if (rest >= 7) k2 ^= data[tail + 6]! << 16;
    if (rest >= 6) k2 ^= data[tail + 5]! << 8;
    k2 ^= data[tail + 4]!;
    h2 ^= Math.imul(rotl(Math.imul(k2, C2), 16), C3);
  }
  if (rest >= 1) {
    if (rest >= 4) k1 ^= data[tail + 3]! << 24;
    if (rest >= 3) k1 ^= data[tail + 2]! << 16;
    if (rest >= 2) k1 ^= data[tail + 1]! << 8;
    k1 ^= data[tail]!;
    h1 ^= Math.imul(rotl(Math.imul(k1, C1), 15), C2);
  }
  h1 ^= len;
  h2 ^= len;
  h3 ^= len;
  h4 ^= len;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  const out = Buffer.allocUnsafe(16);
  out.writeInt32BE(h1, 0);
  out.writeInt32BE(h2, 4);
  out.writeInt32BE(h3, 8);
  out.writeInt32BE(h4, 12);
  return out;
}
