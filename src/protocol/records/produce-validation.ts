// What the broker's produce path asks of the record bytes sent for one partition, before assigning
// offsets. Mirrors Kafka 4 (ProduceRequest.validateRecords, UnifiedLog.analyzeAndValidateRecords and
// LogValidator.validateBatch / validateRecord), in Kafka's order; the first failure wins:
//
//   check                                                        Kafka error (code)
//   ------------------------------------------------------------ ----------------------------------
//   no complete batch                                            INVALID_RECORD (87)
//   batchLength < 14 (Kafka's minimum record overhead)           CORRUPT_MESSAGE (2)
//   magic < 0 or > 2                                             CORRUPT_MESSAGE
//   magic 0 or 1 (legacy message set; Produce v3+ only carries   INVALID_RECORD  ("only allowed to
//     v2 and Kafka 4 accepts nothing older than Produce v3)        contain record batches with magic 2")
//   zstd on Produce < v7                                         UNSUPPORTED_COMPRESSION_TYPE (76)
//   bytes after the first batch                                  INVALID_RECORD  (Kafka: one batch per
//                                                                  partition; Kafka silently drops a
//                                                                  trailing partial batch, we reject it)
//   baseOffset != 0                                              INVALID_RECORD
//   batch size > max.message.bytes                               MESSAGE_TOO_LARGE (10)
//   batch shorter than its 61-byte header, or CRC-32C mismatch   CORRUPT_MESSAGE
//   codec id 5-7                                                 UNSUPPORTED_COMPRESSION_TYPE (Kafka
//                                                                  fails with an internal error)
//   lastOffsetDelta + 1 <= 0, recordCount <= 0, or they differ   INVALID_RECORD
//   control batch                                                INVALID_RECORD
//   producerId >= 0 with baseSequence < 0                        INVALID_RECORD
//   recordCount over maxRecordCount, records decompressing past  MESSAGE_TOO_LARGE (see below)
//     maxDecompressedBytes
//   undecodable compressed block                                 INVALID_RECORD (see below)
//   record structure broken, count different from recordCount,   INVALID_RECORD
//     bytes left over, offsetDelta != its index
//   null key on a compacted topic                                INVALID_RECORD
//   CreateTime timestamp outside [now - before, now + after],    INVALID_TIMESTAMP (32)
//     or a producer-set LogAppendTime flag (when timestamps are checked)
//
// Records are walked without materialising keys or values: uncompressed batches are scanned in place,
// compressed ones decompressed under the cap. The walk is record-check.ts's single tight pass; the full
// scanner runs only when that pass cannot vouch for a batch (it then names the exact fault) or when a
// timestamp policy needs every record's timestamp. Choices where Kafka has no exact answer:
//  - A compression bomb (or any batch expanding past the cap): MESSAGE_TOO_LARGE. Kafka has no cap (it
//    streams), so it has no code for this; this one is non-retriable, says what is wrong, and the Java
//    producer reacts to it by splitting the batch and retrying, which is right for a legitimate batch that
//    merely compresses very well. CORRUPT_MESSAGE would be wrong (retriable, and the CRC was fine).
//  - A compressed block that fails to decode though its CRC is valid: INVALID_RECORD. The bytes arrived as
//    the client sent them, so retrying (CORRUPT_MESSAGE is retriable) cannot help. Kafka reports premature
//    EOF as INVALID_RECORD and other codec failures as an unknown server error.
//  - Offset deltas must be exactly 0..n-1. Kafka rewrites compressed batches whose inner offsets are off
//    (for old clients) and does not look at them in uncompressed ones; Brook stores batches as sent, so
//    it rejects instead. Every current client writes 0..n-1.
import { DecodeError } from '../decode-error.js';
import {
  BATCH_OVERHEAD,
  CURRENT_MAGIC,
  MIN_MAGIC_V2_BATCH_SIZE,
  RECORDS_OFFSET,
  batchBaseOffset,
  batchBaseSequence,
  batchBaseTimestamp,
  batchCompression,
  batchCrcIsValid,
  batchIsControl,
  batchLastOffsetDelta,
  batchProducerId,
  batchRecordCount,
  batchTimestampType,
} from './batch-header.js';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, decompress, isKnownCompression } from './compression/index.js';
import { recordsAreWellFormed } from './record-check.js';
import { checkRecordCount, scanRecords } from './record-reader.js';

