// Builds a record batch v2 (layout in batch-header.ts, records in record.ts) from plain records. Used by
// tests, the CLI, control batches and anything else that produces batches; the broker's hot paths never
// rebuild batches, they move the bytes clients sent.
import { signedVarintSize } from '../primitives/varint.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  BATCH_OVERHEAD,
  CONTROL_FLAG_MASK,
  CURRENT_MAGIC,
  LAST_OFFSET_DELTA_OFFSET,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_COUNT_OFFSET,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  setBatchBaseOffset,
  updateBatchCrc,
  writeInt64FromNumber,
} from './batch-header.js';
import { compress } from './compression/index.js';
import { recordBodySize, writeRecord, type RecordInput } from './record.js';

export interface BatchOptions {
  baseOffset?: number; // default 0 (what producers send)
  /** Codec id 0-4 (see CompressionCodec); default 0. */
  compression?: number;
  producerId?: number; // default -1
  producerEpoch?: number; // default -1
  baseSequence?: number; // default -1
  transactional?: boolean;
  control?: boolean;
  /** 0 CreateTime (default), 1 LogAppendTime. */
  timestampType?: number;
  /** Timestamp for records that give none, and the base when none do; default Date.now(). */
  timestamp?: number;
  partitionLeaderEpoch?: number; // default -1
  /** Offset delta of the last record; default records.length - 1 (larger after compaction). */
  lastOffsetDelta?: number;
}

/** Encodes `records` (offset deltas 0..n-1) as one v2 batch with a valid CRC. */
export function buildRecordBatch(records: readonly RecordInput[], options: BatchOptions = {}): Buffer {
  const defaultTimestamp = options.timestamp ?? Date.now();
  // As Kafka's builder does: the first record's timestamp is the base (later deltas may be negative).
  const baseTimestamp = records.length === 0 ? defaultTimestamp : (records[0]!.timestamp ?? defaultTimestamp);
  let maxTimestamp = records.length === 0 ? defaultTimestamp : -1;
  // Plain loops and a reused size table: no per-record closures or temporary arrays on this path,
  // which every produced batch (streams outputs and changelogs included) goes through.
  const n = records.length;
  if (bodySizeScratch.length < n) bodySizeScratch = new Float64Array(Math.max(n, 2 * bodySizeScratch.length));
  const bodySizes = bodySizeScratch;
  let recordsSize = 0;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    const timestamp = r.timestamp ?? defaultTimestamp;
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    const size = recordBodySize(r, timestamp - baseTimestamp, i);
    bodySizes[i] = size;
    recordsSize += signedVarintSize(size) + size;
  }
  const codec = options.compression ?? 0;
  // Uncompressed records are written straight into the batch (no separate block to copy).
  const batch = Buffer.allocUnsafe(BATCH_HEADER_SIZE + (codec === 0 ? recordsSize : 0));
  const block = codec === 0 ? batch : Buffer.allocUnsafe(recordsSize);
  let pos = codec === 0 ? BATCH_HEADER_SIZE : 0;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    pos = writeRecord(block, pos, r, (r.timestamp ?? defaultTimestamp) - baseTimestamp, i, bodySizes[i]!);
  }
  if (codec === 0) return finishBatch(batch, null, n, baseTimestamp, maxTimestamp, codec, options);
  const compressed = compress(codec, block);
  return finishBatch(Buffer.allocUnsafe(BATCH_HEADER_SIZE + compressed.length), compressed, n, baseTimestamp, maxTimestamp, codec, options);
}

/**
 * Fills the header and CRC of an uncompressed batch whose `count` records are already in place after
 * BATCH_HEADER_SIZE (base offset 0, CreateTime, no producer id): for encoders of their own record
 * layout (src/broker/amqp/message-batch.ts).
 */
export function finishPlainBatch(batch: Buffer, count: number, baseTimestamp: number, maxTimestamp: number): Buffer {
  return finishBatch(batch, null, count, baseTimestamp, maxTimestamp, 0, {});
}

/** Body sizes of the batch being built; grown on demand, reused (building is synchronous). */
let bodySizeScratch = new Float64Array(1024);

/** Fills the header of `batch` (records already in place, or `block` copied after the header) and its CRC. */
function finishBatch(batch: Buffer, block: Buffer | null, count: number, baseTimestamp: number, maxTimestamp: number, codec: number, options: BatchOptions): Buffer {
  const recordsLength = block === null ? batch.length - BATCH_HEADER_SIZE : block.length;
  setBatchBaseOffset(batch, 0, options.baseOffset ?? 0);
  batch.writeInt32BE(BATCH_HEADER_SIZE + recordsLength - BATCH_OVERHEAD, BATCH_LENGTH_OFFSET);
  batch.writeInt32BE(options.partitionLeaderEpoch ?? -1, PARTITION_LEADER_EPOCH_OFFSET);
  batch.writeInt8(CURRENT_MAGIC, MAGIC_OFFSET);
  let attributes = codec & 0x07;
  if (options.timestampType === 1) attributes |= TIMESTAMP_TYPE_MASK;
  if (options.transactional) attributes |= TRANSACTIONAL_FLAG_MASK;
  if (options.control) attributes |= CONTROL_FLAG_MASK;
  batch.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  batch.writeInt32BE(options.lastOffsetDelta ?? Math.max(0, count - 1), LAST_OFFSET_DELTA_OFFSET);
  writeInt64FromNumber(batch, BASE_TIMESTAMP_OFFSET, baseTimestamp);
  writeInt64FromNumber(batch, MAX_TIMESTAMP_OFFSET, maxTimestamp);
  writeInt64FromNumber(batch, PRODUCER_ID_OFFSET, options.producerId ?? -1);
  batch.writeInt16BE(options.producerEpoch ?? -1, PRODUCER_EPOCH_OFFSET);
  batch.writeInt32BE(options.baseSequence ?? -1, BASE_SEQUENCE_OFFSET);
  batch.writeInt32BE(count, RECORD_COUNT_OFFSET);
  if (block !== null) block.copy(batch, BATCH_HEADER_SIZE);
  updateBatchCrc(batch, 0);
  return batch;
}
