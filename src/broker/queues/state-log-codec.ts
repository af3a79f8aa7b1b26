// The records of the share-group state log (__share_group_state), in Kafka's own format: the share
// coordinator's ShareSnapshot and ShareUpdate records (KIP-932 "Share-group state persistence";
// share-coordinator/.../ShareSnapshot{Key,Value}.json, ShareUpdate{Key,Value}.json), so Kafka's tools
// can read a Brook data dir and the formats are ones operators know.
//
// Key (both types; not flexible), prefixed with the record type as an int16 (Kafka's coordinator
// records put the type where a version would be):
//   int16 type (0 ShareSnapshotKey, 1 ShareUpdateKey) | string groupId (int16 length + UTF-8)
//   | uuid topicId (16 bytes) | int32 partition
//
// ShareSnapshotValue v0 (flexible), prefixed with its version as an int16:
//   int16 version=0 | int32 snapshotEpoch | int32 stateEpoch | int32 leaderEpoch | int64 startOffset
//   | int64 createTimestamp | int64 writeTimestamp | stateBatches | tagged fields
// ShareUpdateValue v0 (flexible):
//   int16 version=0 | int32 snapshotEpoch | int32 leaderEpoch | int64 startOffset (-1: unchanged)
//   | stateBatches | tagged fields
// stateBatches: compact array (uvarint n+1) of
//   int64 firstOffset | int64 lastOffset | int8 deliveryState (0 available, 2 acknowledged,
//   3 archiving, 4 archived) | int16 deliveryCount | tagged fields (uvarint 0)
// Tagged field 0 of both values: int32 DeliveryCompleteCount (KIP-1226, Kafka 4.2+; default -1,
// written when known).
//
// A snapshot is the whole state of one share-partition; an update carries only the batches that
// changed. A null value (tombstone) deletes the share-partition's state. Every record is covered by
// the record batch's CRC-32C like any other log record.
import { DecodeError } from '../../protocol/decode-error.js';
import { ByteReader } from '../../protocol/primitives/byte-reader.js';
import { ByteWriter, stringSize, unsignedVarintSize } from '../../protocol/primitives/byte-writer.js';
import type { PersistedBatch } from './partition-types.js';
import type { DeliveryState } from './delivery-state.js';

export const SNAPSHOT_RECORD = 0;
export const UPDATE_RECORD = 1;

/** A share-partition's identity in the state log: group (or queue) id, topic id (Kafka's base64url text), partition. */
export interface StateKey {
  groupId: string;
  topicId: string;
  partition: number;
}

export interface StateKeyRecord extends StateKey {
  type: typeof SNAPSHOT_RECORD | typeof UPDATE_RECORD;
}

export interface SnapshotValue {
  snapshotEpoch: number;
  stateEpoch: number;
  leaderEpoch: number;
  startOffset: number;
  deliveryCompleteCount: number;
  createTimestamp: number;
  writeTimestamp: number;
  batches: PersistedBatch[];
}

export interface UpdateValue {
  snapshotEpoch: number;
  leaderEpoch: number;
  /** -1 when this update does not move the start offset. */
  startOffset: number;
  deliveryCompleteCount: number;
  batches: PersistedBatch[];
}

const BATCH_SIZE = 8 + 8 + 1 + 2 + 1;
const VALUE_VERSION = 0;

export function encodeStateKey(type: StateKeyRecord['type'], key: StateKey): Buffer {
  const w = new ByteWriter(Buffer.alloc(2 + stringSize(key.groupId, false) + 16 + 4));
  w.int16(type);
  w.string(key.groupId, false);
  w.uuid(key.topicId);
  w.int32(key.partition);
  return w.buf;
}

export function decodeStateKey(buf: Buffer): StateKeyRecord {
  const r = new ByteReader(buf);
  const type = r.int16();
  if (type !== SNAPSHOT_RECORD && type !== UPDATE_RECORD) throw new DecodeError('unsupported', `share state record type ${type}`);
  return { type, groupId: r.string(false), topicId: r.uuid(), partition: r.int32() };
}

function batchesSize(batches: readonly PersistedBatch[]): number {
  return unsignedVarintSize(batches.length + 1) + batches.length * BATCH_SIZE;
}

function taggedSize(deliveryCompleteCount: number): number {
  return deliveryCompleteCount === -1 ? 1 : 1 + 1 + 1 + 4;
}

