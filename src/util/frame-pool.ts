// Reused buffers for large frames that arrive split over several socket reads.
//
// Why: such a frame must be copied into one buffer of its own (byte-queue.ts), and a fresh buffer of
// a megabyte costs far more than the copy: page faults on first touch, then external-memory pressure
// that makes V8 run mark-compacts (measured: 5-8x the copy into a reused buffer; with librdkafka's
// ~1 MB Produce requests it was most of the broker's CPU per record). A pooled buffer's pages stay
// mapped and warm.
//
// Ownership is counted: acquire() returns a view with one reference; whoever keeps the bytes past the
// owner's release (the log while its write is in flight) retains and releases them. At zero the
// buffer returns to its size class's free list (bounded by FREE_CAP_BYTES; past it, it is left to the
// garbage collector). Holders that keep views indefinitely (the tail cache) must not keep pooled
// bytes: isPooled() tells them. Buffers not from the pool pass through retain/release untouched.

/** Smallest frame worth pooling: below it Node's own 8 KiB slab or a plain allocation is cheap. */
export const POOL_MIN_BYTES = 16 * 1024;
const MIN_CLASS = 64 * 1024;
/** Larger frames are allocated plainly (rare; a pooled 100 MiB buffer would be a standing cost). */
const MAX_CLASS = 8 * 1024 * 1024;
/** Free buffers kept for reuse, over all size classes. */
const FREE_CAP_BYTES = 32 * 1024 * 1024;

interface Slot {
  readonly backing: Buffer;
  refs: number;
}

export class FramePool {
  private readonly slots = new WeakMap<ArrayBufferLike, Slot>();
  private readonly free = new Map<number, Buffer[]>();
  private freeBytes = 0;

  /** A buffer of exactly `n` bytes (contents undefined) holding one reference. */
  acquire(n: number): Buffer {
    if (n < POOL_MIN_BYTES || n > MAX_CLASS) return Buffer.allocUnsafeSlow(n);
    const size = sizeClass(n);
    const list = this.free.get(size);
    let backing = list?.pop();
    if (backing) this.freeBytes -= size;
    else backing = Buffer.allocUnsafeSlow(size);
    const slot = this.slots.get(backing.buffer);
    if (slot) slot.refs = 1;
    else this.slots.set(backing.buffer, { backing, refs: 1 });
    return backing.subarray(0, n);
  }

  /** Whether `buf` is a view of a pooled buffer still referenced. */
  isPooled(buf: Buffer): boolean {
    const slot = this.slots.get(buf.buffer);
    return slot !== undefined && slot.refs > 0;
  }

  /** One more reference to the pooled buffer under `buf` (no-op for other buffers). */
  retain(buf: Buffer): void {
    const slot = this.slots.get(buf.buffer);
    if (slot && slot.refs > 0) slot.refs++;
  }

  /** Gives back one reference; at zero the buffer may be handed out again. */
  release(buf: Buffer): void {
    const slot = this.slots.get(buf.buffer);
    if (!slot || slot.refs <= 0) return;
    if (--slot.refs > 0) return;
    const size = slot.backing.length;
    if (this.freeBytes + size > FREE_CAP_BYTES) {
      this.slots.delete(buf.buffer);
      return;
    }
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(slot.backing);
    this.freeBytes += size;
  }

  /** Bytes held in free lists (tests, metrics). */
  get idleBytes(): number {
    return this.freeBytes;
  }
}

function sizeClass(n: number): number {
  let size = MIN_CLASS;
  while (size < n) size *= 2;
  return size;
}

/** The process's pool: frames read by one connection may be written by the log after it closes. */
export const framePool = new FramePool();
