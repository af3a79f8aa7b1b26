// A bounded in-memory cache of the most recent appends of one partition (Redpanda's batch cache,
// reduced to the tail): consumers that keep up are served from memory, without a read syscall and
// without copying, from the very buffers the producer's request arrived in. Entries are whole
// appends (one or more batches, offsets assigned); the oldest are evicted past `maxBytes`.
// The cache is only consulted for offsets it covers contiguously up to the log end offset.
//
// Memory: an appended buffer is usually a view of the request frame it arrived in, and a view keeps
// its whole frame alive. A small view of a much larger frame (one partition's batch of a produce to
// many partitions, a transaction's few records) is copied into a buffer of its own, so a slowly
// filling cache cannot pin thousands of frames for a few hundred bytes each; large batches stay
// zero-copy (they are most of their frame, or their frame's other slices are cached beside them).
// A frame from the frame pool (util/frame-pool.ts) is reused once written, so it is not cached at all:
// the cache is cleared and consumers read those batches from the segment (page cache).
import { framePool } from '../util/frame-pool.js';
import { BATCH_OVERHEAD, LAST_OFFSET_DELTA_OFFSET, batchBaseOffset } from '../protocol/records/batch-header.js';

/** Views smaller than this that pin a backing store more than twice their size are copied. */
const COPY_BELOW = 64 * 1024;

function ownBytes(buf: Buffer): Buffer {
  if (buf.length >= COPY_BELOW || buf.buffer.byteLength <= 2 * buf.length) return buf;
  const own = Buffer.allocUnsafeSlow(buf.length);
  buf.copy(own);
  return own;
}

interface Entry {
  baseOffset: number;
  nextOffset: number;
  buf: Buffer;
}

export interface CachedRead {
  chunks: Buffer[];
  bytes: number;
  nextOffset: number;
}

export class TailCache {
  private entries: Entry[] = [];
  private head = 0;
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Lowest offset served from memory (Infinity when empty). */
  get firstOffset(): number {
    return this.head < this.entries.length ? this.entries[this.head]!.baseOffset : Infinity;
  }

  add(baseOffset: number, nextOffset: number, buf: Buffer): void {
    if (this.maxBytes <= 0 || buf.length > this.maxBytes || framePool.isPooled(buf)) {
      this.clear();
      return;
    }
    this.entries.push({ baseOffset, nextOffset, buf: ownBytes(buf) });
    this.bytes += buf.length;
    while (this.bytes > this.maxBytes) this.bytes -= this.entries[this.head++]!.buf.length;
    if (this.head > 64 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  clear(): void {
    this.entries = [];
    this.head = 0;
    this.bytes = 0;
  }

  /**
   * Whole batches from the one holding `offset`, up to `maxBytes` (at least one batch), stopping
   * before base offsets >= `upperOffset`. Null when `offset` is not cached.
   */
  read(offset: number, maxBytes: number, upperOffset: number): CachedRead | null {
    if (offset < this.firstOffset) return null;
    let i = this.find(offset);
    if (i < 0) return null;
    const chunks: Buffer[] = [];
    let bytes = 0;
    let nextOffset = offset;
    let first = true;
    for (; i < this.entries.length; i++) {
      const { buf } = this.entries[i]!;
      let p = 0;
      let start = -1;
      while (p < buf.length) {
        const size = BATCH_OVERHEAD + buf.readInt32BE(p + 8);
        const base = batchBaseOffset(buf, p);
        const last = base + buf.readInt32BE(p + LAST_OFFSET_DELTA_OFFSET);
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
      if (start >= 0) chunks.push(buf.subarray(start, p));
      if (p < buf.length) break;
    }
    return { chunks, bytes, nextOffset };
  }

  private find(offset: number): number {
    let lo = this.head;
    let hi = this.entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.entries[mid]!;
      if (offset < e.baseOffset) hi = mid - 1;
      else if (offset >= e.nextOffset) lo = mid + 1;
      else return mid;
    }
    return -1;
  }
}
