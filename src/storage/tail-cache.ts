// A bounded in-memory cache of the most recent appends of one partition (Redpanda's batch cache,
// reduced to the tail): consumers that keep up are served from memory, without a read syscall and
// without copying, from the very buffers the producer's request arrived in. Entries are whole
// appends (one or more batches, offsets assigned); the oldest are evicted past `maxBytes`.
// The cache is only consulted for offsets it covers contiguously up to the log end offset.
//
// Memory: an appended buffer is usually a view of the request frame it arrived in, and a view keeps
// its whole frame alive. Small appends (under 8 KiB), and small views of much larger frames (one
// partition's batch of a produce to many partitions, a transaction's few records), are copied into
// the cache's current slab, so a slowly filling cache pins no frames for a few hundred bytes each and
// keeps no object per entry; large batches stay zero-copy (they are most of their frame, or their
// frame's other slices are cached beside them), and copying them would cost more than their entry.
//
// Garbage: an entry lives for as long as the cache takes to turn over (seconds at 10,000 records/s),
// so anything allocated per entry outlives the young generation and is promoted, and the old
// generation then fills at the append rate: that was most of the broker's promoted bytes and its
// incremental marks in the latency benchmark. Entries are therefore kept in parallel typed arrays (a
// ring) and small appends in shared slabs: a small append allocates nothing that lives on (a slab per
// 32 KiB of them), and readers get short-lived views. Slabs are append-only and never reused, so a view handed to a response stays
// valid while it is being written, however long; a slab is dropped once no entry refers to it.
// A frame from the frame pool (util/frame-pool.ts) is reused once written, so it is not cached at all:
// the cache is cleared and consumers read those batches from the segment (page cache).
import { framePool } from '../util/frame-pool.js';
import { BATCH_OVERHEAD, LAST_OFFSET_DELTA_OFFSET, batchBaseOffset } from '../protocol/records/batch-header.js';

/** Views smaller than this that pin a backing store more than twice their size are copied. */
const COPY_BELOW = 64 * 1024;
/** Appends smaller than this are always copied (a slab holds several; a view would be an object per entry). */
const ALWAYS_COPY_BELOW = 8 * 1024;
/** Size of the slabs small appends are copied into. */
const SLAB_BYTES = 32 * 1024;

export interface CachedRead {
  chunks: Buffer[];
  bytes: number;
  nextOffset: number;
}

export class TailCache {
  // Entries [head, tail) as absolute sequence numbers; entry n lives at ring index n & mask.
  private capacity = 64;
  private baseOffsets = new Float64Array(this.capacity);
  private nextOffsets = new Float64Array(this.capacity);
  /** Absolute sequence number of the slab holding the entry. */
  private slabOf = new Float64Array(this.capacity);
  private starts = new Int32Array(this.capacity);
  private lengths = new Int32Array(this.capacity);
  private head = 0;
  private tail = 0;
  private bytes = 0;
  /** Slabs still referred to; slabs[0] has sequence number firstSlab. */
  private slabs: Buffer[] = [];
  private firstSlab = 0;
  /** Bytes used of the last slab; -1 when it takes no more copies (a zero-copy append, or none yet). */
  private fill = -1;

  constructor(private readonly maxBytes: number) {}

  /** Lowest offset served from memory (Infinity when empty). */
  get firstOffset(): number {
    return this.head < this.tail ? this.baseOffsets[this.head & (this.capacity - 1)]! : Infinity;
  }

