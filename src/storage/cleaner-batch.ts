// What compaction keeps of one stored batch, and the batch it writes instead (Kafka's
// MemoryRecords.filterTo driven by LogCleaner's record filter). Pure: bytes in, bytes out.
//
// Per record (data batches only; control batches are always kept whole, see below):
//   record                                   | kept?
//   -----------------------------------------+-----------------------------------------------
//   key is not the latest for its key        | no (a later record in the cleaned range wins)
//   latest, value present                    | yes
//   latest tombstone (null value), batch     | yes; the rewritten batch gets a delete horizon
//     has no delete horizon yet              |   of now + delete.retention.ms (KIP-534)
//   latest tombstone, now <= batch horizon   | yes
//   latest tombstone, now > batch horizon    | no
//   null key (produce refuses them on        | yes (never in the key map; Kafka's cleaner
//     compacted topics; defensive)           |   would fail the partition instead)
//
// Per batch:
//   - nothing removed and no horizon to set: the stored bytes are written unchanged;
//   - otherwise the kept records are re-encoded with the batch's codec into a batch that keeps
//     the original baseOffset, lastOffsetDelta, producer id/epoch, base sequence and leader epoch
//     (so the batch's last offset and the producer's last sequence stay valid, as in Kafka);
//     offset deltas are each record's original one (gaps are fine for readers);
//   - the delete horizon (attribute bit 6, Kafka 3.1+) is stored in the baseTimestamp field and
//     record timestamps are re-based on it, so absolute timestamps do not change;
//   - every record removed: the batch disappears, unless the caller asks to retain it as an empty
//     header (the last batch of an idempotent producer, Kafka's BatchRetention.RETAIN_EMPTY, and the
//     last batch of a cleaned group, see log-cleaner.ts).
//
// Transactions: control batches (commit/abort markers) are kept as they are, and records of
// aborted transactions are treated like committed ones; Kafka removes both once the transaction
// is fully cleaned. Until Brook has a transaction coordinator, keeping them is the safe side.
import {
  ATTRIBUTES_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  BATCH_OVERHEAD,
  COMPRESSION_CODEC_MASK,
  DELETE_HORIZON_FLAG_MASK,
  MAX_TIMESTAMP_OFFSET,
  RECORD_COUNT_OFFSET,
  batchAttributes,
  batchBaseTimestamp,
  batchCompression,
  batchHasDeleteHorizon,
  batchIsControl,
  batchMaxTimestamp,
  batchTimestampType,
  batchTotalSize,
  updateBatchCrc,
  writeInt64FromNumber,
} from '../protocol/records/batch-header.js';
import { compress } from '../protocol/records/compression/index.js';
import { forEachRecord } from '../protocol/records/record-reader.js';
import type { Record } from '../protocol/records/record.js';
import { recordBodySize, writeRecord } from '../protocol/records/record.js';
import { signedVarintSize } from '../protocol/primitives/varint.js';

export interface BatchCleanRules {
  /** True when `offset` holds the latest record for `key` in the range being cleaned. */
  isLatest(key: Buffer, offset: number): boolean;
  nowMs: number;
  deleteRetentionMs: number;
  /** Write an empty header instead of dropping the batch when every record goes. */
  retainEmpty: boolean;
}

export type CleanedBatch =
  | { kind: 'unchanged'; deleteHorizonMs: number }
  | { kind: 'rewritten'; batch: Buffer; deleteHorizonMs: number }
  | { kind: 'removed' };

/**
 * Cleans the batch at buf[pos..] (framing already checked). `deleteHorizonMs` is the horizon of a
 * kept batch that still holds tombstones (when the next clean may drop them), -1 otherwise.
 */
