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
// Brook writes version 0 only. Version 1 (flexible, with tagged previous/next producer ids for KIP-890
// part 2) is refused on load: Brook never writes it, so finding it means a foreign data dir.
import { TxnState, type TxnStateName } from './txn-state.js';

export interface TxnLogValue {
  producerId: number;
  producerEpoch: number;
  timeoutMs: number;
  state: TxnStateName;
  partitions: { topic: string; partitions: number[] }[];
  lastUpdateTimestampMs: number;
  startTimestampMs: number;
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
  return { producerId, producerEpoch, timeoutMs, state, partitions, lastUpdateTimestampMs: r.int64(), startTimestampMs: r.int64() };
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
