// TimeIndex: the sparse map from timestamp to offset of one segment (Kafka's TimeIndex), used by
// offset-for-timestamp (ListOffsets) and by time-based retention (a segment's largest timestamp).
// An entry (T, o) says: the largest timestamp in the segment up to and including the batch at
// offset o is T, and T first appeared in that batch. Entries are added on the offset index's cadence
// whenever the running maximum grew, and once more when the segment becomes inactive, so the last
// entry always carries the segment's largest timestamp.
//
// File format: `<base offset, 20 digits>.timeindex`, Kafka's layout, no header:
//
//   entry i (12 bytes, big-endian)  offset  size  field
//                                   0       8     timestamp       int64  largest timestamp so far (ms)
//                                   8       4     relativeOffset  int32  base offset of the batch where it first appeared - segment base
//
// Timestamps strictly increase; relative offsets strictly increase. Derived data like the offset
// index: validated on load and rebuilt from the log on any doubt (no checksum).

export const TIME_INDEX_ENTRY_SIZE = 12;

export interface TimestampOffset {
  timestamp: number;
  offset: number;
}

export class TimeIndex {
  private ts: Float64Array;
  private rel: Int32Array;
  private count = 0;

  constructor(
    readonly baseOffset: number,
    capacity = 32,
  ) {
    this.ts = new Float64Array(capacity);
    this.rel = new Int32Array(capacity);
  }

  get entries(): number {
    return this.count;
  }

  /** The last entry (the largest timestamp recorded), or null when empty. */
  get last(): TimestampOffset | null {
    return this.count === 0 ? null : { timestamp: this.ts[this.count - 1]!, offset: this.baseOffset + this.rel[this.count - 1]! };
  }

  /** Adds (timestamp, offset) if the timestamp is larger than the last one and the offset past it. */
  maybeAppend(timestamp: number, offset: number): void {
    const rel = offset - this.baseOffset;
    if (this.count > 0 && (timestamp <= this.ts[this.count - 1]! || rel < this.rel[this.count - 1]!)) return;
    if (this.count === this.ts.length) {
      const t = new Float64Array(this.count * 2);
      const r = new Int32Array(this.count * 2);
      t.set(this.ts);
      r.set(this.rel);
      this.ts = t;
      this.rel = r;
    }
    this.ts[this.count] = timestamp;
    this.rel[this.count] = rel;
    this.count++;
  }

  /**
   * The offset to start scanning from to find the first batch whose max timestamp is >= `timestamp`:
   * the offset of the last entry with a timestamp strictly below it (every batch before that entry's
   * batch has a smaller maximum), or the segment base when there is none.
   */
  scanStart(timestamp: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! < timestamp) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? this.baseOffset : this.baseOffset + this.rel[found]!;
  }

  /** Drops entries at or after `offset` (after a tail truncation). */
  truncateToOffset(offset: number): void {
    while (this.count > 0 && this.baseOffset + this.rel[this.count - 1]! >= offset) this.count--;
  }

  serialize(): Buffer {
    const buf = Buffer.allocUnsafe(this.count * TIME_INDEX_ENTRY_SIZE);
    for (let i = 0; i < this.count; i++) {
      buf.writeBigInt64BE(BigInt(this.ts[i]!), i * 12);
      buf.writeInt32BE(this.rel[i]!, i * 12 + 8);
    }
    return buf;
  }

  /** Parses a time index file; null when malformed or when an offset is not below `nextOffset`. */
  static parse(baseOffset: number, buf: Buffer, nextOffset: number): TimeIndex | null {
    if (buf.length % TIME_INDEX_ENTRY_SIZE !== 0) return null;
    const n = buf.length / TIME_INDEX_ENTRY_SIZE;
    const index = new TimeIndex(baseOffset, Math.max(n, 16));
    for (let i = 0; i < n; i++) {
      const t = Number(buf.readBigInt64BE(i * 12));
      const rel = buf.readInt32BE(i * 12 + 8);
      if (rel < 0 || baseOffset + rel >= nextOffset) return null;
      if (i > 0 && (t <= index.ts[i - 1]! || rel < index.rel[i - 1]!)) return null;
      index.ts[i] = t;
      index.rel[i] = rel;
      index.count++;
    }
    return index;
  }
}
