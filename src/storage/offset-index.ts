// OffsetIndex: the sparse map from offset to file position of one segment (Kafka's OffsetIndex).
// One entry is added per `index.interval.bytes` of log appended, pointing at a batch start, so a
// read seeks to the closest entry at or below the wanted offset and walks batch headers from there.
//
// File format: `<base offset, 20 digits>.index`, Kafka's layout, no header:
//
//   entry i (8 bytes, big-endian)   offset  size  field
//                                   0       4     relativeOffset  int32  batch base offset - segment base offset
//                                   4       4     position        int32  byte position of that batch in the .log
//
// Entries are strictly increasing in both fields. The file has no checksum because it is derived
// data: on load it is checked against the log (size a multiple of 8, entries increasing, positions
// inside the log, the last entry pointing at a batch with that base offset) and rebuilt from the log
// when any check fails. The active segment's index lives in memory and is written at roll and on
// clean shutdown; after a crash it is rebuilt by recovery.

export const OFFSET_INDEX_ENTRY_SIZE = 8;

export interface IndexPosition {
  offset: number;
  position: number;
}

export class OffsetIndex {
  private rel: Int32Array;
  private pos: Int32Array;
  private count = 0;

  constructor(
    readonly baseOffset: number,
    capacity = 64,
  ) {
    this.rel = new Int32Array(capacity);
    this.pos = new Int32Array(capacity);
  }

  get entries(): number {
    return this.count;
  }

  /** Offset of the last entry, or -1 when empty. */
  get lastOffset(): number {
    return this.count === 0 ? -1 : this.baseOffset + this.rel[this.count - 1]!;
  }

  get lastPosition(): number {
    return this.count === 0 ? 0 : this.pos[this.count - 1]!;
  }

  /** Adds an entry; ignored unless both offset and position are past the last entry. */
  append(offset: number, position: number): void {
    const rel = offset - this.baseOffset;
    if (this.count > 0 && (rel <= this.rel[this.count - 1]! || position <= this.pos[this.count - 1]!)) return;
    if (this.count === this.rel.length) {
      const n = this.count * 2;
      const r = new Int32Array(n);
      const p = new Int32Array(n);
      r.set(this.rel);
      p.set(this.pos);
      this.rel = r;
      this.pos = p;
    }
    this.rel[this.count] = rel;
    this.pos[this.count] = position;
    this.count++;
  }

  /**
   * The entry with the largest offset <= `offset` (a batch start at or before the batch holding
   * `offset`), or the segment start when no entry qualifies.
   */
  lookup(offset: number): IndexPosition {
    const i = this.floorIndex(offset - this.baseOffset);
    return i < 0
      ? { offset: this.baseOffset, position: 0 }
      : { offset: this.baseOffset + this.rel[i]!, position: this.pos[i]! };
  }

  /** Drops entries whose position is >= `position` (after a tail truncation). */
  truncateToPosition(position: number): void {
    while (this.count > 0 && this.pos[this.count - 1]! >= position) this.count--;
  }

  private floorIndex(rel: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rel[mid]! <= rel) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  serialize(): Buffer {
    const buf = Buffer.allocUnsafe(this.count * OFFSET_INDEX_ENTRY_SIZE);
    for (let i = 0; i < this.count; i++) {
      buf.writeInt32BE(this.rel[i]!, i * 8);
      buf.writeInt32BE(this.pos[i]!, i * 8 + 4);
    }
    return buf;
  }

  /**
   * Parses an index file; returns null when it cannot belong to a log of `logSize` bytes
   * (wrong size, entries not increasing, positions outside the log).
   */
  static parse(baseOffset: number, buf: Buffer, logSize: number): OffsetIndex | null {
    if (buf.length % OFFSET_INDEX_ENTRY_SIZE !== 0) return null;
    const n = buf.length / OFFSET_INDEX_ENTRY_SIZE;
    const index = new OffsetIndex(baseOffset, Math.max(n, 16));
    for (let i = 0; i < n; i++) {
      const rel = buf.readInt32BE(i * 8);
      const position = buf.readInt32BE(i * 8 + 4);
      if (rel < 0 || position < 0 || position >= logSize) return null;
      if (i > 0 && (rel <= index.rel[i - 1]! || position <= index.pos[i - 1]!)) return null;
      index.rel[i] = rel;
      index.pos[i] = position;
      index.count++;
    }
    return index;
  }
}
