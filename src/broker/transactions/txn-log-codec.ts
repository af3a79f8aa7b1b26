// Records of the __transaction_state topic, in Kafka's format (transaction-coordinator's
// TransactionLogKey.json / TransactionLogValue.json), so a data dir reads as Kafka's would. Big-endian:
//
//   key   (version 0):  version int16 = 0, transactionalId string (int16 length + UTF-8)
//   value (version 0):  version int16 = 0
//                       producerId int64, producerEpoch int16, transactionTimeoutMs int32,
//                       transactionStatus int8 (TxnState below),
//                       transactionPartitions nullable array: int32 count (-1 = null), each
//                         { topic string, partitionIds: int32 count, int32 each },
//                       transactionLastUpdateTimestampMs int64, transactionStartTimestampMs int64
//   tombstone: a null value (the transactional id expired, transactional.id.expiration.ms)
//
//   value (version 1, flexible: KIP-482 compact strings/arrays and tagged fields; Kafka 3.8+):
//                       version int16 = 1
//                       producerId int64, producerEpoch int16, transactionTimeoutMs int32,
//                       transactionStatus int8,
//                       transactionPartitions compact nullable array (uvarint count + 1, 0 = null),
//                         each { topic compact string, partitionIds compact array of int32,
//                         tagged fields (none) },
//                       transactionLastUpdateTimestampMs int64, transactionStartTimestampMs int64,
//                       tagged fields: Kafka's 0 PreviousProducerId int64, 1 NextProducerId int64,
//                         2 ClientTransactionVersion int16 (read and ignored: Brook does not do
//                         KIP-890 part 2), and Brook's own
//                         10000 LastProducerEpoch int16 (see below)
//   tombstone: a null value (the transactional id expired, transactional.id.expiration.ms)
//
// Why a Brook tag: Kafka keeps TransactionMetadata.lastProducerEpoch in memory only (it reloads it as
// -1), so after a restart a producer recovering (KIP-360) with the epoch it held before the
// coordinator aborted its timed-out transaction is fenced instead of re-initialised. Brook persists it
// as a tagged field, which Kafka's generated readers skip as unknown (tags are how KIP-482 lets records
// grow without breaking readers); 10000 is far from Kafka's own tags. Brook writes version 0 while
// there is no last epoch to keep (the common case, readable by every Kafka version) and version 1 only
// when there is.
import { ByteReader } from '../../protocol/primitives/byte-reader.js';
import { ByteWriter } from '../../protocol/primitives/byte-writer.js';
import { unsignedVarintSize } from '../../protocol/primitives/varint.js';
import { TxnState, type TxnStateName } from './txn-state.js';

/** Brook's tagged field in TransactionLogValue v1: the epoch before the last coordinator bump. */
export const LAST_PRODUCER_EPOCH_TAG = 10000;

export interface TxnLogValue {
  producerId: number;
  producerEpoch: number;
  timeoutMs: number;
  state: TxnStateName;
  partitions: { topic: string; partitions: number[] }[];
  lastUpdateTimestampMs: number;
  startTimestampMs: number;
  /** The epoch before the coordinator's last bump (KIP-360 recovery), -1 when none. */
  lastProducerEpoch: number;
}

export function encodeTxnLogKey(transactionalId: string): Buffer {
  const id = Buffer.from(transactionalId, 'utf8');
  const b = Buffer.alloc(4 + id.length);
  b.writeInt16BE(0, 0);
  b.writeInt16BE(id.length, 2);
  id.copy(b, 4);
  return b;
}

export function decodeTxnLogKey(b: Buffer): string {
  const r = new Reader(b);
  const version = r.int16();
  if (version !== 0) throw new Error(`unknown TransactionLogKey version ${version}`);
  return r.string();
}

export function encodeTxnLogValue(v: TxnLogValue): Buffer {
  if (v.lastProducerEpoch >= 0) return encodeTxnLogValueV1(v);
  const topics = v.partitions.map((t) => ({ name: Buffer.from(t.topic, 'utf8'), partitions: t.partitions }));
  let size = 2 + 8 + 2 + 4 + 1 + 4 + 8 + 8;
  for (const t of topics) size += 2 + t.name.length + 4 + 4 * t.partitions.length;
  const b = Buffer.alloc(size);
  let p = b.writeInt16BE(0, 0);
  p = b.writeBigInt64BE(BigInt(v.producerId), p);
  p = b.writeInt16BE(v.producerEpoch, p);
  p = b.writeInt32BE(v.timeoutMs, p);
  p = b.writeInt8(TxnState[v.state], p);
  p = b.writeInt32BE(topics.length, p);
  for (const t of topics) {
    p = b.writeInt16BE(t.name.length, p);
    p += t.name.copy(b, p);
    p = b.writeInt32BE(t.partitions.length, p);
    for (const n of t.partitions) p = b.writeInt32BE(n, p);
  }
  p = b.writeBigInt64BE(BigInt(v.lastUpdateTimestampMs), p);
  b.writeBigInt64BE(BigInt(v.startTimestampMs), p);
  return b;
}