export type ProduceRecordsError =
  | 'CORRUPT_MESSAGE'
  | 'INVALID_RECORD'
  | 'MESSAGE_TOO_LARGE'
  | 'UNSUPPORTED_COMPRESSION_TYPE'
  | 'INVALID_TIMESTAMP';

export interface ProduceRecordsRejection {
  error: ProduceRecordsError;
  /** For the produce response's error_message (v8+) and the broker log. */
  message: string;
}

export interface ProduceTimestampPolicy {
  /** The topic's message.timestamp.type: 0 CreateTime, 1 LogAppendTime. */
  type: number;
  now: number;
  /** message.timestamp.before.max.ms / after.max.ms */
  beforeMaxMs: number;
  afterMaxMs: number;
}

export interface ProduceValidationOptions {
  /** The topic's max.message.bytes (Kafka default 1048588). */
  maxMessageBytes: number;
  /** Produce request version; zstd needs v7+. Default: latest. */
  produceVersion?: number;
  maxDecompressedBytes?: number;
  maxRecordCount?: number;
  /** cleanup.policy includes compact: every record needs a key. */
  compactedTopic?: boolean;
  /** Check record timestamps (omit to skip). */
  timestamps?: ProduceTimestampPolicy;
}

/** Kafka's LegacyRecord.RECORD_OVERHEAD_V0: the smallest batchLength Kafka's batch iterator accepts. */
const MIN_BATCH_LENGTH = 14;
const ZSTD = 4;

function reject(error: ProduceRecordsError, message: string): ProduceRecordsRejection {
  return { error, message };
}

/** Validates the records of one partition in a produce request; null when they may be appended. */
export function validateProduceRecords(records: Buffer, options: ProduceValidationOptions): ProduceRecordsError | null {
  return explainProduceRecords(records, options)?.error ?? null;
}

/** As validateProduceRecords, with a message explaining the rejection. */
export function explainProduceRecords(records: Buffer, options: ProduceValidationOptions): ProduceRecordsRejection | null {
  // --- ProduceRequest.validateRecords: exactly one v2 batch
  if (records.length < BATCH_OVERHEAD) return reject('INVALID_RECORD', 'no record batch in the partition data');
  const batchLength = records.readInt32BE(8);
  if (batchLength < MIN_BATCH_LENGTH) return reject('CORRUPT_MESSAGE', `batch length ${batchLength} is below the minimum`);
  const size = BATCH_OVERHEAD + batchLength;
  if (size > records.length) return reject('INVALID_RECORD', `batch of ${size} bytes but ${records.length} were sent`);
  const magic = records.readInt8(16);
  if (magic < 0 || magic > CURRENT_MAGIC) return reject('CORRUPT_MESSAGE', `invalid magic ${magic}`);
  if (magic !== CURRENT_MAGIC) {
    return reject('INVALID_RECORD', `magic v${magic} message sets are not supported; produce record batches v2`);
  }
  if (size < MIN_MAGIC_V2_BATCH_SIZE) return reject('CORRUPT_MESSAGE', `batch of ${size} bytes is shorter than its header`);
  const codec = batchCompression(records);
  if (codec === ZSTD && options.produceVersion !== undefined && options.produceVersion < 7) {
    return reject('UNSUPPORTED_COMPRESSION_TYPE', `zstd needs Produce v7+, request is v${options.produceVersion}`);
  }
  if (size !== records.length) return reject('INVALID_RECORD', 'more than one record batch for the partition');

  // --- UnifiedLog.analyzeAndValidateRecords
  if (batchBaseOffset(records) !== 0) return reject('INVALID_RECORD', `baseOffset ${batchBaseOffset(records)}, expected 0`);
  if (size > options.maxMessageBytes) {
    return reject('MESSAGE_TOO_LARGE', `batch of ${size} bytes exceeds max.message.bytes ${options.maxMessageBytes}`);
  }
  if (!batchCrcIsValid(records)) return reject('CORRUPT_MESSAGE', 'record batch CRC-32C mismatch');
  if (!isKnownCompression(codec)) return reject('UNSUPPORTED_COMPRESSION_TYPE', `unknown compression codec id ${codec}`);

  // --- LogValidator.validateBatch (client origin)
  const lastOffsetDelta = batchLastOffsetDelta(records);
  const count = batchRecordCount(records);
  if (lastOffsetDelta + 1 <= 0) return reject('INVALID_RECORD', `invalid lastOffsetDelta ${lastOffsetDelta}`);
  if (count <= 0) return reject('INVALID_RECORD', `invalid record count ${count}`);
  if (lastOffsetDelta + 1 !== count) {
    return reject('INVALID_RECORD', `lastOffsetDelta ${lastOffsetDelta} inconsistent with record count ${count}`);
  }
  if (batchIsControl(records)) return reject('INVALID_RECORD', 'clients may not write control batches');
  if (batchProducerId(records) >= 0 && batchBaseSequence(records) < 0) {
    return reject('INVALID_RECORD', `invalid sequence ${batchBaseSequence(records)} for an idempotent batch`);
  }
  if (options.maxRecordCount !== undefined && count > options.maxRecordCount) {
    return reject('MESSAGE_TOO_LARGE', `${count} records, over the limit of ${options.maxRecordCount}`);
  }

  // --- the records themselves
  let payload: Buffer;
  try {
    payload = decompress(codec, records.subarray(RECORDS_OFFSET), options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES);
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    if (err.kind === 'too-large') return reject('MESSAGE_TOO_LARGE', err.message);
    return reject('INVALID_RECORD', `compressed records do not decode: ${err.message}`);
  }
  return checkRecords(records, payload, count, lastOffsetDelta, options);
}

