// Reusable buffers for positional reads of segment files (the Fetch path).
//
// Why: every read of stored batches used to allocate a fresh buffer of about max.partition.fetch.bytes.
// Those are off-heap (external) memory, and V8 answers fast-growing external memory with full
// mark-compact collections: measured while librdkafka consumed 300 MB from the page cache, 16
// mark-compacts of 15-75 ms each, a third of the broker's CPU time and its longest pauses. A reader
// that knows when its bytes are no longer needed (the Fetch handler, once the response is with the
// OS) takes buffers from this pool and gives them back; nothing is allocated per read after warm-up.
//
// Buffers come in power-of-two size classes from 64 KiB to 16 MiB; larger reads allocate as before.
// Idle buffers are kept up to `maxIdleBytes` in total (default 64 MiB), beyond which given-back
// buffers are left to the garbage collector, so the pool's own memory stays bounded whatever the
// fetch sizes (docs/limits.md counts response bytes in the request budgets; idle pooled buffers are
// this fixed allowance on top).
const MIN_CLASS = 16; // 64 KiB
const MAX_CLASS = 24; // 16 MiB

/** A buffer taken from the pool; give it back (once) when nothing refers to its bytes any more. */
export interface PooledBuffer {
  readonly buf: Buffer;
  release(): void;
}

export class ReadBufferPool {
  private readonly free: Buffer[][] = [];
  private idleBytes = 0;

  constructor(readonly maxIdleBytes = 64 * 1024 * 1024) {
    for (let c = 0; c <= MAX_CLASS; c++) this.free.push([]);
  }

  /** Bytes held idle right now (tests, metrics). */
  get idle(): number {
    return this.idleBytes;
  }

  /** A buffer of at least `size` bytes (its contents are garbage); pooled when a class fits. */
  take(size: number): PooledBuffer {
    const c = sizeClass(size);
    if (c < 0) return { buf: Buffer.allocUnsafeSlow(size), release: noop };
    const list = this.free[c]!;
    let buf = list.pop();
    if (buf) this.idleBytes -= buf.length;
    else buf = Buffer.allocUnsafeSlow(1 << c);
    let released = false;
    return {
      buf,
      release: () => {
        if (released) return;
        released = true;
        this.give(c, buf);
      },
    };
  }

  private give(c: number, buf: Buffer): void {
    if (this.idleBytes + buf.length > this.maxIdleBytes) return;
    this.free[c]!.push(buf);
    this.idleBytes += buf.length;
  }
}

function sizeClass(size: number): number {
  if (size > 1 << MAX_CLASS) return -1;
  let c = MIN_CLASS;
  while (1 << c < size) c++;
  return c;
}

function noop(): void {}

/** The broker's pool (one process, one event loop: one pool). */
export const readBuffers = new ReadBufferPool();
