// The produce path's single-pass record check (record-check.ts) against the full scanner it stands in
// for: it must never accept a payload the full scanner refuses, and must accept the batches real
// producers send (so the fast path is the one that runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../../../src/protocol/decode-error.js';
import { buildRecordBatch } from '../../../src/protocol/records/batch-builder.js';
import { RECORDS_OFFSET } from '../../../src/protocol/records/batch-header.js';
import { recordsAreWellFormed } from '../../../src/protocol/records/record-check.js';
import { checkRecordCount, scanRecords } from '../../../src/protocol/records/record-reader.js';
import type { RecordInput } from '../../../src/protocol/records/record.js';

/** What produce validation's full path decides for these records: valid or not. */
function fullCheck(payload: Buffer, count: number, needKeys: boolean): boolean {
  let ok = true;
  try {
    checkRecordCount(count, payload.length);
    scanRecords(payload, count, count - 1, (scan, index) => {
      if (scan.offsetDelta !== index || (needKeys && scan.keyLength < 0)) ok = false;
    });
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return false;
  }
  return ok;
}

const bytesOrNull = fc.option(fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), { nil: null });
const recordArb: fc.Arbitrary<RecordInput> = fc.record({
  key: bytesOrNull,
  value: bytesOrNull,
  headers: fc.array(fc.record({ key: fc.string({ maxLength: 10 }), value: bytesOrNull }), { maxLength: 3 }),
  timestamp: fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }),
});
const recordsArb = fc.array(recordArb, { minLength: 1, maxLength: 20 });

test('well-formed batches are accepted by the fast check, as by the full scanner', () => {
  fc.assert(
    fc.property(recordsArb, fc.boolean(), (records, needKeys) => {
      const payload = buildRecordBatch(records, { timestamp: 1_700_000_000_000 }).subarray(RECORDS_OFFSET);
      const full = fullCheck(payload, records.length, needKeys);
      assert.equal(recordsAreWellFormed(payload, records.length, needKeys), full);
    }),
    { numRuns: 300 },
  );
});

test('mutated payloads: the fast check never accepts what the full scanner refuses', () => {
  let refused = 0;
  fc.assert(
    fc.property(
      recordsArb,
      fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: -1, max: 1 }),
      fc.integer({ min: -3, max: 3 }),
      fc.boolean(),
      (records, edits, countSkew, lengthSkew, needKeys) => {
        const original = buildRecordBatch(records, { timestamp: 1_700_000_000_000 }).subarray(RECORDS_OFFSET);
        let payload = Buffer.from(original);
        for (const { at, byte } of edits) payload[at % payload.length] = byte;
        if (lengthSkew > 0) payload = Buffer.concat([payload, Buffer.alloc(lengthSkew)]);
        if (lengthSkew < 0) payload = payload.subarray(0, Math.max(0, payload.length + lengthSkew));
        const count = Math.max(1, records.length + countSkew);
        const full = fullCheck(payload, count, needKeys);
        if (!full) refused++;
        if (recordsAreWellFormed(payload, count, needKeys)) assert.equal(full, true);
      },
    ),
    { numRuns: 2000 },
  );
  assert.ok(refused > 100, `the mutations should break most payloads (${refused} refused)`);
});

test('large batches and large values stay on the fast path (multi-byte varints)', () => {
  const many = Array.from({ length: 20_000 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.alloc(100, i) }));
  const big = [{ key: Buffer.from('k'), value: Buffer.alloc(300_000, 7), headers: [{ key: 'h', value: Buffer.alloc(20_000) }] }];
  for (const records of [many, big]) {
    const payload = buildRecordBatch(records).subarray(RECORDS_OFFSET);
    assert.equal(recordsAreWellFormed(payload, records.length, true), true);
    assert.equal(recordsAreWellFormed(payload, records.length + 1, true), false);
  }
});

test('null keys: accepted unless keys are needed; an empty key is a key', () => {
  const payload = buildRecordBatch([{ key: null, value: Buffer.from('v') }]).subarray(RECORDS_OFFSET);
  assert.equal(recordsAreWellFormed(payload, 1, false), true);
  assert.equal(recordsAreWellFormed(payload, 1, true), false);
  const empty = buildRecordBatch([{ key: Buffer.alloc(0), value: null }]).subarray(RECORDS_OFFSET);
  assert.equal(recordsAreWellFormed(empty, 1, true), true);
});
