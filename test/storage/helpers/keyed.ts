// Keyed record batches (compacted topics) for storage tests, built with the protocol's builder, and
// a reader that flattens a log into its records.
import { buildRecordBatch } from '../../../src/protocol/records/batch-builder.js';
import { batchCrcIsValid } from '../../../src/protocol/records/batch-header.js';
import { readRecords } from '../../../src/protocol/records/record-reader.js';
import type { PartitionLog } from '../../../src/storage/partition-log.js';
import { readAll } from './logs.js';

export interface KeyedRecord {
  key: string;
  /** null: a tombstone. */
  value: string | null;
  timestamp?: number;
}

export interface StoredRecord {
  offset: number;
  key: string | null;
  value: string | null;
  timestamp: number;
}

export function keyedBatch(records: readonly KeyedRecord[], options: { compression?: number; timestamp?: number; producerId?: number } = {}): Buffer {
  return buildRecordBatch(
    records.map((r) => ({
      key: Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value),
      timestamp: r.timestamp ?? options.timestamp ?? 1_700_000_000_000,
    })),
    {
      compression: options.compression ?? 0,
      timestamp: options.timestamp ?? 1_700_000_000_000,
      producerId: options.producerId ?? -1,
      producerEpoch: options.producerId === undefined ? -1 : 0,
      baseSequence: options.producerId === undefined ? -1 : 0,
    },
  );
}

/** Every record of the log from its start to the high watermark, checking CRCs and offset order. */
export async function readKeyed(log: PartitionLog): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  let last = -1;
  for (const batch of await readAll(log)) {
    if (!batchCrcIsValid(batch, 0)) throw new Error('a served batch has a bad CRC');
    for (const r of readRecords(batch)) {
      if (r.offset <= last) throw new Error(`offset ${r.offset} after ${last}`);
      last = r.offset;
      out.push({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, timestamp: r.timestamp });
    }
  }
  return out;
}

/** The naive model of compaction: the latest record per key below `end`, everything from `end` on. */
export function compactModel(records: readonly StoredRecord[], end: number, dropTombstones: boolean): StoredRecord[] {
  const latest = new Map<string | null, number>();
  for (const r of records) if (r.offset < end) latest.set(r.key, r.offset);
  return records.filter((r) => r.offset >= end || (latest.get(r.key) === r.offset && !(dropTombstones && r.value === null)));
}
