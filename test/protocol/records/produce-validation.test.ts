import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRecordBatch, type BatchOptions } from '../../../src/protocol/records/batch-builder.js';
import * as h from '../../../src/protocol/records/batch-header.js';
import { buildEndTransactionMarker } from '../../../src/protocol/records/control-batch.js';
import type { RecordInput } from '../../../src/protocol/records/record.js';
import { validateProduceRecords, type ProduceValidationOptions } from '../../../src/protocol/records/produce-validation.js';

const opts: ProduceValidationOptions = { maxMessageBytes: 1048588 };
const two: RecordInput[] = [{ key: Buffer.from('k'), value: Buffer.from('a') }, { key: null, value: Buffer.from('b') }];
const good = (o: BatchOptions = {}) => buildRecordBatch(two, o);

/** Applies an edit, then re-signs the batch so only the edited field is wrong. */
function tampered(edit: (b: Buffer) => void, batch = good()): Buffer {
  const copy = Buffer.from(batch);
  edit(copy);
  h.updateBatchCrc(copy);
  return copy;
}

test('well-formed batches from every codec are accepted', () => {
  for (const compression of [0, 1, 2, 3, 4]) assert.equal(validateProduceRecords(good({ compression }), opts), null);
  assert.equal(validateProduceRecords(good({ producerId: 5, producerEpoch: 0, baseSequence: 0 }), opts), null);
});

test('framing: no batch, short length, second batch, trailing bytes', () => {
  assert.equal(validateProduceRecords(Buffer.alloc(0), opts), 'INVALID_RECORD');
  assert.equal(validateProduceRecords(good().subarray(0, 40), opts), 'INVALID_RECORD');
  assert.equal(validateProduceRecords(tampered((b) => b.writeInt32BE(10, h.BATCH_LENGTH_OFFSET)), opts), 'CORRUPT_MESSAGE');
  assert.equal(validateProduceRecords(Buffer.concat([good(), good()]), opts), 'INVALID_RECORD');
  assert.equal(validateProduceRecords(Buffer.concat([good(), Buffer.alloc(3)]), opts), 'INVALID_RECORD');
});

test('magic: v0/v1 message sets are INVALID_RECORD, nonsense magic is CORRUPT_MESSAGE', () => {
  // a v1 message: offset, size, crc, magic 1, attributes, timestamp, key -1, value "x"
  const v1 = Buffer.alloc(12 + 4 + 1 + 1 + 8 + 4 + 4 + 1);
  v1.writeInt32BE(v1.length - 12, 8);
  v1.writeInt8(1, 16);
  v1.writeInt32BE(-1, 26);
  v1.writeInt32BE(1, 30);
  assert.equal(validateProduceRecords(v1, opts), 'INVALID_RECORD');
  assert.equal(validateProduceRecords(tampered((b) => b.writeInt8(0, h.MAGIC_OFFSET)), opts), 'INVALID_RECORD');
  assert.equal(validateProduceRecords(tampered((b) => b.writeInt8(3, h.MAGIC_OFFSET)), opts), 'CORRUPT_MESSAGE');
});

test('size, CRC, codec and base offset', () => {
  assert.equal(validateProduceRecords(good(), { maxMessageBytes: 50 }), 'MESSAGE_TOO_LARGE');
  const flipped = good();
  flipped[flipped.length - 1]! ^= 0xff;
  assert.equal(validateProduceRecords(flipped, opts), 'CORRUPT_MESSAGE');
  assert.equal(validateProduceRecords(tampered((b) => b.writeInt16BE(6, h.ATTRIBUTES_OFFSET)), opts), 'UNSUPPORTED_COMPRESSION_TYPE');
  assert.equal(validateProduceRecords(good({ compression: 4 }), { ...opts, produceVersion: 6 }), 'UNSUPPORTED_COMPRESSION_TYPE');
  assert.equal(validateProduceRecords(good({ baseOffset: 7 }), opts), 'INVALID_RECORD');
});