export function cleanBatch(buf: Buffer, pos: number, rules: BatchCleanRules): CleanedBatch {
  if (batchIsControl(buf, pos)) return { kind: 'unchanged', deleteHorizonMs: -1 };
  const batch = buf.subarray(pos, pos + batchTotalSize(buf, pos));
  const horizon = batchHasDeleteHorizon(batch, 0) ? batchBaseTimestamp(batch, 0) : -1;
  const kept: Record[] = [];
  let total = 0;
  let tombstones = false;
  forEachRecord(
    batch,
    0,
    (r) => {
      total++;
      if (r.key !== null && !rules.isLatest(r.key, r.offset)) return;
      if (r.key !== null && r.value === null) {
        if (horizon >= 0 && rules.nowMs > horizon) return;
        tombstones = true;
      }
      kept.push(r);
    },
    { verifyCrc: false },
  );
  const needHorizon = tombstones && horizon < 0;
  // A batch that had a horizon keeps it (Kafka does) even once its tombstones are gone.
  const outHorizon = needHorizon ? rules.nowMs + rules.deleteRetentionMs : horizon;
  const due = tombstones ? outHorizon : -1;
  if (kept.length === total && !needHorizon) return { kind: 'unchanged', deleteHorizonMs: due };
  if (kept.length === 0) return rules.retainEmpty ? { kind: 'rewritten', batch: emptyBatch(batch), deleteHorizonMs: -1 } : { kind: 'removed' };
  return { kind: 'rewritten', batch: encodeKept(batch, kept, outHorizon), deleteHorizonMs: due };
}

/** The header of `src` with no records: Kafka's writeEmptyHeader (uncompressed, both timestamps = max). */
function emptyBatch(src: Buffer): Buffer {
  const out = Buffer.from(src.subarray(0, BATCH_HEADER_SIZE));
  const attributes = batchAttributes(src, 0) & ~(COMPRESSION_CODEC_MASK | DELETE_HORIZON_FLAG_MASK);
  const ts = batchMaxTimestamp(src, 0);
  return finishHeader(out, attributes, ts, ts, 0);
}

/** Re-encodes `kept` (records of `src`) into a batch with the header fields of `src`. */
function encodeKept(src: Buffer, kept: readonly Record[], horizonMs: number): Buffer {
  const srcBase = batchBaseTimestamp(src, 0);
  const rawTs = (r: Record): number => srcBase + r.timestampDelta; // the record's own timestamp
  const base = horizonMs >= 0 ? horizonMs : rawTs(kept[0]!);
  let maxTs = -1;
  for (const r of kept) maxTs = Math.max(maxTs, rawTs(r));
  // LogAppendTime: the broker's time in maxTimestamp is every record's timestamp; keep it.
  if (batchTimestampType(src, 0) === 1) maxTs = batchMaxTimestamp(src, 0);
  const sizes = kept.map((r) => recordBodySize(r, rawTs(r) - base, r.offsetDelta));
  let blockSize = 0;
  for (const s of sizes) blockSize += signedVarintSize(s) + s;
  let block: Buffer = Buffer.allocUnsafe(blockSize);
  let p = 0;
  kept.forEach((r, i) => {
    p = writeRecord(block, p, r, rawTs(r) - base, r.offsetDelta, sizes[i]!);
  });
  const codec = batchCompression(src, 0);
  if (codec !== 0) block = compress(codec, block);
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + block.length);
  src.copy(out, 0, 0, BATCH_HEADER_SIZE);
  block.copy(out, BATCH_HEADER_SIZE);
  let attributes = batchAttributes(src, 0) & ~DELETE_HORIZON_FLAG_MASK;
  if (horizonMs >= 0) attributes |= DELETE_HORIZON_FLAG_MASK;
  return finishHeader(out, attributes, base, maxTs, kept.length);
}

function finishHeader(out: Buffer, attributes: number, baseTs: number, maxTs: number, count: number): Buffer {
  out.writeInt32BE(out.length - BATCH_OVERHEAD, BATCH_LENGTH_OFFSET);
  out.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  writeInt64FromNumber(out, BASE_TIMESTAMP_OFFSET, baseTs);
  writeInt64FromNumber(out, MAX_TIMESTAMP_OFFSET, maxTs);
  out.writeInt32BE(count, RECORD_COUNT_OFFSET);
  updateBatchCrc(out, 0);
  return out;
}
