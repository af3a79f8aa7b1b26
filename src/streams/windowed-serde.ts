// The serde of windowed keys: [key bytes][start: int64 BE][end: int64 BE], the layout of Kafka
// Streams' TimeWindowedSerde plus the end (so session and sliding windows round-trip too).

import type { Serde } from './serdes.js';
import type { Windowed } from './windows.js';

export function windowedSerde<K>(inner: Serde<K>): Serde<Windowed<K>> {
  return {
    name: `windowed(${inner.name})`,
    serialize: (w) => {
      const key = inner.serialize(w.key);
      const out = Buffer.allocUnsafe(key.length + 16);
      key.copy(out, 0);
      out.writeBigInt64BE(BigInt(w.window.start), key.length);
      out.writeBigInt64BE(BigInt(w.window.end), key.length + 8);
      return out;
    },
    deserialize: (b) => {
      if (b.length < 16) throw new RangeError(`windowed key needs at least 16 bytes, got ${b.length}`);
      const at = b.length - 16;
      return {
        key: inner.deserialize(b.subarray(0, at)),
        window: { start: Number(b.readBigInt64BE(at)), end: Number(b.readBigInt64BE(at + 8)) },
      };
    },
  };
}
