import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../../../src/protocol/decode-error.js';
import { buildRecordBatch, type BatchOptions } from '../../../src/protocol/records/batch-builder.js';
import * as h from '../../../src/protocol/records/batch-header.js';
import { buildEndTransactionMarker, parseEndTransactionMarker } from '../../../src/protocol/records/control-batch.js';
import type { RecordInput } from '../../../src/protocol/records/record.js';
import { readRecords } from '../../../src/protocol/records/record-reader.js';

const bytesOrNull = fc.option(fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)), { nil: null });
const recordArb: fc.Arbitrary<RecordInput> = fc.record({
  key: bytesOrNull,
  value: bytesOrNull,
  headers: fc.array(fc.record({ key: fc.string({ maxLength: 10 }), value: bytesOrNull }), { maxLength: 3 }),
  timestamp: fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }),
});

test('builder -> reader round trip for every codec (null keys/values, headers, empty batches)', () => {
  fc.assert(
    fc.property(fc.array(recordArb, { maxLength: 30 }), fc.integer({ min: 0, max: 4 }), fc.nat(2 ** 40), (records, compression, baseOffset) => {
      const batch = buildRecordBatch(records, { compression, baseOffset, timestamp: 1_700_000_000_000 });
      assert.equal(h.batchCrcIsValid(batch), true);
      const read = readRecords(batch);
      assert.equal(read.length, records.length);
      read.forEach((r, i) => {
        const input = records[i]!;
        assert.equal(r.offset, baseOffset + i);
        assert.equal(r.timestamp, input.timestamp);
        assert.deepEqual(r.key, input.key);
        assert.deepEqual(r.value, input.value);
        assert.deepEqual(r.headers, (input.headers ?? []).map((hd) => ({ key: hd.key, value: hd.value })));
      });
    }),
    { numRuns: 150 },
  );
});

test('a batch of many records round-trips', () => {
  const records = Array.from({ length: 5000 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.alloc(i % 50, i) }));
  for (const compression of [0, 1, 2, 3, 4]) {
    const read = readRecords(buildRecordBatch(records, { compression }));
    assert.equal(read.length, 5000);
    assert.deepEqual(read[4999]!.value, records[4999]!.value);
  }
});

test('header view accessors return the builder inputs', () => {
  fc.assert(
    fc.property(
      fc.record({
        baseOffset: fc.nat(2 ** 50),
        compression: fc.integer({ min: 0, max: 4 }),
        producerId: fc.integer({ min: -1, max: 2 ** 50 }),
        producerEpoch: fc.integer({ min: -1, max: 32767 }),
        baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
        transactional: fc.boolean(),
        control: fc.boolean(),
        timestampType: fc.constantFrom(0, 1),
        timestamp: fc.nat(2 ** 45),
        partitionLeaderEpoch: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
      }),
      fc.integer({ min: 0, max: 5 }),
      (o: Required<Omit<BatchOptions, 'lastOffsetDelta'>>, n) => {
        const batch = buildRecordBatch(Array.from({ length: n }, () => ({ value: Buffer.from('v') })), o);
        assert.equal(h.batchBaseOffset(batch), o.baseOffset);
        assert.equal(h.batchTotalSize(batch), batch.length);
        assert.equal(h.batchMagic(batch), 2);
        assert.equal(h.batchCompression(batch), o.compression);
        assert.equal(h.batchProducerId(batch), o.producerId);
        assert.equal(h.batchProducerEpoch(batch), o.producerEpoch);
        assert.equal(h.batchBaseSequence(batch), o.baseSequence);
        assert.equal(h.batchIsTransactional(batch), o.transactional);
        assert.equal(h.batchIsControl(batch), o.control);
        assert.equal(h.batchTimestampType(batch), o.timestampType);
        assert.equal(h.batchBaseTimestamp(batch), o.timestamp);
        assert.equal(h.batchMaxTimestamp(batch), o.timestamp);
        assert.equal(h.batchPartitionLeaderEpoch(batch), o.partitionLeaderEpoch);
        assert.equal(h.batchRecordCount(batch), n);
        assert.equal(h.batchLastOffsetDelta(batch), Math.max(0, n - 1));
        assert.equal(h.batchCrcIsValid(batch), true);
      },
    ),
    { numRuns: 100 },
  );
});

test('setBatchBaseOffset and setLogAppendTime keep the CRC valid; records then carry the append time', () => {
  const batch = buildRecordBatch([{ value: Buffer.from('a'), timestamp: 5 }, { value: Buffer.from('b'), timestamp: 9 }], { compression: 3 });
  h.setBatchBaseOffset(batch, 0, 123456789012);
  assert.equal(h.batchCrcIsValid(batch), true);
  h.setLogAppendTime(batch, 0, 1_700_000_000_123);
  assert.equal(h.batchCrcIsValid(batch), true);
  assert.equal(h.batchTimestampType(batch), 1);
  assert.equal(h.batchMaxTimestamp(batch), 1_700_000_000_123);
  assert.equal(h.batchBaseTimestamp(batch), 1_700_000_000_123);
  assert.deepEqual(readRecords(batch).map((r) => [r.offset, r.timestamp]), [
    [123456789012, 1_700_000_000_123],
    [123456789013, 1_700_000_000_123],
  ]);
  batch[batch.length - 1]! ^= 1;
  assert.equal(h.batchCrcIsValid(batch), false);
});

