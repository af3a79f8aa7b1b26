// A zero-copy view over the header of a record batch, magic v2 (KIP-98, Kafka 0.11+).
// Plain functions over (buf, pos) rather than a class so the storage append path allocates nothing.
//
// Record batch v2, all integers big-endian:
//
//   offset  size  field
//   0       8     baseOffset            int64   first offset of the batch (set by the broker on append)
//   8       4     batchLength           int32   bytes after this field: total batch size = 12 + batchLength
//   12      4     partitionLeaderEpoch  int32   set by the broker; -1 from producers
//   16      1     magic                 int8    2 (0 and 1 are the legacy message sets, not supported)
//   17      4     crc                   uint32  CRC-32C of bytes [21, end of batch)
//   21      2     attributes            int16   see below                    -+
//   23      4     lastOffsetDelta       int32   offset of the last record - baseOffset   |
//   27      8     baseTimestamp         int64   timestamp of the first record            |
//   35      8     maxTimestamp          int64   largest record timestamp                 | covered
//   43      8     producerId            int64   -1 when not idempotent                   | by the
//   51      2     producerEpoch         int16   -1 when not idempotent                   | CRC
//   53      4     baseSequence          int32   -1 when not idempotent                   |
//   57      4     recordCount           int32   number of records                        |
//   61      ...   records               record[] (compressed as one block when codec != 0) -+
//
//   attributes: bits 0-2 compression (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd)
//               bit 3   timestampType (0 CreateTime, 1 LogAppendTime)
//               bit 4   isTransactional
//               bit 5   isControl
//               bit 6   hasDeleteHorizonMs (KIP-534: baseTimestamp holds the delete horizon)
//               bits 7-15 unused, zero
//
// Because the CRC starts at byte 21, the broker can set baseOffset and partitionLeaderEpoch without
// recomputing it; changing the attributes or timestamps (LogAppendTime) does require a new CRC.
// Offsets and timestamps are returned as JS numbers: exact below 2^53, which offsets and millisecond
// timestamps never reach.
import { DecodeError } from '../decode-error.js';
import { crc32cRange } from './crc32c.js';

export const BATCH_HEADER_SIZE = 61;
/** baseOffset + batchLength: total batch size = BATCH_OVERHEAD + batchLength. */
export const BATCH_OVERHEAD = 12;
/** Smallest legal total size of a v2 batch (a header and no record bytes). */
export const MIN_MAGIC_V2_BATCH_SIZE = 61;
export const CURRENT_MAGIC = 2;

export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORD_COUNT_OFFSET = 57;
export const RECORDS_OFFSET = 61;

export const COMPRESSION_CODEC_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_FLAG_MASK = 0x10;
export const CONTROL_FLAG_MASK = 0x20;
export const DELETE_HORIZON_FLAG_MASK = 0x40;

/** Compression codec ids as stored in attributes bits 0-2. */
export const CompressionCodec = { None: 0, Gzip: 1, Snappy: 2, Lz4: 3, Zstd: 4 } as const;
export type CompressionCodec = (typeof CompressionCodec)[keyof typeof CompressionCodec];

/** Timestamp types as stored in attributes bit 3. */
export const TimestampType = { CreateTime: 0, LogAppendTime: 1 } as const;
export type TimestampType = (typeof TimestampType)[keyof typeof TimestampType];

const TWO_32 = 2 ** 32;

/** Reads a big-endian int64 as a JS number (exact for |n| < 2^53). */
export function readInt64AsNumber(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
}

/** Writes an integer (|n| < 2^53) as a big-endian int64. */
export function writeInt64FromNumber(buf: Buffer, pos: number, n: number): void {
  buf.writeInt32BE(Math.floor(n / TWO_32), pos);
  buf.writeUInt32BE(n >>> 0, pos + 4);
}

export function batchBaseOffset(buf: Buffer, pos = 0): number {
  return readInt64AsNumber(buf, pos + BASE_OFFSET_OFFSET);
}