test('batch checks: counts, control batches, idempotent sequence', () => {
  assert.equal(validateProduceRecords(tampered((b) => b.writeInt32BE(3, h.RECORD_COUNT_OFFSET)), opts), 'INVALID_RECORD');
  assert.equal(validateProduceRecords(tampered((b) => b.writeInt32BE(2, h.LAST_OFFSET_DELTA_OFFSET)), opts), 'INVALID_RECORD');
  assert.equal(validateProduceRecords(tampered((b) => b.writeInt32BE(-1, h.LAST_OFFSET_DELTA_OFFSET)), opts), 'INVALID_RECORD');
  // header consistent (count 3, lastOffsetDelta 2) but only two records present
  const missing = tampered((b) => {
    b.writeInt32BE(3, h.RECORD_COUNT_OFFSET);
    b.writeInt32BE(2, h.LAST_OFFSET_DELTA_OFFSET);
  });
  assert.equal(validateProduceRecords(missing, opts), 'INVALID_RECORD');
  const missingCompressed = tampered((b) => {
    b.writeInt32BE(3, h.RECORD_COUNT_OFFSET);
    b.writeInt32BE(2, h.LAST_OFFSET_DELTA_OFFSET);
  }, good({ compression: 4 }));
  assert.equal(validateProduceRecords(missingCompressed, opts), 'INVALID_RECORD');
  const marker = buildEndTransactionMarker(1, { producerId: 1, producerEpoch: 0, coordinatorEpoch: 0 });
  assert.equal(validateProduceRecords(marker, opts), 'INVALID_RECORD');
  assert.equal(validateProduceRecords(good({ producerId: 9, producerEpoch: 0, baseSequence: -1 }), opts), 'INVALID_RECORD');
});

test('records: malformed structure, wrong offset deltas, compacted topics, timestamps', () => {
  // record 0's length varint claims one byte more than it has
  const broken = tampered((b) => (b[h.RECORDS_OFFSET] = b[h.RECORDS_OFFSET]! + 2));
  assert.equal(validateProduceRecords(broken, opts), 'INVALID_RECORD');
  // offset delta of the second record (byte after its length, attributes and 1-byte timestamp delta)
  const firstLength = good()[h.RECORDS_OFFSET]! / 2;
  const secondDelta = h.RECORDS_OFFSET + 1 + firstLength + 3;
  assert.equal(validateProduceRecords(tampered((b) => (b[secondDelta] = 2 * 1)), opts), null);
  assert.equal(validateProduceRecords(tampered((b) => (b[secondDelta] = 0)), opts), 'INVALID_RECORD');
  assert.equal(validateProduceRecords(good(), { ...opts, compactedTopic: true }), 'INVALID_RECORD');
  assert.equal(validateProduceRecords(buildRecordBatch([{ key: Buffer.from('k') }]), { ...opts, compactedTopic: true }), null);
  const now = 1_700_000_000_000;
  const timestamps = { type: 0, now, beforeMaxMs: 1000, afterMaxMs: 1000 };
  assert.equal(validateProduceRecords(good({ timestamp: now }), { ...opts, timestamps }), null);
  assert.equal(validateProduceRecords(good({ timestamp: now + 5000 }), { ...opts, timestamps }), 'INVALID_TIMESTAMP');
  assert.equal(validateProduceRecords(good({ timestamp: now, timestampType: 1 }), { ...opts, timestamps: { ...timestamps, type: 1 } }), 'INVALID_TIMESTAMP');
});

test('a compression bomb is MESSAGE_TOO_LARGE, undecodable compressed data INVALID_RECORD', () => {
  const bomb = buildRecordBatch([{ value: Buffer.alloc(4 * 1024 * 1024) }], { compression: 4 });
  assert.equal(validateProduceRecords(bomb, { ...opts, maxDecompressedBytes: 1024 * 1024 }), 'MESSAGE_TOO_LARGE');
  assert.equal(validateProduceRecords(good(), { ...opts, maxRecordCount: 1 }), 'MESSAGE_TOO_LARGE');
  const garbage = tampered((b) => b.fill(0x55, h.RECORDS_OFFSET), good({ compression: 1 }));
  assert.equal(validateProduceRecords(garbage, opts), 'INVALID_RECORD');
});
