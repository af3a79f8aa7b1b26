// Kafka framing: every request and response is an int32 big-endian size followed by that many
// bytes. FrameDecoder is fed socket chunks as they arrive and cuts complete frames out of them.
//
// Cost model (util/byte-queue.ts): a frame lying inside one received chunk is returned as a zero-copy
// view of it; a frame spanning chunks is copied exactly once into a buffer of its size.
// The size is checked against `maxFrameSize` before anything is allocated for it.
// A spanning frame of one of `pooledApiKeys` (the broker: Produce, ~1 MB requests from librdkafka) is
// copied into a buffer from util/frame-pool.ts; its reader must call framePool.release(frame) once
// done with it (views it keeps longer are retained by their holder).
import { ByteQueue } from '../util/byte-queue.js';
import { framePool } from '../util/frame-pool.js';
import { DecodeError } from './decode-error.js';

export const DEFAULT_MAX_FRAME_SIZE = 100 * 1024 * 1024;

export interface FrameDecoderOptions {
  /** Largest accepted frame payload in bytes (default 100 MiB, Kafka's socket.request.max.bytes). */
  maxFrameSize?: number;
  /** Request API keys whose spanning frames come from the frame pool (the reader releases them). */
  pooledApiKeys?: ReadonlySet<number>;
}

const acquireFrame = (n: number): Buffer => framePool.acquire(n);

export class FrameDecoder {
  /** Mutable: a connection lowers it until its client has authenticated (sasl.server.max.receive.size). */
  maxFrameSize: number;
  private readonly queue = new ByteQueue();
  private readonly pooledApiKeys: ReadonlySet<number> | null;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
    this.pooledApiKeys = options.pooledApiKeys ?? null;
  }

  /** Bytes received and not yet returned as frames. */
  get bufferedBytes(): number {
    return this.queue.length;
  }

  push(chunk: Buffer): void {
    this.queue.push(chunk);
  }

  /**
   * The next complete frame payload (without its size prefix), or null when more bytes are needed.
   * Throws DecodeError for a negative size or one above the maximum; the connection should then be
   * closed, since the stream can no longer be resynchronised.
   */
  next(): Buffer | null {
    const size = this.peekFrameSize();
    if (size === null || this.queue.length - 4 < size) return null;
    this.queue.skip(4);
    // A request header starts with its int16 API key.
    const pooled = this.pooledApiKeys !== null && size >= 4 && this.pooledApiKeys.has(this.queue.readUInt32BE(0) >>> 16);
    return this.queue.take(size, pooled ? acquireFrame : undefined);
  }

  /**
   * The payload size of the next frame once its 4-byte prefix has arrived (null before), checked as
   * next() checks it, so a reader can account for a frame's memory before its bytes arrive.
   */
  peekFrameSize(): number | null {
    if (this.queue.length < 4) return null;
    const size = this.queue.readInt32BE(0);
    if (size < 0) throw new DecodeError('bad-length', `negative frame size ${size}`);
    if (size > this.maxFrameSize) {
      throw new DecodeError('too-large', `frame of ${size} bytes exceeds the ${this.maxFrameSize}-byte limit`);
    }
    return size;
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
