// Control batches (KIP-98): written by the transaction coordinator's markers, one record each, with the
// batch's isControl and isTransactional bits set. The record's key and value (big-endian):
//
//   key:   version int16 (0), type int16 (0 = ABORT, 1 = COMMIT; 2+ are other control types, e.g. KRaft's)
//   value: version int16 (0), coordinatorEpoch int32
//
// Clients may not produce control batches (the broker answers INVALID_RECORD); only the broker writes them.
import { DecodeError } from '../decode-error.js';
import { buildRecordBatch } from './batch-builder.js';
import { batchIsControl } from './batch-header.js';
import { readRecords, type RecordReadOptions } from './record-reader.js';

export const ControlRecordType = { Abort: 0, Commit: 1 } as const;
export type ControlRecordType = (typeof ControlRecordType)[keyof typeof ControlRecordType];

export interface EndTransactionMarker {
  type: number;
  coordinatorEpoch: number;
}

export interface ControlBatchOptions {
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
  baseOffset?: number;
  timestamp?: number;
  partitionLeaderEpoch?: number;
}

export function controlRecordKey(type: number): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(type, 2);
  return key;
}

export function endTransactionMarkerValue(coordinatorEpoch: number): Buffer {
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return value;
}

/** Builds a COMMIT or ABORT marker batch for one producer. */
export function buildEndTransactionMarker(type: ControlRecordType, options: ControlBatchOptions): Buffer {
  return buildRecordBatch([{ key: controlRecordKey(type), value: endTransactionMarkerValue(options.coordinatorEpoch) }], {
    baseOffset: options.baseOffset ?? 0,
    producerId: options.producerId,
    producerEpoch: options.producerEpoch,
    baseSequence: -1,
    transactional: true,
    control: true,
    timestamp: options.timestamp,
    partitionLeaderEpoch: options.partitionLeaderEpoch ?? -1,
  });
}

/** The control type in a control record's key; DecodeError when malformed. */
export function controlRecordType(key: Buffer | null): number {
  if (key === null || key.length < 4) throw new DecodeError('bad-value', 'control record key shorter than 4 bytes');
  const version = key.readInt16BE(0);
  if (version < 0) throw new DecodeError('bad-value', `control record key version ${version}`);
  return key.readInt16BE(2);
}

/**
 * Parses the marker in a control batch at pos: the type (ABORT/COMMIT) and coordinator epoch.
 * Throws DecodeError when the batch is not a control batch or its record is malformed.
 */
export function parseEndTransactionMarker(buf: Buffer, pos = 0, options: RecordReadOptions = {}): EndTransactionMarker {
  if (!batchIsControl(buf, pos)) throw new DecodeError('bad-value', 'not a control batch', pos);
  const records = readRecords(buf, pos, options);
  if (records.length !== 1) throw new DecodeError('bad-value', `control batch with ${records.length} records`, pos);
  const record = records[0]!;
  const type = controlRecordType(record.key);
  if (type !== ControlRecordType.Abort && type !== ControlRecordType.Commit) {
    throw new DecodeError('unsupported', `control record type ${type} is not a transaction marker`, pos);
  }
  const value = record.value;
  if (value === null || value.length < 6) throw new DecodeError('bad-value', 'transaction marker value shorter than 6 bytes', pos);
  if (value.readInt16BE(0) < 0) throw new DecodeError('bad-value', 'transaction marker value version', pos);
  return { type, coordinatorEpoch: value.readInt32BE(2) };
}