function writeBatches(w: ByteWriter, batches: readonly PersistedBatch[]): void {
  w.uvarint(batches.length + 1);
  for (const b of batches) {
    w.int64(BigInt(b.first));
    w.int64(BigInt(b.last));
    w.int8(b.state);
    w.int16(Math.min(b.count, 0x7fff));
    w.uvarint(0);
  }
}

function writeTagged(w: ByteWriter, deliveryCompleteCount: number): void {
  if (deliveryCompleteCount === -1) {
    w.uvarint(0);
    return;
  }
  w.uvarint(1);
  w.uvarint(0);
  w.uvarint(4);
  w.int32(deliveryCompleteCount);
}

export function encodeSnapshotValue(v: SnapshotValue): Buffer {
  const size = 2 + 4 + 4 + 4 + 8 + 8 + 8 + batchesSize(v.batches) + taggedSize(v.deliveryCompleteCount);
  const w = new ByteWriter(Buffer.alloc(size));
  w.int16(VALUE_VERSION);
  w.int32(v.snapshotEpoch);
  w.int32(v.stateEpoch);
  w.int32(v.leaderEpoch);
  w.int64(BigInt(v.startOffset));
  w.int64(BigInt(v.createTimestamp));
  w.int64(BigInt(v.writeTimestamp));
  writeBatches(w, v.batches);
  writeTagged(w, v.deliveryCompleteCount);
  return w.buf;
}

export function encodeUpdateValue(v: UpdateValue): Buffer {
  const size = 2 + 4 + 4 + 8 + batchesSize(v.batches) + taggedSize(v.deliveryCompleteCount);
  const w = new ByteWriter(Buffer.alloc(size));
  w.int16(VALUE_VERSION);
  w.int32(v.snapshotEpoch);
  w.int32(v.leaderEpoch);
  w.int64(BigInt(v.startOffset));
  writeBatches(w, v.batches);
  writeTagged(w, v.deliveryCompleteCount);
  return w.buf;
}

function readBatches(r: ByteReader): PersistedBatch[] {
  const n = r.arrayLength(true);
  if (n < 0) throw new DecodeError('bad-length', 'null state batches');
  if (n * BATCH_SIZE > r.remaining()) throw new DecodeError('truncated', `${n} state batches do not fit`);
  const out: PersistedBatch[] = [];
  for (let i = 0; i < n; i++) {
    const first = Number(r.int64());
    const last = Number(r.int64());
    const state = r.int8() as DeliveryState;
    const count = r.int16();
    r.skipTaggedFields();
    if (state !== 0 && state !== 2 && state !== 3 && state !== 4) throw new DecodeError('unsupported', `delivery state ${state}`);
    out.push({ first, last, state, count });
  }
  return out;
}

/** The trailing tagged fields; returns DeliveryCompleteCount (tag 0) or -1. */
function readTagged(r: ByteReader): number {
  let deliveryCompleteCount = -1;
  const n = r.uvarint();
  for (let i = 0; i < n; i++) {
    const tag = r.uvarint();
    const size = r.uvarint();
    if (tag === 0 && size === 4) deliveryCompleteCount = r.int32();
    else r.skip(size);
  }
  return deliveryCompleteCount;
}

function readVersion(r: ByteReader): void {
  const version = r.int16();
  if (version !== VALUE_VERSION) throw new DecodeError('unsupported', `share state value version ${version}`);
}

export function decodeSnapshotValue(buf: Buffer): SnapshotValue {
  const r = new ByteReader(buf);
  readVersion(r);
  const snapshotEpoch = r.int32();
  const stateEpoch = r.int32();
  const leaderEpoch = r.int32();
  const startOffset = Number(r.int64());
  const createTimestamp = Number(r.int64());
  const writeTimestamp = Number(r.int64());
  const batches = readBatches(r);
  const deliveryCompleteCount = readTagged(r);
  return { snapshotEpoch, stateEpoch, leaderEpoch, startOffset, deliveryCompleteCount, createTimestamp, writeTimestamp, batches };
}

export function decodeUpdateValue(buf: Buffer): UpdateValue {
  const r = new ByteReader(buf);
  readVersion(r);
  const snapshotEpoch = r.int32();
  const leaderEpoch = r.int32();
  const startOffset = Number(r.int64());
  const batches = readBatches(r);
  const deliveryCompleteCount = readTagged(r);
  return { snapshotEpoch, leaderEpoch, startOffset, deliveryCompleteCount, batches };
}
