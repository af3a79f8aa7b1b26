// Sequential scan of the batches stored in a segment file, reading large chunks with positional
// reads. Recovery uses it with CRC checks to find the valid prefix of a log; index rebuilds and
// timestamp lookups use it for framing only. It never decodes records.
//
// A scan stops at the first batch that is not acceptable and says why; the caller decides whether
// that position is a torn tail to truncate (recovery) or corruption to report (reads).
import {
  BATCH_OVERHEAD,
  CURRENT_MAGIC,
  MAGIC_OFFSET,
  MIN_MAGIC_V2_BATCH_SIZE,
  batchBaseOffset,
  batchCrcIsValid,
  batchLastOffsetDelta,
  batchMaxTimestamp,
} from '../protocol/records/batch-header.js';
import type { FileHandle } from './fs/file-system.js';

const CHUNK = 1 << 20;

export interface ScannedBatch {
  /** Byte position of the batch in the file. */
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  /** The batch bytes are buf[bufPos, bufPos + size); valid only during the callback. */
  buf: Buffer;
  bufPos: number;
}

export interface ScanResult {
  /** Position after the last acceptable batch. */
  validEnd: number;
  /** Offset after the last acceptable batch (or the `minBaseOffset` given when none). */
  nextOffset: number;
  batches: number;
  /** Why the scan stopped before `end`, or null when it reached it. */
  problem: string | null;
}

export interface ScanOptions {
  verifyCrc: boolean;
  /** Base offsets must be >= this, then strictly increasing. */
  minBaseOffset: number;
}

/** Walks batches in file[start, end); `onBatch` returning false stops the scan early. */
export async function scanBatches(
  file: FileHandle,
  start: number,
  end: number,
  options: ScanOptions,
  onBatch: (b: ScannedBatch) => boolean | void,
): Promise<ScanResult> {
  let buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(end - start, BATCH_OVERHEAD)));
  let bufStart = start; // file position of buf[0]
  let bufLen = 0;
  let pos = start;
  let nextOffset = options.minBaseOffset;
  let batches = 0;
  const batch: ScannedBatch = { position: 0, size: 0, baseOffset: 0, lastOffset: 0, maxTimestamp: 0, buf, bufPos: 0 };
  const result = (problem: string | null): ScanResult => ({ validEnd: pos, nextOffset, batches, problem });

  const fill = async (need: number): Promise<boolean> => {
    // Makes buf hold at least `need` bytes from `pos`, if the file has them.
    if (pos + need > end) return false;
    if (pos - bufStart + need <= bufLen) return true;
    if (need > buf.length) buf = Buffer.allocUnsafe(need);
    const len = Math.min(buf.length, end - pos);
    let got = 0;
    while (got < len) {
      const n = await file.read(buf, got, len - got, pos + got);
      if (n === 0) break;
      got += n;
    }
    bufStart = pos;
    bufLen = got;
    return got >= need;
  };

  while (pos < end) {
    if (!(await fill(BATCH_OVERHEAD + 5))) return result(`${end - pos} trailing bytes are too few for a batch header`);
    const at = pos - bufStart;
    const length = buf.readInt32BE(at + 8);
    const size = BATCH_OVERHEAD + length;
    if (length < 0 || size < MIN_MAGIC_V2_BATCH_SIZE) return result(`batch length ${length} is invalid`);
    if (buf.readInt8(at + MAGIC_OFFSET) !== CURRENT_MAGIC) return result(`magic ${buf.readInt8(at + MAGIC_OFFSET)} is not 2`);
    if (pos + size > end) return result(`batch of ${size} bytes runs past the end (${end - pos} bytes left)`);
    if (!(await fill(size))) return result(`batch of ${size} bytes could not be read whole`);
    const p = pos - bufStart;
    const baseOffset = batchBaseOffset(buf, p);
    const delta = batchLastOffsetDelta(buf, p);
    if (baseOffset < nextOffset) return result(`base offset ${baseOffset} is below the expected ${nextOffset}`);
    if (delta < 0) return result(`lastOffsetDelta ${delta} is negative`);
    if (options.verifyCrc && !batchCrcIsValid(buf, p)) return result(`CRC-32C mismatch in the batch at offset ${baseOffset}`);
    batch.position = pos;
    batch.size = size;
    batch.baseOffset = baseOffset;
    batch.lastOffset = baseOffset + delta;
    batch.maxTimestamp = batchMaxTimestamp(buf, p);
    batch.buf = buf;
    batch.bufPos = p;
    batches++;
    nextOffset = batch.lastOffset + 1;
    pos += size;
    if (onBatch(batch) === false) break;
  }
  return result(null);
}