/** Sets the base offset in place; the CRC does not cover it, so it stays valid. */
export function setBatchBaseOffset(buf: Buffer, pos: number, baseOffset: number): void {
  writeInt64FromNumber(buf, pos + BASE_OFFSET_OFFSET, baseOffset);
}

/** batchLength as written: the bytes after the batchLength field. */
export function batchLength(buf: Buffer, pos = 0): number {
  return buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
}

/** Total size of the batch in bytes: 12 + batchLength. */
export function batchTotalSize(buf: Buffer, pos = 0): number {
  return BATCH_OVERHEAD + buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
}

export function batchPartitionLeaderEpoch(buf: Buffer, pos = 0): number {
  return buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET);
}

/** Sets the partition leader epoch in place; the CRC does not cover it. */
export function setBatchPartitionLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  buf.writeInt32BE(epoch, pos + PARTITION_LEADER_EPOCH_OFFSET);
}

export function batchMagic(buf: Buffer, pos = 0): number {
  return buf.readInt8(pos + MAGIC_OFFSET);
}

/** The CRC stored in the header (unsigned). */
export function batchCrc(buf: Buffer, pos = 0): number {
  return buf.readUInt32BE(pos + CRC_OFFSET);
}

export function batchAttributes(buf: Buffer, pos = 0): number {
  return buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
}

export function batchLastOffsetDelta(buf: Buffer, pos = 0): number {
  return buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
}

/** Offset of the last record: baseOffset + lastOffsetDelta. */
export function batchLastOffset(buf: Buffer, pos = 0): number {
  return batchBaseOffset(buf, pos) + batchLastOffsetDelta(buf, pos);
}

export function batchBaseTimestamp(buf: Buffer, pos = 0): number {
  return readInt64AsNumber(buf, pos + BASE_TIMESTAMP_OFFSET);
}

export function batchMaxTimestamp(buf: Buffer, pos = 0): number {
  return readInt64AsNumber(buf, pos + MAX_TIMESTAMP_OFFSET);
}

/** The producer id, or -1 when the producer is not idempotent. */
export function batchProducerId(buf: Buffer, pos = 0): number {
  return readInt64AsNumber(buf, pos + PRODUCER_ID_OFFSET);
}

export function batchProducerEpoch(buf: Buffer, pos = 0): number {
  return buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET);
}

export function batchBaseSequence(buf: Buffer, pos = 0): number {
  return buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET);
}

export function batchRecordCount(buf: Buffer, pos = 0): number {
  return buf.readInt32BE(pos + RECORD_COUNT_OFFSET);
}

/** Compression codec id (attributes bits 0-2): 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd; 5-7 are invalid. */
export function batchCompression(buf: Buffer, pos = 0): number {
  return buf[pos + ATTRIBUTES_OFFSET + 1]! & COMPRESSION_CODEC_MASK;
}

/** 0 CreateTime, 1 LogAppendTime. */
export function batchTimestampType(buf: Buffer, pos = 0): number {
  return (buf[pos + ATTRIBUTES_OFFSET + 1]! & TIMESTAMP_TYPE_MASK) === 0 ? 0 : 1;
}

export function batchIsTransactional(buf: Buffer, pos = 0): boolean {
  return (buf[pos + ATTRIBUTES_OFFSET + 1]! & TRANSACTIONAL_FLAG_MASK) !== 0;
}

export function batchIsControl(buf: Buffer, pos = 0): boolean {
  return (buf[pos + ATTRIBUTES_OFFSET + 1]! & CONTROL_FLAG_MASK) !== 0;
}

export function batchHasDeleteHorizon(buf: Buffer, pos = 0): boolean {
  return (buf[pos + ATTRIBUTES_OFFSET + 1]! & DELETE_HORIZON_FLAG_MASK) !== 0;
}

/** CRC-32C of the covered bytes [pos+21, pos+totalSize) as it should be stored. */
export function computeBatchCrc(buf: Buffer, pos = 0): number {
  return crc32cRange(buf, pos + ATTRIBUTES_OFFSET, pos + batchTotalSize(buf, pos));
}

