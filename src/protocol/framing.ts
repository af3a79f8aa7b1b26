// Kafka framing: every request and response is an int32 big-endian size followed by that many
// bytes. FrameDecoder is fed socket chunks as they arrive and cuts complete frames out of them.
//
// Cost model: chunks are kept in a list, never concatenated as a backlog (which would be quadratic
// when a large frame arrives in many small chunks). A frame lying inside one chunk is returned as a
// zero-copy view of it; a frame spanning chunks is copied exactly once into a buffer of its size.
// The size is checked against `maxFrameSize` before anything is allocated for it.
import { DecodeError } from './decode-error.js';

export const DEFAULT_MAX_FRAME_SIZE = 100 * 1024 * 1024;
const EMPTY_FRAME = Buffer.alloc(0);

export interface FrameDecoderOptions {
  /** Largest accepted frame payload in bytes (default 100 MiB, Kafka's socket.request.max.bytes). */
  maxFrameSize?: number;
}

export class FrameDecoder {
  private readonly maxFrameSize: number;
  private chunks: Buffer[] = [];
  private head = 0; // index of the first unconsumed chunk
  private offset = 0; // consumed bytes of chunks[head]
  private buffered = 0; // unconsumed bytes over all chunks

  constructor(options: FrameDecoderOptions = {}) {
    this.maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
  }

  /** Bytes received and not yet returned as frames. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /**
   * The next complete frame payload (without its size prefix), or null when more bytes are needed.
   * Throws DecodeError for a negative size or one above the maximum; the connection should then be
   * closed, since the stream can no longer be resynchronised.
   */
  next(): Buffer | null {
    const size = this.peekFrameSize();
    if (size === null || this.buffered - 4 < size) return null;
    this.consume(4);
    if (size === 0) return EMPTY_FRAME;
    const first = this.chunks[this.head]!;
    if (first.length - this.offset >= size) {
      const frame = first.subarray(this.offset, this.offset + size);
      this.consume(size);
      return frame;
    }
    const frame = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const c = this.chunks[this.head]!;
      const n = Math.min(size - filled, c.length - this.offset);
      c.copy(frame, filled, this.offset, this.offset + n);
      filled += n;
      this.consume(n);
    }
    return frame;
  }

  /**
   * The payload size of the next frame once its 4-byte prefix has arrived (null before), checked as
   * next() checks it, so a reader can account for a frame's memory before its bytes arrive.
   */
  peekFrameSize(): number | null {
    if (this.buffered < 4) return null;
    const size = this.peekInt32();
    if (size < 0) throw new DecodeError('bad-length', `negative frame size ${size}`);
    if (size > this.maxFrameSize) {
      throw new DecodeError('too-large', `frame of ${size} bytes exceeds the ${this.maxFrameSize}-byte limit`);
    }
    return size;
  }

  private peekInt32(): number {
    const c = this.chunks[this.head]!;
    if (c.length - this.offset >= 4) return c.readInt32BE(this.offset);
    const b = Buffer.allocUnsafe(4);
    let idx = this.head;
    let off = this.offset;
    for (let i = 0; i < 4; i++) {
      while (off >= this.chunks[idx]!.length) {
        idx++;
        off = 0;
      }
      b[i] = this.chunks[idx]![off++]!;
    }
    return b.readInt32BE(0);
  }

  /** Drops `n` buffered bytes from the front (n <= buffered). */
  private consume(n: number): void {
    this.buffered -= n;
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

/** The 4-byte size prefix for a payload of `size` bytes (for writev of prefix + payload). */
export function sizePrefix(size: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(size, 0);
  return b;
}

/** A payload with its size prefix, as one buffer. */
export function encodeFrame(payload: Uint8Array): Buffer {
  const b = Buffer.allocUnsafe(4 + payload.length);
  b.writeInt32BE(payload.length, 0);
  b.set(payload, 4);
  return b;
}
