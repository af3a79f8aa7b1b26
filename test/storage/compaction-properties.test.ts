// Compaction against a naive model (fast-check): random keyed appends (with tombstones, several
// codecs, multi-record batches), segment rolls from a small segment.bytes, cleaning passes at
// random times and restarts. After every pass the log must read exactly as the model: below the
// cleaned boundary the latest record per key (tombstones until their batch's delete horizon has
// passed), everything above untouched, at the original offsets, in offset order.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryFileSystem } from '../../src/storage/fs/memory-file-system.js';
import type { PartitionLog } from '../../src/storage/partition-log.js';
import { keyedBatch, readKeyed } from './helpers/keyed.js';
import type { KeyedRecord, StoredRecord } from './helpers/keyed.js';
import { FakeClock, openTestLog } from './helpers/logs.js';

const DELETE_RETENTION = 1000;

type Op =
  | { kind: 'append'; records: KeyedRecord[]; codec: number }
  | { kind: 'compact'; advanceMs: number }
  | { kind: 'reopen' };

const recordArb: fc.Arbitrary<KeyedRecord> = fc.record({
  key: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
  value: fc.option(fc.string({ minLength: 1, maxLength: 12 }), { freq: 4, nil: null }),
});
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('append' as const), records: fc.array(recordArb, { minLength: 1, maxLength: 3 }), codec: fc.constantFrom(0, 0, 1, 4) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('compact' as const), advanceMs: fc.integer({ min: 0, max: 1500 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const) }) },
);

/** The model: batches of records, each batch with its delete horizon (-1: none). */
interface ModelBatch {
  records: StoredRecord[];
  horizon: number;
}

function modelClean(batches: ModelBatch[], end: number, now: number): void {
  const latest = new Map<string | null, number>();
  for (const b of batches) for (const r of b.records) if (r.offset < end) latest.set(r.key, r.offset);
  for (const b of batches) {
    if (b.records.length === 0 || b.records[0]!.offset >= end) continue;
    b.records = b.records.filter((r) => latest.get(r.key) === r.offset && !(r.value === null && b.horizon >= 0 && now > b.horizon));
    if (b.horizon < 0 && b.records.some((r) => r.value === null)) b.horizon = now + DELETE_RETENTION;
  }
}

describe('compaction properties (memory fs)', () => {
  it('reads exactly as the naive model after every cleaning pass', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 40 }), fc.integer({ min: 250, max: 700 }), async (ops, segmentBytes) => {
        const fs = new MemoryFileSystem();
        const clock = new FakeClock();
        const config = { 'cleanup.policy': 'compact', 'segment.bytes': segmentBytes, 'delete.retention.ms': DELETE_RETENTION, 'min.cleanable.dirty.ratio': 0 };
        const open = async (): Promise<PartitionLog> => (await openTestLog(fs, '/data', { config, clock })).log;
        let log = await open();
        const model: ModelBatch[] = [];
        for (const op of [...ops, { kind: 'compact', advanceMs: 0 } as Op]) {
          if (op.kind === 'append') {
            const ts = clock.ms;
            const r = await log.append(keyedBatch(op.records, { compression: op.codec, timestamp: ts }), { durable: true });
            model.push({ records: op.records.map((rec, i) => ({ offset: r.baseOffset + i, key: rec.key, value: rec.value, timestamp: ts })), horizon: -1 });
          } else if (op.kind === 'reopen') {
            await log.close();
            log = await open();
          } else {
            clock.advance(op.advanceMs);
            await log.flush();
            const end = log.segmentBaseOffsets.at(-1)!;
            await log.compact(clock.ms);
            modelClean(model, end, clock.ms);
            assert.deepEqual(await readKeyed(log), model.flatMap((b) => b.records));
          }
        }
        await log.close();
      }),
      { numRuns: 60 },
    );
  });
});
