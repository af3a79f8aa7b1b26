// Builds v2 record batches for storage tests (uncompressed records with null keys), independent
// of the protocol layer's builder so storage tests can check the bytes they store.
import { crc32c } from '@node-rs/crc32';
import { writeSignedVarint, writeSignedVarlong, signedVarintSize, signedVarlongSize } from '../../../src/protocol/primitives/varint.js';

export interface TestRecord {
  value: Buffer;
  /** Absolute timestamp (ms). */
  timestamp: number;
}

/** A batch of `records` with base offset 0 (the log assigns the real one). */
export function buildBatch(records: TestRecord[], options: { baseOffset?: number; attributes?: number } = {}): Buffer {
  const baseTs = records[0]!.timestamp;
  const maxTs = Math.max(...records.map((r) => r.timestamp));
  const bodies = records.map((r, i) => {
    const tsDelta = BigInt(r.timestamp - baseTs);
    // attributes(1) tsDelta offsetDelta keyLen(-1) valueLen value headersCount(0)
    const inner = 1 + signedVarlongSize(tsDelta) + signedVarintSize(i) + signedVarintSize(-1) + signedVarintSize(r.value.length) + r.value.length + signedVarintSize(0);
    const buf = Buffer.alloc(signedVarintSize(inner) + inner);
    let p = writeSignedVarint(buf, 0, inner);
    buf[p++] = 0;
    p = writeSignedVarlong(buf, p, tsDelta);
    p = writeSignedVarint(buf, p, i);
    p = writeSignedVarint(buf, p, -1);
    p = writeSignedVarint(buf, p, r.value.length);
    r.value.copy(buf, p);
    p += r.value.length;
    writeSignedVarint(buf, p, 0);
    return buf;
  });
  const recordsBytes = Buffer.concat(bodies);
  const batch = Buffer.alloc(61 + recordsBytes.length);
  batch.writeBigInt64BE(BigInt(options.baseOffset ?? 0), 0);
  batch.writeInt32BE(batch.length - 12, 8);
  batch.writeInt32BE(-1, 12);
  batch.writeInt8(2, 16);
  batch.writeInt16BE(options.attributes ?? 0, 21);
  batch.writeInt32BE(records.length - 1, 23);
  batch.writeBigInt64BE(BigInt(baseTs), 27);
  batch.writeBigInt64BE(BigInt(maxTs), 35);
  batch.writeBigInt64BE(-1n, 43);
  batch.writeInt16BE(-1, 51);
  batch.writeInt32BE(-1, 53);
  batch.writeInt32BE(records.length, 57);
  recordsBytes.copy(batch, 61);
  batch.writeUInt32BE(crc32c(batch.subarray(21)) >>> 0, 17);
  return batch;
}

/** A batch of `count` records of `valueSize` bytes with timestamps ts, ts+1, ... */
export function simpleBatch(count: number, valueSize: number, ts = 1_700_000_000_000, tag = 0): Buffer {
  const records: TestRecord[] = [];
  for (let i = 0; i < count; i++) records.push({ value: Buffer.alloc(valueSize, (tag + i) & 0xff), timestamp: ts + i });
  return buildBatch(records);
}

/** Splits concatenated batches into their individual buffers. */
export function splitBatches(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let p = 0; p < buf.length; ) {
    const size = 12 + buf.readInt32BE(p + 8);
    out.push(buf.subarray(p, p + size));
    p += size;
  }
  return out;
}

export function baseOffsetOf(batch: Buffer): number {
  return Number(batch.readBigInt64BE(0));
}
