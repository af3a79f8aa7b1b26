// A sliding window over file[start, end) for sequential scans (batch-scan.ts): the file is read in
// fixed chunks with the next few reads already in flight on the thread pool, so the scan checks
// (CRC-32C, framing) one chunk while the following ones are being read, instead of reading and
// checking in turns. After a crash, recovery scans the unflushed segments this way before the broker
// listens.
//
// view(pos, n) gives n bytes from pos: a view into a chunk when they lie in one (no copy), else a copy
// stitched from the chunks they span (only a batch that crosses a chunk boundary, at most one per
// chunk). Chunks wholly below the position last asked for go back to a free list. A short read (the
// file ended early) ends the window there.
import type { FileHandle } from './fs/file-system.js';

interface Chunk {
  start: number;
  buf: Buffer;
  /** Bytes read into buf. */
  len: number;
  /** Bytes asked for (fewer read: the file ended). */
  want: number;
}

export class ReadAheadWindow {
  private readonly held: Chunk[] = [];
  private readonly inFlight: Array<Promise<Chunk>> = [];
  private readonly free: Buffer[] = [];
  private nextRead: number;
  /** Where the data ends: `end`, or earlier after a short read. */
  private dataEnd: number;
  private chunksTaken = 0;

  constructor(
    private readonly file: FileHandle,
    start: number,
    end: number,
    /** The first read's size: a lookup that stops early reads no more than before. */
    private readonly firstChunkBytes: number,
    /** Later reads' size: few large reads cost less than many small ones (per-read overhead of the pool). */
    private readonly chunkBytes: number,
    /** Reads in flight once the scan has gone past its first chunk. */
    private readonly depth: number,
  ) {
    this.nextRead = start;
    this.dataEnd = end;
  }

  /** n bytes from pos as buf[at, at + n), or null when the file has fewer. Valid until the next call. */
  async view(pos: number, n: number): Promise<{ buf: Buffer; at: number } | null> {
    while (this.held.length > 0 && this.held[0]!.start + this.held[0]!.len <= pos) this.free.push(this.held.shift()!.buf);
    for (;;) {
      const last = this.held[this.held.length - 1];
      const covered = last ? last.start + last.len : pos;
      if (covered >= pos + n) break;
      if (pos + n > this.dataEnd) return null;
      const chunk = await this.nextChunk();
      if (!chunk) return null;
      this.held.push(chunk);
    }
    const first = this.held[0]!;
    if (first.start <= pos && pos + n <= first.start + first.len) return { buf: first.buf, at: pos - first.start };
    const out = Buffer.allocUnsafe(n);
    let copied = 0;
    for (const c of this.held) {
      const from = Math.max(pos + copied, c.start) - c.start;
      const to = Math.min(c.len, pos + n - c.start);
      if (to <= from) continue;
      c.buf.copy(out, copied, from, to);
      copied += to - from;
      if (copied === n) break;
    }
    return { buf: out, at: 0 };
  }

  private async nextChunk(): Promise<Chunk | null> {
    this.fill(1);
    const p = this.inFlight.shift();
    if (!p) return null;
    const chunk = await p;
    this.chunksTaken++;
    if (chunk.len < Math.min(chunk.want, this.dataEnd - chunk.start)) {
      // The file ended early: nothing after this chunk exists (reads already in flight past it find nothing).
      this.dataEnd = chunk.start + chunk.len;
    }
    // Read ahead only once the scan has gone past its first chunk: a lookup that stops inside it (a
    // timestamp search, an index's tail) must not start, and then wait for, a read it never uses.
    if (this.chunksTaken > 1) this.fill(this.depth);
    return chunk.len > 0 ? chunk : null;
  }

  /** Keeps `depth` reads in flight. */
  private fill(depth: number): void {
    while (this.inFlight.length < depth && this.nextRead < this.dataEnd) {
      const start = this.nextRead;
      const size = this.inFlight.length === 0 && this.chunksTaken === 0 ? this.firstChunkBytes : this.chunkBytes;
      const len = Math.max(1, Math.min(size, this.dataEnd - start));
      this.nextRead += len;
      const free = this.free.pop();
      const buf = free && free.length >= len ? free : Buffer.allocUnsafe(len);
      this.inFlight.push(this.readChunk(buf, start, len));
    }
  }

  private async readChunk(buf: Buffer, start: number, len: number): Promise<Chunk> {
    let got = 0;
    while (got < len) {
      const n = await this.file.read(buf, got, len - got, start + got);
      if (n === 0) break;
      got += n;
    }
    return { start, buf, len: got, want: len };
  }

  /** Waits for the reads still in flight (their buffers must not be written to after the scan returns). */
  async close(): Promise<void> {
    await Promise.allSettled(this.inFlight);
    this.inFlight.length = 0;
  }
}
