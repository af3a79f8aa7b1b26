// The read path of one partition log (Fetch): serves stored batches from the tail cache or the
// segments, bounded by the high watermark (or the log end offset), never taking the append turn.
//
// Reads never take the turn: they read the segment list and sizes as they are, and only bytes
// whose write completed (segment.size) below the high watermark. The segment array is never
// mutated in place (rolls, retention and compaction swap in a new one) and readers acquire the
// segments they may touch before their first await (segment-list.ts). The result reports the high
// watermark and log start offset as they are when it is returned.
import type { Logger } from '../util/logger.js';
import type { ReadOptions, ReadResult } from './partition-log-types.js';
import { acquireFrom, segmentIndexFor } from './segment-list.js';
import type { LogSegment } from './log-segment.js';
import { readBuffers } from './read-buffers.js';
import { readSegment } from './segment-reader.js';
import { StorageError } from './storage-error.js';
import type { TailCache } from './tail-cache.js';

/** What a read sees of the partition log: live values, read when needed (segments before the first await). */
export interface ReadView {
  readonly segments: readonly LogSegment[];
  readonly cache: TailCache;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  readonly highWatermark: number;
  /** The partition directory, for logging. */
  readonly dir: string;
  readonly logger: Logger;
}

/**
 * Stored batches from the one holding `offset`: at most `maxBytes` but at least one whole batch.
 * `offset` equal to the high watermark gives no chunks (a long poll then waits for a listener).
 */
export async function readPartition(view: ReadView, offset: number, maxBytes: number, options: ReadOptions): Promise<ReadResult> {
  const bound = options.upTo === 'log-end' ? view.logEndOffset : view.highWatermark;
  const upper = options.maxOffset !== undefined && options.maxOffset < bound ? options.maxOffset : bound;
  if (offset < view.logStartOffset || offset > view.logEndOffset) {
    return { kind: 'offset-out-of-range', logStartOffset: view.logStartOffset, logEndOffset: view.logEndOffset, highWatermark: view.highWatermark };
  }
  const done = (chunks: Buffer[], bytes: number, nextOffset: number, release = noop): ReadResult => ({
    kind: 'records',
    chunks,
    bytes,
    nextOffset,
    highWatermark: view.highWatermark,
    logStartOffset: view.logStartOffset,
    release,
  });
  if (offset >= upper) return done([], 0, offset);
  const cached = view.cache.read(offset, maxBytes, upper);
  if (cached) return done(cached.chunks, cached.bytes, cached.nextOffset);
  const segments = view.segments;
  const first = segmentIndexFor(segments, offset);
  const release = acquireFrom(segments, first);
  try {
    for (let i = first; i < segments.length; i++) {
      const seg = segments[i]!;
      const r = await readSegment(seg, offset, maxBytes, upper, seg.size, options.pooled ? readBuffers : undefined);
      if (r) return done([r.data], r.data.length, r.nextOffset, r.release);
    }
  } catch (e) {
    if (e instanceof StorageError) view.logger.error('refusing to serve corrupt data', { dir: view.dir, offset, error: e.message });
    throw e instanceof StorageError ? e : new StorageError('storage-error', `read failed: ${String(e)}`, { cause: e });
  } finally {
    release();
  }
  return done([], 0, offset);
}

/**
 * readPartition() without waiting, when the answer needs no file read: records from the tail cache
 * (a consumer keeping up reads nothing else), or none at the bound. Null when storage must be read or
 * the offset is out of range (the caller then reads as usual and gets the same answer, or the error,
 * from readPartition). Up to the high watermark (READ_UNCOMMITTED), or up to `maxOffset` when it is
 * lower (a last stable offset, READ_COMMITTED), as readPartition's options.maxOffset.
 */
export function readPartitionCached(view: ReadView, offset: number, maxBytes: number, maxOffset?: number): ReadResult | null {
  if (offset < view.logStartOffset || offset > view.logEndOffset) return null;
  const hw = view.highWatermark;
  const upper = maxOffset !== undefined && maxOffset < hw ? maxOffset : hw;
  const cached = offset >= upper ? null : view.cache.read(offset, maxBytes, upper);
  if (offset < upper && !cached) return null;
  return {
    kind: 'records',
    chunks: cached ? cached.chunks : [],
    bytes: cached ? cached.bytes : 0,
    nextOffset: cached ? cached.nextOffset : offset,
    highWatermark: hw,
    logStartOffset: view.logStartOffset,
    release: noop,
  };
}

function noop(): void {}
