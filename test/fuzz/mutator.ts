// Byte-level mutations for Kafka request frames, libFuzzer style, with a few that know the frame's
// shape: the API key and version fields of the request header, and big-endian int16/int32 fields set
// to the values that break length and count checks. Deterministic for a given seed.

/** A small fast PRNG (mulberry32), so a failing run can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INT32S = [0, 1, -1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, -0x80000000, 100_000_000, 1 << 20];
const INT16S = [0, 1, -1, 0x7f, 0x80, 0xff, 0x7fff, -0x8000];

export class Mutator {
  private readonly rand: () => number;

  constructor(
    seed: number,
    /** API keys a mutation may switch a frame to, with their version ranges. */
    private readonly apis: readonly { apiKey: number; minVersion: number; maxVersion: number }[],
    private readonly maxLength = 1 << 16,
  ) {
    this.rand = prng(seed);
  }

  private int(n: number): number {
    return Math.floor(this.rand() * n);
  }

  /** One to four stacked mutations of `input` (never changed in place); `other` is for splicing. */
  mutate(input: Buffer, other: Buffer): Buffer {
    let out: Buffer = Buffer.from(input);
    const rounds = 1 + this.int(4);
    for (let i = 0; i < rounds; i++) out = this.once(out, other);
    return out.length > this.maxLength ? out.subarray(0, this.maxLength) : out;
  }

  private once(b: Buffer, other: Buffer): Buffer {
    const pos = b.length > 0 ? this.int(b.length) : 0;
    switch (this.int(11)) {
      case 0: // flip a bit
        if (b.length > 0) b[pos]! ^= 1 << this.int(8);
        return b;
      case 1: // random byte
        if (b.length > 0) b[pos] = this.int(256);
        return b;
      case 2: { // interesting int32
        if (b.length < 4) return b;
        const p = this.int(b.length - 3);
        b.writeInt32BE(INT32S[this.int(INT32S.length)]! | 0, p);
        return b;
      }
      case 3: { // interesting int16
        if (b.length < 2) return b;
        b.writeInt16BE(INT16S[this.int(INT16S.length)]!, this.int(b.length - 1));
        return b;
      }
      case 4: { // delete a range
        const len = 1 + this.int(Math.min(16, Math.max(1, b.length - pos)));
        return Buffer.concat([b.subarray(0, pos), b.subarray(pos + len)]);
      }
      case 5: { // insert random bytes
        const ins = Buffer.alloc(1 + this.int(8));
        for (let i = 0; i < ins.length; i++) ins[i] = this.int(256);
        return Buffer.concat([b.subarray(0, pos), ins, b.subarray(pos)]);
      }
      case 6: { // duplicate a range (grows arrays and repeated fields)
        const len = 1 + this.int(Math.min(64, Math.max(1, b.length - pos)));
        return Buffer.concat([b.subarray(0, pos + len), b.subarray(pos, pos + len), b.subarray(pos + len)]);
      }
      case 7: { // splice the tail of another input
        const at = other.length > 0 ? this.int(other.length) : 0;
        return Buffer.concat([b.subarray(0, pos), other.subarray(at)]);
      }
      case 8: { // another version of the same API
        if (b.length < 4) return b;
        const api = this.apis.find((a) => a.apiKey === b.readInt16BE(0));
        if (api) b.writeInt16BE(api.minVersion + this.int(api.maxVersion - api.minVersion + 1), 2);
        return b;
      }
      case 9: { // another API, any of its versions (the body is then read as that API's)
        if (b.length < 4) return b;
        const api = this.apis[this.int(this.apis.length)]!;
        b.writeInt16BE(api.apiKey, 0);
        b.writeInt16BE(api.minVersion + this.int(api.maxVersion - api.minVersion + 1), 2);
        return b;
      }
      default: // truncate
        return b.subarray(0, pos);
    }
  }
}