function checkRecords(
  batch: Buffer,
  payload: Buffer,
  count: number,
  lastOffsetDelta: number,
  options: ProduceValidationOptions,
): ProduceRecordsRejection | null {
  const compacted = options.compactedTopic === true;
  const policy = options.timestamps;
  // One tight pass proves the common case; only a batch it cannot vouch for (or a timestamp policy,
  // which needs every record's timestamp) takes the full scan below (record-check.ts).
  if (!policy && recordsAreWellFormed(payload, count, compacted)) return null;
  const baseTimestamp = batchBaseTimestamp(batch);
  const producerSetLogAppendTime = batchTimestampType(batch) === 1;
  let failure: ProduceRecordsRejection | null = null;
  try {
    checkRecordCount(count, payload.length);
    scanRecords(payload, count, lastOffsetDelta, (scan, index) => {
      if (failure) return;
      if (scan.offsetDelta !== index) {
        failure = reject('INVALID_RECORD', `record ${index} has offset delta ${scan.offsetDelta}`);
      } else if (compacted && scan.keyLength < 0) {
        failure = reject('INVALID_RECORD', `record ${index} has no key, which a compacted topic requires`);
      } else if (policy) {
        failure = checkTimestamp(policy, baseTimestamp + scan.timestampDelta, producerSetLogAppendTime, index);
      }
    });
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    return reject('INVALID_RECORD', `malformed records: ${err.message}`);
  }
  return failure;
}

/** LogValidator.validateTimestamp: -1 means "no timestamp" and is accepted under CreateTime. */
function checkTimestamp(
  policy: ProduceTimestampPolicy,
  timestamp: number,
  producerSetLogAppendTime: boolean,
  index: number,
): ProduceRecordsRejection | null {
  if (policy.type === 0 && timestamp !== -1) {
    if (policy.now - timestamp > policy.beforeMaxMs || timestamp - policy.now > policy.afterMaxMs) {
      return reject('INVALID_TIMESTAMP', `record ${index} timestamp ${timestamp} is out of range`);
    }
    return null;
  }
  if (producerSetLogAppendTime) {
    return reject('INVALID_TIMESTAMP', 'producers may not set the LogAppendTime timestamp type');
  }
  return null;
}
