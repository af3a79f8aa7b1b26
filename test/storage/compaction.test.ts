// Log compaction (log-cleaner.ts) run against every filesystem, contract style: what survives a
// clean, offsets and batch boundaries, the delete horizon, scheduling, appends and reads while
// cleaning, restart; plus exact timestamp lookups inside compressed batches and Kafka's segment.ms.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { batchBaseOffset, batchHasDeleteHorizon, batchLastOffset, batchProducerId, batchRecordCount } from '../../src/protocol/records/batch-header.js';
import { CompressionCodec } from '../../src/protocol/records/batch-header.js';
import type { FsFixture } from './helpers/fs-impls.js';
import { fsImplementations } from './helpers/fs-impls.js';
import { compactModel, keyedBatch, readKeyed } from './helpers/keyed.js';
import { FakeClock, openTestLog, readAll } from './helpers/logs.js';

const T0 = 1_700_000_000_000;
const compactConfig = { 'cleanup.policy': 'compact', 'segment.bytes': 400, 'delete.retention.ms': 1000 };

for (const impl of fsImplementations) {
  describe(`log compaction (${impl.name} fs)`, () => {
    let fx: FsFixture;
    beforeEach(() => {
      fx = impl.make();
    });
    afterEach(() => fx.cleanup());

    it('keeps the latest record per key at its original offset, then drops tombstones after the horizon', async () => {
      const clock = new FakeClock(T0);
      const { log } = await openTestLog(fx.fs, fx.root, { config: compactConfig, clock });
      for (let i = 0; i < 36; i++) {
        const key = i === 25 || i === 3 ? 'dead' : `k${i % 4}`;
        await log.append(keyedBatch([{ key, value: i === 25 ? null : `v${i}` }]), { durable: true });
      }
      await log.flush();
      const before = await readKeyed(log);
      const activeBase = log.segmentBaseOffsets.at(-1)!;
      assert.ok(log.segmentCount > 3 && activeBase > 25);
      const pass = await log.compact(clock.ms);
      assert.ok(pass && pass.reason === 'dirty-ratio' && pass.recordsRemoved > 0);
      assert.deepEqual(await readKeyed(log), compactModel(before, activeBase, false));
      // The tombstone's batch now carries a delete horizon; the last offset of every kept batch is unchanged.
      const tombBatch = (await readAll(log)).find((b) => batchBaseOffset(b) === 25)!;
      assert.ok(batchHasDeleteHorizon(tombBatch));
      assert.equal(batchLastOffset(tombBatch), 25);
      // Nothing dirty, horizon not passed: no pass.
      assert.equal(await log.compact(clock.ms + 500), null);
      clock.advance(1001);
      const second = await log.compact(clock.ms);
      assert.equal(second?.reason, 'delete-horizon');
      assert.deepEqual(await readKeyed(log), compactModel(before, activeBase, true));
      await log.close();
      // A reopened log serves the cleaned data and its checkpoint says nothing is dirty.
      const { log: again } = await openTestLog(fx.fs, fx.root, { config: compactConfig, clock });
      assert.deepEqual(await readKeyed(again), compactModel(before, activeBase, true));
      assert.equal(await again.compact(clock.ms), null);
      await again.close();
    });

    it('re-encodes compressed batches with their codec and keeps base offset and lastOffsetDelta', async () => {
      const clock = new FakeClock(T0);
      const { log } = await openTestLog(fx.fs, fx.root, { config: { ...compactConfig, 'segment.bytes': 300 }, clock });
      for (const codec of [CompressionCodec.Gzip, CompressionCodec.Zstd]) {
        const recs = [0, 1, 2, 3].map((i) => ({ key: `c${codec}-${i % 2}`, value: `v${i}`, timestamp: T0 + i }));
        await log.append(keyedBatch(recs, { compression: codec }), { durable: true });
      }
      for (let i = 0; i < 6; i++) await log.append(keyedBatch([{ key: 'pad', value: `p${i}` }]), { durable: true });
      await log.flush();
      const before = await readKeyed(log);
      await log.compact(clock.ms);
      const batches = await readAll(log);
      const first = batches[0]!;
      assert.equal(batchBaseOffset(first), 0);
      assert.equal(batchLastOffset(first), 3);
      assert.equal(batchRecordCount(first), 2);
      assert.equal(first.readInt16BE(21) & 7, CompressionCodec.Gzip);
      assert.equal(batches[1]!.readInt16BE(21) & 7, CompressionCodec.Zstd);
      assert.deepEqual(await readKeyed(log), compactModel(before, log.segmentBaseOffsets.at(-1)!, false));
      await log.close();
    });

    it("retains an idempotent producer's last batch as an empty batch", async () => {
      const { log } = await openTestLog(fx.fs, fx.root, { config: compactConfig });
      await log.append(keyedBatch([{ key: 'a', value: '1' }], { producerId: 7 }), { durable: true });
      await log.append(keyedBatch([{ key: 'a', value: '2' }]), { durable: true });
      for (let i = 0; i < 8; i++) await log.append(keyedBatch([{ key: `z${i}`, value: 'x'.repeat(40) }]), { durable: true });
      await log.flush();
      await log.compact();
      const kept = (await readAll(log)).find((b) => batchBaseOffset(b) === 0);
      assert.ok(kept, 'the emptied batch of producer 7 is retained');
      assert.equal(batchRecordCount(kept), 0);
      assert.equal(batchProducerId(kept), 7);
      await log.close();
    });

    it('waits for min.compaction.lag.ms and the dirty ratio, and honours max.compaction.lag.ms', async () => {
      const clock = new FakeClock(T0);
      const config = { ...compactConfig, 'min.compaction.lag.ms': 10_000, 'min.cleanable.dirty.ratio': 0.99 };
      const { log } = await openTestLog(fx.fs, fx.root, { config, clock });
      for (let i = 0; i < 12; i++) await log.append(keyedBatch([{ key: 'k', value: `v${i}`, timestamp: T0 }]), { durable: true });
      await log.flush();
      assert.equal(await log.compact(T0 + 5_000), null, 'records younger than the minimum lag stay');
      assert.equal((await log.compact(T0 + 20_000))?.reason, 'dirty-ratio');
      for (let i = 0; i < 12; i++) await log.append(keyedBatch([{ key: 'k', value: `w${i}`, timestamp: T0 }]), { durable: true });
      await log.flush();
      log.updateConfig({ ...log.logConfig, minCleanableDirtyRatio: 1, minCompactionLagMs: 0, maxCompactionLagMs: 60_000 });
      assert.equal(await log.compact(T0 + 30_000), null, 'ratio not reached, max lag not exceeded');
      assert.equal((await log.compact(T0 + 70_000))?.reason, 'max-lag');
      await log.close();
    });

    it('keeps serving appends and reads while cleaning', async () => {
      const { log } = await openTestLog(fx.fs, fx.root, { config: compactConfig });
      for (let i = 0; i < 40; i++) await log.append(keyedBatch([{ key: `k${i % 5}`, value: `v${i}` }]), { durable: true });
      await log.flush();
      const cleaning = log.compact();
      const appends = [0, 1, 2, 3, 4].map((i) => log.append(keyedBatch([{ key: `n${i}`, value: 'new' }]), { durable: true }));
      const reads = [0, 7, 19, 33].map((o) => log.read(o, 1 << 16));
      const [pass, appended, read] = await Promise.all([cleaning, Promise.all(appends), Promise.all(reads)]);
      assert.ok(pass && pass.segmentsCleaned > 0);
      assert.deepEqual(
        appended.map((a) => a.baseOffset),
        [40, 41, 42, 43, 44],
      );
      for (const r of read) assert.ok(r.kind === 'records' && r.chunks.length > 0);
      const after = await readKeyed(log);
      assert.deepEqual(after.slice(-5).map((r) => r.key), ['n0', 'n1', 'n2', 'n3', 'n4']);
      await log.close();
    });

    it('does nothing for delete-only topics and leaves a clean log as it is', async () => {
      const { log } = await openTestLog(fx.fs, fx.root, { config: { 'segment.bytes': 300 } });
      for (let i = 0; i < 10; i++) await log.append(keyedBatch([{ key: 'k', value: `v${i}` }]), { durable: true });
      await log.flush();
      assert.equal(await log.compact(), null);
      await log.close();
    });

    it('answers offsetForTimestamp with the exact record inside gzip and zstd batches', async () => {
      const { log } = await openTestLog(fx.fs, fx.root);
      for (const codec of [CompressionCodec.Gzip, CompressionCodec.Zstd]) {
        const recs = [0, 10, 20, 30].map((d, i) => ({ key: `k${i}`, value: 'v', timestamp: T0 + codec * 1000 + d }));
        await log.append(keyedBatch(recs, { compression: codec }), { durable: true });
      }
      assert.deepEqual(await log.offsetForTimestamp(T0 + 1015), { offset: 2, timestamp: T0 + 1020 });
      assert.deepEqual(await log.offsetForTimestamp(T0 + 1030), { offset: 3, timestamp: T0 + 1030 });
      assert.deepEqual(await log.offsetForTimestamp(T0 + 4001), { offset: 5, timestamp: T0 + 4010 });
      assert.deepEqual(await log.maxTimestampOffset(), { offset: 7, timestamp: T0 + 4030 });
      assert.equal(await log.offsetForTimestamp(T0 + 5000), null);
      await log.close();
    });

    it('rolls by record time as Kafka does: first batch timestamp vs incoming, not the wall clock', async () => {
      const clock = new FakeClock(T0);
      const { log } = await openTestLog(fx.fs, fx.root, { config: { 'segment.ms': 1000 }, clock });
      await log.append(keyedBatch([{ key: 'a', value: '1', timestamp: T0 }]), { durable: true });
      clock.advance(10_000); // wall time alone does not roll on append
      await log.append(keyedBatch([{ key: 'a', value: '2', timestamp: T0 + 1000 }]), { durable: true });
      assert.equal(log.segmentCount, 1, 'waited 1000 is not > segment.ms 1000');
      await log.append(keyedBatch([{ key: 'a', value: '3', timestamp: T0 + 1001 }]), { durable: true });
      assert.equal(log.segmentCount, 2, 'record time past segment.ms rolls');
      await log.close();
    });
  });
}
