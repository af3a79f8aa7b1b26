// Reads whole batches from a segment file by offset (Redpanda's segment reader): one positional
// read of about `maxBytes` from the closest index entry, a walk over the batch headers in that
// buffer, and a slice of it returned (no copy, no re-encoding). Batch-aligned, and at least one
// whole batch even when it is larger than maxBytes (Kafka's rule since KIP-74).
import { BATCH_OVERHEAD, CURRENT_MAGIC, LAST_OFFSET_DELTA_OFFSET, MAGIC_OFFSET, MIN_MAGIC_V2_BATCH_SIZE, batchBaseOffset } from '../protocol/records/batch-header.js';
import type { LogSegment } from './log-segment.js';
import type { ReadBufferPool } from './read-buffers.js';
import { StorageError } from './storage-error.js';

/** Bytes read at least, so that small maxBytes still find their batch in one read. */
const MIN_PROBE = 16 * 1024;
const HEADER_PREFIX = LAST_OFFSET_DELTA_OFFSET + 4;

export interface SegmentRead {
  data: Buffer;
  /** Offset after the last returned batch. */
  nextOffset: number;
  /** Gives `data`'s buffer back to the pool it came from (a no-op without one). */
  release: () => void;
}

/**
 * Batches of `segment` starting with the one that holds `offset` (or the first one after it),
 * stopping before any batch whose base offset is >= `upperOffset`; null when there is none.
 * `end` is the segment size to respect (bytes past it may still be being written).
 */
export async function readSegment(
  segment: LogSegment,
  offset: number,
  maxBytes: number,
  upperOffset: number,
  end: number,
  pool?: ReadBufferPool,
): Promise<SegmentRead | null> {
  const index = await segment.index();
  let pos = index.lookup(offset).position;
  let minLen = 0; // when > 0: the batch at `pos` is the first to return and is this long
  while (pos < end) {
    const len = Math.min(end - pos, Math.max(maxBytes, MIN_PROBE, minLen));
    const lease = pool?.take(len);
    const buf = lease ? lease.buf : Buffer.allocUnsafe(len);
    const release = lease ? lease.release : noop;
    let got = 0;
    try {
      while (got < len) {
        const n = await segment.file.read(buf, got, len - got, pos + got);
        if (n === 0) break;
        got += n;
      }
      if (got < len) throw corrupt(segment, pos + got, 'the file is shorter than its recorded size');
    } catch (e) {
      release();
      throw e;
    }
    let p = 0;
    let start = -1;
    let nextOffset = offset;
    while (p + HEADER_PREFIX <= len) {
      // A bad header after batches already taken is reported by the read that starts there.
      if (start >= 0 && !headerIsValid(buf, p, pos + p, end)) break;
      let size: number;
      try {
        size = checkHeader(segment, buf, p, pos + p, end);
      } catch (e) {
        release();
        throw e;
      }
      const base = batchBaseOffset(buf, p);
      const last = base + buf.readInt32BE(p + LAST_OFFSET_DELTA_OFFSET);
      if (start < 0) {
        if (last < offset) {
          p += size; // skip it, read or not
          continue;
        }
        if (base >= upperOffset) {
          release();
          return null;
        }
        if (p + size > len) break; // first batch not whole in the buffer: re-read from it
        start = p;
      } else if (base >= upperOffset || p + size > len || p + size - start > maxBytes) break;
      p += size;
      nextOffset = last + 1;
    }
    if (start >= 0) return { data: buf.subarray(start, p), nextOffset, release };
    release();
    // Continue from the first batch we could not take whole (p is a batch boundary, maybe past len).
    if (p === 0 && len < HEADER_PREFIX) throw corrupt(segment, pos, 'a partial batch header inside the written log');
    minLen = p + BATCH_OVERHEAD <= len ? BATCH_OVERHEAD + buf.readInt32BE(p + 8) : 0;
    pos += p;
  }
  return null;
}

function headerIsValid(buf: Buffer, p: number, filePos: number, end: number): boolean {
  const size = BATCH_OVERHEAD + buf.readInt32BE(p + 8);
  return size >= MIN_MAGIC_V2_BATCH_SIZE && buf.readInt8(p + MAGIC_OFFSET) === CURRENT_MAGIC && filePos + size <= end;
}

function checkHeader(segment: LogSegment, buf: Buffer, p: number, filePos: number, end: number): number {
  const size = BATCH_OVERHEAD + buf.readInt32BE(p + 8);
  if (size < MIN_MAGIC_V2_BATCH_SIZE || buf.readInt8(p + MAGIC_OFFSET) !== CURRENT_MAGIC || filePos + size > end) {
    throw corrupt(segment, filePos, `invalid batch header (size ${size}, magic ${buf.readInt8(p + MAGIC_OFFSET)})`);
  }
  return size;
}

function corrupt(segment: LogSegment, position: number, why: string): StorageError {
  return new StorageError('storage-error', `corrupt log segment ${segment.path('.log')} at byte ${position}: ${why}`);
}

function noop(): void {}