test('forEachBatch walks concatenated batches and reports torn tails and legacy magic', () => {
  const a = buildRecordBatch([{ value: Buffer.from('x') }]);
  const b = buildRecordBatch([{ value: Buffer.alloc(100) }, { key: null }], { compression: 1 });
  const log = Buffer.concat([a, b, a]);
  const seen: [number, number][] = [];
  h.forEachBatch(log, 0, log.length, (pos, size) => seen.push([pos, size]));
  assert.deepEqual(seen, [[0, a.length], [a.length, b.length], [a.length + b.length, a.length]]);
  const kind = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof DecodeError);
      return err.kind;
    }
    return 'ok';
  };
  assert.equal(kind(() => h.forEachBatch(log, 0, log.length - 1, () => {})), 'truncated');
  assert.equal(kind(() => h.forEachBatch(log, 0, a.length + 5, () => {})), 'truncated');
  const legacy = Buffer.from(a);
  legacy.writeInt8(1, h.MAGIC_OFFSET);
  assert.equal(kind(() => h.forEachBatch(legacy, 0, legacy.length, () => {})), 'unsupported');
  assert.equal(kind(() => readRecords(legacy, 0, { verifyCrc: false })), 'unsupported');
  const short = Buffer.from(a);
  short.writeInt32BE(3, h.BATCH_LENGTH_OFFSET);
  assert.equal(kind(() => h.forEachBatch(short, 0, short.length, () => {})), 'bad-length');
});

test('reader rejects inconsistent record counts and offset deltas', () => {
  const batch = buildRecordBatch([{ value: Buffer.from('a') }, { value: Buffer.from('b') }]);
  const tamper = (edit: (b: Buffer) => void) => {
    const copy = Buffer.from(batch);
    edit(copy);
    h.updateBatchCrc(copy);
    return copy;
  };
  assert.throws(() => readRecords(tamper((b) => b.writeInt32BE(3, h.RECORD_COUNT_OFFSET))), DecodeError);
  assert.throws(() => readRecords(tamper((b) => b.writeInt32BE(1, h.RECORD_COUNT_OFFSET))), DecodeError);
  assert.throws(() => readRecords(tamper((b) => b.writeInt32BE(0, h.LAST_OFFSET_DELTA_OFFSET))), DecodeError);
  assert.throws(() => readRecords(tamper((b) => b.writeInt32BE(2 ** 31 - 1, h.RECORD_COUNT_OFFSET))), DecodeError);
  assert.throws(() => readRecords(batch, 0, { maxRecordCount: 1 }), (e: unknown) => e instanceof DecodeError && e.kind === 'too-large');
  // a compacted batch keeps its offset range: lastOffsetDelta past the last record is fine
  assert.equal(readRecords(tamper((b) => b.writeInt32BE(7, h.LAST_OFFSET_DELTA_OFFSET))).length, 2);
});

test('fuzz: mutated and truncated batches fail only with DecodeError', () => {
  const samples = [0, 1, 2, 3, 4].map((compression) =>
    buildRecordBatch(
      [
        { key: Buffer.from('key'), value: Buffer.from('value'), headers: [{ key: 'h', value: null }] },
        { key: null, value: Buffer.alloc(300, 7) },
      ],
      { compression },
    ),
  );
  fc.assert(
    fc.property(
      fc.constantFrom(...samples),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      fc.nat(),
      fc.boolean(),
      (sample, edits, cut, truncate) => {
        let batch = Buffer.from(sample);
        for (const [at, byte] of edits) batch[h.BATCH_OVERHEAD + (at % (batch.length - h.BATCH_OVERHEAD))] = byte;
        if (truncate) batch = batch.subarray(0, cut % batch.length);
        try {
          readRecords(batch, 0, { verifyCrc: false, maxDecompressedBytes: 1 << 20 });
        } catch (err) {
          assert.ok(err instanceof DecodeError, String(err));
        }
      },
    ),
    { numRuns: 1500 },
  );
});

test('control batches: COMMIT and ABORT markers round-trip', () => {
  for (const type of [0, 1] as const) {
    const batch = buildEndTransactionMarker(type, { producerId: 42, producerEpoch: 3, coordinatorEpoch: 17, baseOffset: 100 });
    assert.equal(h.batchIsControl(batch), true);
    assert.equal(h.batchIsTransactional(batch), true);
    assert.equal(h.batchProducerId(batch), 42);
    assert.deepEqual(parseEndTransactionMarker(batch), { type, coordinatorEpoch: 17 });
  }
  assert.throws(() => parseEndTransactionMarker(buildRecordBatch([{ value: Buffer.from('x') }])), DecodeError);
});
