// Property tests: the sparse indexes and offset-for-timestamp against naive models.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OffsetIndex } from '../../src/storage/offset-index.js';
import { TimeIndex } from '../../src/storage/time-index.js';
import { MemoryFileSystem } from '../../src/storage/fs/memory-file-system.js';
import { buildBatch } from './helpers/batches.js';
import { openTestLog } from './helpers/logs.js';

describe('index properties', () => {
  it('OffsetIndex.lookup is the floor entry, and survives serialize/parse', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { maxLength: 200 }), fc.integer({ min: 0, max: 10_100 }), (rels, target) => {
        const sorted = [...rels].sort((a, b) => a - b);
        const index = new OffsetIndex(1000, 4);
        sorted.forEach((r, i) => index.append(1000 + r, i * 10 + 1));
        const floor = [...sorted.entries()].filter(([, r]) => r <= target).pop();
        const expected = floor ? { offset: 1000 + floor[1], position: floor[0] * 10 + 1 } : { offset: 1000, position: 0 };
        assert.deepEqual(index.lookup(1000 + target), expected);
        const parsed = OffsetIndex.parse(1000, index.serialize(), sorted.length * 10 + 2);
        assert.ok(parsed);
        assert.deepEqual(parsed.lookup(1000 + target), expected);
      }),
    );
  });

  it('TimeIndex.scanStart never skips a batch whose max timestamp reaches the target', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 100 }), fc.integer({ min: -5, max: 1005 }), (maxes, target) => {
        // batch i has offset i and max timestamp maxes[i]; index every batch (interval 0)
        const index = new TimeIndex(0);
        let running = -1;
        let at = -1;
        maxes.forEach((m, i) => {
          if (m > running) {
            running = m;
            at = i;
          }
          index.maybeAppend(running, at);
        });
        const firstHit = maxes.findIndex((m) => m >= target);
        const start = index.scanStart(target);
        if (firstHit >= 0) assert.ok(start <= firstHit, `start ${start} after first hit ${firstHit}`);
      }),
    );
  });

  it('offsetForTimestamp matches a naive scan of the records', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: -10, max: 510 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 300 }),
        async (batches, targets, interval) => {
          const fs = new MemoryFileSystem();
          const { log } = await openTestLog(fs, '/d', { config: { 'segment.bytes': 400, 'index.interval.bytes': interval } });
          const records: number[] = [];
          for (const ts of batches) {
            await log.append(buildBatch(ts.map((t) => ({ value: Buffer.from('v'), timestamp: t }))), { durable: true });
            records.push(...ts);
          }
          for (const t of targets) {
            const i = records.findIndex((r) => r >= t);
            const expected = i < 0 ? null : { offset: i, timestamp: records[i]! };
            assert.deepEqual(await log.offsetForTimestamp(t), expected);
          }
          const max = Math.max(...records);
          assert.deepEqual(await log.maxTimestampOffset(), { offset: records.indexOf(max), timestamp: max });
          await log.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