export function decodeTxnLogValue(b: Buffer): TxnLogValue {
  const r = new Reader(b);
  const version = r.int16();
  if (version === 1) return decodeTxnLogValueV1(b);
  if (version !== 0) throw new Error(`unknown TransactionLogValue version ${version}`);
  const producerId = r.int64();
  const producerEpoch = r.int16();
  const timeoutMs = r.int32();
  const status = r.int8();
  const state = (Object.keys(TxnState) as TxnStateName[]).find((k) => TxnState[k] === status);
  if (state === undefined) throw new Error(`unknown transaction status ${status}`);
  const count = r.int32();
  const partitions: TxnLogValue['partitions'] = [];
  for (let i = 0; i < count; i++) {
    const topic = r.string();
    const n = r.int32();
    if (n < 0 || n * 4 > r.remaining) throw new Error('bad partition count');
    const ids: number[] = [];
    for (let j = 0; j < n; j++) ids.push(r.int32());
    partitions.push({ topic, partitions: ids });
  }
  return { producerId, producerEpoch, timeoutMs, state, partitions, lastUpdateTimestampMs: r.int64(), startTimestampMs: r.int64(), lastProducerEpoch: -1 };
}

function stateOf(status: number): TxnStateName {
  const state = (Object.keys(TxnState) as TxnStateName[]).find((k) => TxnState[k] === status);
  if (state === undefined) throw new Error(`unknown transaction status ${status}`);
  return state;
}

function encodeTxnLogValueV1(v: TxnLogValue): Buffer {
  const topics = v.partitions.map((t) => ({ name: Buffer.from(t.topic, 'utf8'), partitions: t.partitions }));
  let size = 2 + 8 + 2 + 4 + 1 + unsignedVarintSize(topics.length + 1) + 8 + 8;
  for (const t of topics) {
    size += unsignedVarintSize(t.name.length + 1) + t.name.length + unsignedVarintSize(t.partitions.length + 1) + 4 * t.partitions.length + 1;
  }
  size += 1 + unsignedVarintSize(LAST_PRODUCER_EPOCH_TAG) + 1 + 2; // one tagged field: tag, size 2, int16
  const w = new ByteWriter(Buffer.alloc(size));
  w.int16(1);
  w.int64(BigInt(v.producerId));
  w.int16(v.producerEpoch);
  w.int32(v.timeoutMs);
  w.int8(TxnState[v.state]);
  w.arrayLength(topics.length, true);
  for (const t of topics) {
    w.uvarint(t.name.length + 1);
    w.buf.set(t.name, w.pos);
    w.pos += t.name.length;
    w.arrayLength(t.partitions.length, true);
    for (const n of t.partitions) w.int32(n);
    w.uvarint(0);
  }
  w.int64(BigInt(v.lastUpdateTimestampMs));
  w.int64(BigInt(v.startTimestampMs));
  w.uvarint(1);
  w.uvarint(LAST_PRODUCER_EPOCH_TAG);
  w.uvarint(2);
  w.int16(v.lastProducerEpoch);
  return w.buf;
}

function decodeTxnLogValueV1(b: Buffer): TxnLogValue {
  const r = new ByteReader(b, 2);
  const producerId = Number(r.int64());
  const producerEpoch = r.int16();
  const timeoutMs = r.int32();
  const state = stateOf(r.int8());
  const partitions: TxnLogValue['partitions'] = [];
  const count = r.arrayLength(true);
  for (let i = 0; i < count; i++) {
    const topic = r.string(true);
    const n = r.arrayLength(true);
    const ids: number[] = [];
    for (let j = 0; j < n; j++) ids.push(r.int32());
    r.skipTaggedFields();
    partitions.push({ topic, partitions: ids });
  }
  const lastUpdateTimestampMs = Number(r.int64());
  const startTimestampMs = Number(r.int64());
  let lastProducerEpoch = -1;
  for (let n = r.uvarint(); n > 0; n--) {
    const tag = r.uvarint();
    const outer = r.beginTagged();
    if (tag === LAST_PRODUCER_EPOCH_TAG) lastProducerEpoch = r.int16();
    r.endTagged(outer);
  }
  return { producerId, producerEpoch, timeoutMs, state, partitions, lastUpdateTimestampMs, startTimestampMs, lastProducerEpoch };
}

/** A bounds-checked big-endian reader: a short buffer throws, it never reads past the end. */
class Reader {
  private pos = 0;
  constructor(private readonly b: Buffer) {}
  get remaining(): number {
    return this.b.length - this.pos;
  }
  private need(n: number): number {
    if (n < 0 || this.pos + n > this.b.length) throw new Error('truncated __transaction_state record');
    const p = this.pos;
    this.pos += n;
    return p;
  }
  int8(): number {
    return this.b.readInt8(this.need(1));
  }
  int16(): number {
    return this.b.readInt16BE(this.need(2));
  }
  int32(): number {
    return this.b.readInt32BE(this.need(4));
  }
  int64(): number {
    return Number(this.b.readBigInt64BE(this.need(8)));
  }
  string(): string {
    const n = this.int16();
    const p = this.need(n);
    return this.b.toString('utf8', p, p + n);
  }
}
