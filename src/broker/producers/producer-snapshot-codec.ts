// The encoding of a partition's producer state inside a storage state snapshot (storage/state-
// snapshots.ts adds the file header, CRC-32C and atomic replace). The same facts as Kafka's
// ProducerStateManager `.snapshot` entries: per producer its epoch, the coordinator epoch, the last
// batches it wrote (for duplicate detection, partition-producers.ts) and the first offset of its open
// transaction on this partition, if any.
//
// Payload, big-endian:
//
//   int16 version (1)
//   int32 producer count, then per producer:
//     int64 producerId, int16 epoch, int32 coordinatorEpoch (always 0: Brook is its own coordinator),
//     int64 lastSeenMs, int8 batch count (<= 5), then per batch:
//       int32 firstSeq, int32 lastSeq, int64 firstOffset, int64 lastOffset, int64 logAppendTimeMs
//   int32 open transaction count, then per open transaction:
//     int64 producerId, int64 firstOffset
//
// Open transactions are listed apart from producers because a producer's idempotence entry can be
// expired (producer.id.expiration.ms) while its transaction is still open.
import type { PartitionProducers, ProducerEntry } from './partition-producers.js';

const VERSION = 1;

export interface DecodedProducerSnapshot {
  producers: Array<[number, ProducerEntry]>;
  openTransactions: Array<[number, number]>;
}

export function encodeProducerSnapshot(producers: PartitionProducers, openTransactions: Iterable<[number, number]>): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(6);
  head.writeInt16BE(VERSION, 0);
  parts.push(head);
  let count = 0;
  for (const [id, e] of producers.all()) {
    const done = e.batches.filter((b) => b.pending === null && b.firstOffset >= 0);
    const p = Buffer.alloc(8 + 2 + 4 + 8 + 1 + done.length * 32);
    p.writeBigInt64BE(BigInt(id), 0);
    p.writeInt16BE(e.epoch, 8);
    p.writeInt32BE(0, 10);
    p.writeBigInt64BE(BigInt(e.lastSeenMs), 14);
    p.writeInt8(done.length, 22);
    let at = 23;
    for (const b of done) {
      p.writeInt32BE(b.firstSeq, at);
      p.writeInt32BE(b.lastSeq, at + 4);
      p.writeBigInt64BE(BigInt(b.firstOffset), at + 8);
      p.writeBigInt64BE(BigInt(b.lastOffset), at + 16);
      p.writeBigInt64BE(BigInt(b.logAppendTimeMs), at + 24);
      at += 32;
    }
    parts.push(p);
    count++;
  }
  head.writeInt32BE(count, 2);
  const txns = [...openTransactions];
  const t = Buffer.alloc(4 + txns.length * 16);
  t.writeInt32BE(txns.length, 0);
  txns.forEach(([id, first], i) => {
    t.writeBigInt64BE(BigInt(id), 4 + i * 16);
    t.writeBigInt64BE(BigInt(first), 12 + i * 16);
  });
  parts.push(t);
  return Buffer.concat(parts);
}

/** The decoded payload, or null when it is not a version this broker reads (never throws). */
export function decodeProducerSnapshot(buf: Buffer): DecodedProducerSnapshot | null {
  try {
    if (buf.readInt16BE(0) !== VERSION) return null;
    const producers: Array<[number, ProducerEntry]> = [];
    let at = 6;
    for (let n = buf.readInt32BE(2); n > 0; n--) {
      const id = Number(buf.readBigInt64BE(at));
      const epoch = buf.readInt16BE(at + 8);
      const lastSeenMs = Number(buf.readBigInt64BE(at + 14));
      const batchCount = buf.readInt8(at + 22);
      at += 23;
      const batches: ProducerEntry['batches'] = [];
      for (let k = 0; k < batchCount; k++, at += 32) {
        batches.push({
          firstSeq: buf.readInt32BE(at),
          lastSeq: buf.readInt32BE(at + 4),
          firstOffset: Number(buf.readBigInt64BE(at + 8)),
          lastOffset: Number(buf.readBigInt64BE(at + 16)),
          logAppendTimeMs: Number(buf.readBigInt64BE(at + 24)),
          pending: null,
        });
      }
      producers.push([id, { epoch, batches, lastSeenMs }]);
    }
    const openTransactions: Array<[number, number]> = [];
    for (let n = buf.readInt32BE(at), i = 0; i < n; i++) {
      openTransactions.push([Number(buf.readBigInt64BE(at + 4 + i * 16)), Number(buf.readBigInt64BE(at + 12 + i * 16))]);
    }
    return { producers, openTransactions };
  } catch {
    return null; // a RangeError from a short buffer: the CRC matched, so only a foreign version gets here
  }
}