/**
 * True when the stored CRC matches the batch's bytes. The caller must have checked that the whole
 * batch (batchTotalSize bytes from pos) lies inside buf, as forEachBatch does.
 */
export function batchCrcIsValid(buf: Buffer, pos = 0): boolean {
  return computeBatchCrc(buf, pos) === batchCrc(buf, pos);
}

/** Recomputes and stores the CRC after an in-place change to the covered bytes. */
export function updateBatchCrc(buf: Buffer, pos = 0): void {
  buf.writeUInt32BE(computeBatchCrc(buf, pos), pos + CRC_OFFSET);
}

/**
 * Sets LogAppendTime (topic config message.timestamp.type=LogAppendTime): the timestampType bit,
 * baseTimestamp and maxTimestamp = timestampMs, then recomputes the CRC. Consumers take every record's
 * timestamp from maxTimestamp when the bit is set, so record deltas are left alone. (Kafka's in-place
 * path rewrites only maxTimestamp; setting baseTimestamp as well keeps the header self-consistent.)
 */
export function setLogAppendTime(buf: Buffer, pos: number, timestampMs: number): void {
  const attrPos = pos + ATTRIBUTES_OFFSET;
  buf.writeInt16BE(buf.readInt16BE(attrPos) | TIMESTAMP_TYPE_MASK, attrPos);
  writeInt64FromNumber(buf, pos + BASE_TIMESTAMP_OFFSET, timestampMs);
  writeInt64FromNumber(buf, pos + MAX_TIMESTAMP_OFFSET, timestampMs);
  updateBatchCrc(buf, pos);
}

/**
 * Walks concatenated batches in buf[start, end), calling fn(pos, size) for each whole batch. Checks
 * framing only (not CRCs): throws DecodeError when
 *  - fewer than 12 bytes, or fewer than the declared size, remain ('truncated': a torn tail),
 *  - batchLength is negative or smaller than a v2 header ('bad-length'),
 *  - the magic byte is not 2 ('unsupported': legacy v0/v1 message sets put magic at the same byte 16).
 * Reads nothing but the length and magic, so the produce and recovery paths stay cheap.
 */
export function forEachBatch(
  buf: Buffer,
  start: number,
  end: number,
  fn: (pos: number, size: number) => void,
): void {
  if (start < 0 || end > buf.length || start > end) {
    throw new DecodeError('bad-length', `batch range [${start}, ${end}) outside a ${buf.length}-byte buffer`);
  }
  let pos = start;
  while (pos < end) {
    const size = checkBatchFraming(buf, pos, end);
    fn(pos, size);
    pos += size;
  }
}

/**
 * Validates the framing of the batch at pos (as forEachBatch does) and returns its total size.
 * Throws DecodeError when it does not fit in buf[pos, end) or is not a v2 batch.
 */
export function checkBatchFraming(buf: Buffer, pos: number, end: number): number {
  if (end - pos < BATCH_OVERHEAD) {
    throw new DecodeError('truncated', `${end - pos} bytes left, a batch needs at least ${BATCH_OVERHEAD}`, pos);
  }
  const length = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  if (length < MAGIC_OFFSET + 1 - BATCH_OVERHEAD) {
    throw new DecodeError('bad-length', `batch length ${length} is too small`, pos + BATCH_LENGTH_OFFSET);
  }
  const size = BATCH_OVERHEAD + length;
  if (size > end - pos) {
    throw new DecodeError('truncated', `batch of ${size} bytes but only ${end - pos} left`, pos);
  }
  const magic = buf.readInt8(pos + MAGIC_OFFSET);
  if (magic !== CURRENT_MAGIC) {
    throw new DecodeError('unsupported', `record batch magic ${magic} (only v2 is supported)`, pos + MAGIC_OFFSET);
  }
  if (size < MIN_MAGIC_V2_BATCH_SIZE) {
    throw new DecodeError('bad-length', `v2 batch of ${size} bytes is shorter than its header`, pos);
  }
  return size;
}
