// Bytes received from a socket, queued until a framer cuts whole frames out of them (Kafka's size-prefixed
// frames, MQTT packets, AMQP frames). Chunks are kept in a list and never concatenated as a backlog, which
// would be quadratic when a large frame arrives in many small chunks: a frame lying inside one chunk is
// taken as a zero-copy view of it, and one spanning chunks is copied exactly once into a buffer of its size
// (from the caller's allocator when it passes one: the Kafka framer reuses buffers, util/frame-pool.ts).
const EMPTY = Buffer.alloc(0);

export class ByteQueue {
  private chunks: Buffer[] = [];
  private head = 0; // index of the first unconsumed chunk
  private offset = 0; // consumed bytes of chunks[head]
  private size = 0; // unconsumed bytes over all chunks

  /** Bytes queued and not yet taken or skipped. */
  get length(): number {
    return this.size;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** The byte `at` positions from the front (at < length). */
  byteAt(at: number): number {
    let idx = this.head;
    let off = this.offset + at;
    while (off >= this.chunks[idx]!.length) {
      off -= this.chunks[idx]!.length;
      idx++;
    }
    return this.chunks[idx]![off]!;
  }

  /** The big-endian uint32 `at` bytes from the front (at + 4 <= length), without consuming it. */
  readUInt32BE(at = 0): number {
    const c = this.chunks[this.head]!;
    if (c.length - this.offset >= at + 4) return c.readUInt32BE(this.offset + at);
    return ((this.byteAt(at) << 24) | (this.byteAt(at + 1) << 16) | (this.byteAt(at + 2) << 8) | this.byteAt(at + 3)) >>> 0;
  }

  /** The big-endian int32 `at` bytes from the front (at + 4 <= length), without consuming it. */
  readInt32BE(at = 0): number {
    return this.readUInt32BE(at) | 0;
  }

  /**
   * Removes and returns the first `n` bytes (n <= length): a view when they lie in one chunk, else one
   * copy into `alloc(n)` (default a fresh buffer).
   */
  take(n: number, alloc?: (n: number) => Buffer): Buffer {
    if (n === 0) return EMPTY;
    const first = this.chunks[this.head]!;
    if (first.length - this.offset >= n) {
      const out = first.subarray(this.offset, this.offset + n);
      this.skip(n);
      return out;
    }
    const out = alloc ? alloc(n) : Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[this.head]!;
      const k = Math.min(n - filled, c.length - this.offset);
      c.copy(out, filled, this.offset, this.offset + k);
      filled += k;
      this.skip(k);
    }
    return out;
  }

  /** Drops the first `n` bytes (n <= length). */
  skip(n: number): void {
    this.size -= n;
    while (n > 0) {
      const c = this.chunks[this.head]!;
      const left = c.length - this.offset;
      if (n < left) {
        this.offset += n;
        return;
      }
      n -= left;
      this.head++;
      this.offset = 0;
    }
    // Forget consumed chunks now and then, so the list does not grow without bound.
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head > 64) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
