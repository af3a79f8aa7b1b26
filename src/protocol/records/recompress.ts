// Re-encoding a record batch with another compression codec, as Kafka's LogValidator does when a
// topic's compression.type names a codec other than the one the producer used. The records
// themselves are not touched: the batch's records section is decompressed to the plain record
// bytes and compressed again with the target codec; the header keeps every field (base offset,
// last offset delta, timestamps, producer id, epoch and base sequence, transactional flag), and
// only the codec bits, the length and the CRC-32C change. Pure: bytes in, bytes out.
import {
  ATTRIBUTES_OFFSET,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  BATCH_OVERHEAD,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  batchAttributes,
  batchCompression,
  batchTotalSize,
  forEachBatch,
  updateBatchCrc,
} from './batch-header.js';
import { compress, decompress } from './compression/index.js';

/** True when some data batch in `records` is compressed with a codec other than `codec`. */
export function needsRecompression(records: Buffer, codec: number): boolean {
  let differs = false;
  forEachBatch(records, 0, records.length, (pos) => {
    if ((batchAttributes(records, pos) & CONTROL_FLAG_MASK) === 0 && batchCompression(records, pos) !== codec) differs = true;
  });
  return differs;
}

/** One batch (at `pos` in `buf`) re-encoded with `codec` (0: uncompressed). */
export function recompressBatch(buf: Buffer, pos: number, codec: number): Buffer {
  const size = batchTotalSize(buf, pos);
  const from = batchCompression(buf, pos);
  const plain = decompress(from, buf.subarray(pos + BATCH_HEADER_SIZE, pos + size));
  const body = compress(codec, plain);
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + body.length);
  buf.copy(out, 0, pos, pos + BATCH_HEADER_SIZE);
  body.copy(out, BATCH_HEADER_SIZE);
  out.writeInt32BE(out.length - BATCH_OVERHEAD, BATCH_LENGTH_OFFSET);
  out.writeInt16BE((batchAttributes(buf, pos) & ~COMPRESSION_CODEC_MASK) | codec, ATTRIBUTES_OFFSET);
  updateBatchCrc(out, 0);
  return out;
}

/**
 * Every data batch of `records` compressed with `codec`: the input itself when all already are (the produce fast
 * path stays byte for byte), else a new buffer in which only the batches that differ were re-encoded. Control
 * batches are never re-encoded.
 */
export function recompressBatches(records: Buffer, codec: number): Buffer {
  if (!needsRecompression(records, codec)) return records;
  const parts: Buffer[] = [];
  forEachBatch(records, 0, records.length, (pos, size) => {
    const control = (batchAttributes(records, pos) & CONTROL_FLAG_MASK) !== 0;
    parts.push(control || batchCompression(records, pos) === codec ? records.subarray(pos, pos + size) : recompressBatch(records, pos, codec));
  });
  return Buffer.concat(parts);
}