  add(baseOffset: number, nextOffset: number, buf: Buffer): void {
    if (this.maxBytes <= 0 || buf.length > this.maxBytes || framePool.isPooled(buf)) {
      this.clear();
      return;
    }
    let start = 0;
    if (buf.length >= COPY_BELOW || (buf.length >= ALWAYS_COPY_BELOW && buf.buffer.byteLength <= 2 * buf.length)) {
      this.slabs.push(buf);
      this.fill = -1;
    } else {
      let slab = this.slabs[this.slabs.length - 1];
      if (slab === undefined || this.fill < 0 || this.fill + buf.length > slab.length) {
        slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, buf.length));
        this.slabs.push(slab);
        this.fill = 0;
      }
      start = this.fill;
      buf.copy(slab, start);
      this.fill += buf.length;
    }
    if (this.tail - this.head === this.capacity) this.grow();
    const at = this.tail & (this.capacity - 1);
    this.baseOffsets[at] = baseOffset;
    this.nextOffsets[at] = nextOffset;
    this.slabOf[at] = this.firstSlab + this.slabs.length - 1;
    this.starts[at] = start;
    this.lengths[at] = buf.length;
    this.tail++;
    this.bytes += buf.length;
    while (this.bytes > this.maxBytes) this.bytes -= this.lengths[this.head++ & (this.capacity - 1)]!;
    // Slabs below the oldest entry's are referred to by no entry any more.
    const oldest = this.slabOf[this.head & (this.capacity - 1)]!;
    if (oldest - this.firstSlab > 16 && (oldest - this.firstSlab) * 2 > this.slabs.length) {
      this.slabs = this.slabs.slice(oldest - this.firstSlab);
      this.firstSlab = oldest;
    }
  }

  clear(): void {
    this.head = 0;
    this.tail = 0;
    this.bytes = 0;
    this.slabs = [];
    this.firstSlab = 0;
    this.fill = -1;
  }

  /**
   * Whole batches from the one holding `offset`, up to `maxBytes` (at least one batch), stopping
   * before base offsets >= `upperOffset`. Null when `offset` is not cached.
   */
  read(offset: number, maxBytes: number, upperOffset: number): CachedRead | null {
    if (offset < this.firstOffset) return null;
    let n = this.find(offset);
    if (n < 0) return null;
    const chunks: Buffer[] = [];
    let bytes = 0;
    let nextOffset = offset;
    let first = true;
    for (; n < this.tail; n++) {
      const at = n & (this.capacity - 1);
      const slab = this.slabs[this.slabOf[at]! - this.firstSlab]!;
      const from = this.starts[at]!;
      const end = from + this.lengths[at]!;
      let p = from;
      let start = -1;
      while (p < end) {
        const size = BATCH_OVERHEAD + slab.readInt32BE(p + 8);
        const base = batchBaseOffset(slab, p);
        const last = base + slab.readInt32BE(p + LAST_OFFSET_DELTA_OFFSET);
        if (last < offset) {
          p += size;
          continue;
        }
        if (base >= upperOffset || (!first && bytes + size > maxBytes)) break;
        if (start < 0) start = p;
        first = false;
        bytes += size;
        nextOffset = last + 1;
        p += size;
      }
      if (start >= 0) chunks.push(slab.subarray(start, p));
      if (p < end) break;
    }
    return { chunks, bytes, nextOffset };
  }

  /** The sequence number of the entry holding `offset`, or -1. */
  private find(offset: number): number {
    let lo = this.head;
    let hi = this.tail - 1;
    const mask = this.capacity - 1;
    while (lo <= hi) {
      const mid = lo + ((hi - lo) >>> 1);
      if (offset < this.baseOffsets[mid & mask]!) hi = mid - 1;
      else if (offset >= this.nextOffsets[mid & mask]!) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  /** Doubles the ring, keeping the entries' sequence numbers (their indexes follow the new mask). */
  private grow(): void {
    const old = { capacity: this.capacity, base: this.baseOffsets, next: this.nextOffsets, slab: this.slabOf, start: this.starts, len: this.lengths };
    this.capacity *= 2;
    this.baseOffsets = new Float64Array(this.capacity);
    this.nextOffsets = new Float64Array(this.capacity);
    this.slabOf = new Float64Array(this.capacity);
    this.starts = new Int32Array(this.capacity);
    this.lengths = new Int32Array(this.capacity);
    for (let n = this.head; n < this.tail; n++) {
      const from = n & (old.capacity - 1);
      const to = n & (this.capacity - 1);
      this.baseOffsets[to] = old.base[from]!;
      this.nextOffsets[to] = old.next[from]!;
      this.slabOf[to] = old.slab[from]!;
      this.starts[to] = old.start[from]!;
      this.lengths[to] = old.len[from]!;
    }
  }
}
