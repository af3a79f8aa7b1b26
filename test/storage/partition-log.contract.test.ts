// The partition log's contract, run against every filesystem implementation (nats-server style).
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { batchCrcIsValid, batchMaxTimestamp } from '../../src/protocol/records/batch-header.js';
import type { FsFixture } from './helpers/fs-impls.js';
import { fsImplementations } from './helpers/fs-impls.js';
import { baseOffsetOf, buildBatch, simpleBatch } from './helpers/batches.js';
import { FakeClock, openTestLog, readAll } from './helpers/logs.js';

for (const impl of fsImplementations) {
  describe(`partition log contract (${impl.name} fs)`, () => {
    let fx: FsFixture;
    beforeEach(() => {
      fx = impl.make();
    });
    afterEach(() => fx.cleanup());

    it('assigns consecutive offsets and reads the stored bytes back', async () => {
      const { log } = await openTestLog(fx.fs, fx.root);
      const a = await log.append(simpleBatch(3, 10), { durable: true });
      const b = await log.append(Buffer.concat([simpleBatch(2, 10), simpleBatch(4, 10)]), { durable: true });
      assert.deepEqual(a, { baseOffset: 0, lastOffset: 2, logAppendTimeMs: -1 });
      assert.deepEqual(b, { baseOffset: 3, lastOffset: 8, logAppendTimeMs: -1 });
      assert.equal(log.logEndOffset, 9);
      assert.equal(log.highWatermark, 9);
      const batches = await readAll(log);
      assert.deepEqual(batches.map(baseOffsetOf), [0, 3, 5]);
      for (const bt of batches) assert.ok(batchCrcIsValid(bt, 0));
      await log.close();
    });

    it('serves from the batch holding the offset, batch-aligned, at least one batch', async () => {
      const { log } = await openTestLog(fx.fs, fx.root, { config: { 'index.interval.bytes': 100 } });
      for (let i = 0; i < 20; i++) await log.append(simpleBatch(5, 50), { durable: true });
      const r = await log.read(37, 10);
      assert.equal(r.kind, 'records');
      if (r.kind !== 'records') return;
      assert.equal(r.chunks.length, 1);
      assert.equal(baseOffsetOf(r.chunks[0]!), 35);
      assert.equal(r.bytes, r.chunks[0]!.length);
      assert.equal(r.nextOffset, 40);
      const big = await log.read(0, 1000);
      assert.ok(big.kind === 'records' && big.bytes <= 1000 && big.bytes > 0);
      if (big.kind === 'records') assert.equal(big.bytes % simpleBatch(5, 50).length, 0);
      await log.close();
    });

    it('reports offsets out of range and returns nothing at the high watermark', async () => {
      const { log } = await openTestLog(fx.fs, fx.root);
      await log.append(simpleBatch(2, 5), { durable: true });
      assert.equal((await log.read(3, 100)).kind, 'offset-out-of-range');
      const atEnd = await log.read(2, 100);
      assert.ok(atEnd.kind === 'records' && atEnd.chunks.length === 0);
      await log.close();
    });

    it('answers a read from the tail cache without waiting, the same bytes read() returns; null when storage must be read', async () => {
      const batch = simpleBatch(5, 50);
      // Room for the last four appends only: the earlier ones are on disk and no longer cached.
      const { log } = await openTestLog(fx.fs, fx.root, { tailCacheBytes: batch.length * 4 });
      for (let i = 0; i < 10; i++) await log.append(simpleBatch(5, 50), { durable: true });
      for (const [offset, maxBytes] of [
        [37, 10],
        [45, 10_000],
        [30, batch.length * 2],
      ] as const) {
        const now = log.readCached(offset, maxBytes);
        const later = await log.read(offset, maxBytes);
        assert.ok(now && now.kind === 'records' && later.kind === 'records', `offset ${offset}`);
        assert.deepEqual(Buffer.concat(now.chunks), Buffer.concat(later.chunks));
        assert.equal(now.nextOffset, later.nextOffset);
        assert.equal(now.highWatermark, 50);
      }
      // Bounded by a last stable offset (READ_COMMITTED), as read()'s maxOffset: batches from 40 and 45 are past it.
      const bounded = log.readCached(30, 10_000, 40);
      const boundedLater = await log.read(30, 10_000, { maxOffset: 40 });
      assert.ok(bounded && bounded.kind === 'records' && boundedLater.kind === 'records');
      assert.deepEqual(Buffer.concat(bounded.chunks), Buffer.concat(boundedLater.chunks));
      assert.equal(bounded.nextOffset, 40);
      assert.equal(bounded.highWatermark, 50);
      const atBound = log.readCached(40, 10_000, 40);
      assert.ok(atBound && atBound.kind === 'records' && atBound.chunks.length === 0 && atBound.nextOffset === 40);
      assert.equal(log.readCached(3, 10_000), null, 'evicted from the cache: storage must be read');
      assert.equal(log.readCached(51, 100), null, 'out of range: read() reports it');
      const atEnd = log.readCached(50, 100);
      assert.ok(atEnd && atEnd.kind === 'records' && atEnd.chunks.length === 0 && atEnd.nextOffset === 50);
      await log.close();
      assert.equal(log.readCached(45, 100), null, 'closed: read() reports it');
    });

    it('rejects corrupt, oversized and empty input without writing', async () => {
      const { log } = await openTestLog(fx.fs, fx.root, { config: { 'max.message.bytes': 500 } });
      const bad = simpleBatch(2, 10);
      bad[bad.length - 1] ^= 1;
      await assert.rejects(log.append(bad, { durable: true }), { kind: 'corrupt-message', kafkaErrorCode: 2 });
      await assert.rejects(log.append(simpleBatch(10, 100), { durable: true }), { kind: 'message-too-large' });
      await assert.rejects(log.append(Buffer.alloc(0), { durable: true }), { kind: 'invalid-record' });
      await assert.rejects(log.append(simpleBatch(1, 5).subarray(0, 30), { durable: true }), { kind: 'corrupt-message' });
      assert.equal(log.logEndOffset, 0);
      await log.close();
    });

    it('stamps LogAppendTime with a valid CRC', async () => {
      const clock = new FakeClock(1_800_000_000_000);
      const { log } = await openTestLog(fx.fs, fx.root, { clock, config: { 'message.timestamp.type': 'LogAppendTime' } });
      const r = await log.append(simpleBatch(2, 5, 1000), { durable: true });
      assert.equal(r.logAppendTimeMs, clock.ms);
      const [bt] = await readAll(log);
      assert.equal(batchMaxTimestamp(bt!, 0), clock.ms);
      assert.ok(batchCrcIsValid(bt!, 0));
      await log.close();
    });

    it('rolls segments at segment.bytes and keeps everything across a clean reopen', async () => {
      const clock = new FakeClock();
      const cfg = { 'segment.bytes': 1000, 'index.interval.bytes': 200 };
      let { log } = await openTestLog(fx.fs, fx.root, { config: cfg, clock });
      for (let i = 0; i < 30; i++) await log.append(simpleBatch(2, 80, clock.ms + i * 10), { durable: i % 3 === 0 });
      await log.flush();
      assert.ok(log.segmentCount > 5, `segments: ${log.segmentCount}`);
      const before = await readAll(log);
      await log.close();
      ({ log } = await openTestLog(fx.fs, fx.root, { config: cfg, clock, clean: true }));
      assert.equal(log.logEndOffset, 60);
      assert.deepEqual(await readAll(log), before);
      const mid = await log.read(31, 1);
      assert.ok(mid.kind === 'records' && baseOffsetOf(mid.chunks[0]!) === 30);
      await log.append(simpleBatch(1, 5), { durable: true });
      assert.equal(log.logEndOffset, 61);
      await log.close();
    });

    it('recovers an unclean stop without losing durable data', async () => {
      const cfg = { 'segment.bytes': 1000 };
      let { log } = await openTestLog(fx.fs, fx.root, { config: cfg });
      for (let i = 0; i < 25; i++) await log.append(simpleBatch(3, 40), { durable: true });
      const before = await readAll(log);
      // no close(): reopen as after a crash of the process
      ({ log } = await openTestLog(fx.fs, fx.root, { config: cfg, clean: false }));
      assert.equal(log.logEndOffset, 75);
      assert.deepEqual(await readAll(log), before);
      assert.equal(log.recovery.bytesTruncated, 0);
      await log.close();
    });

    it('finds offsets by timestamp, latest, earliest and max timestamp', async () => {
      const { log } = await openTestLog(fx.fs, fx.root, { config: { 'segment.bytes': 700, 'index.interval.bytes': 100 } });
      // batch i holds records with timestamps 1000 + 10*i .. + 4
      for (let i = 0; i < 12; i++) await log.append(simpleBatch(5, 20, 1000 + 10 * i), { durable: true });
      await log.append(buildBatch([{ value: Buffer.from('x'), timestamp: 5000 }, { value: Buffer.from('y'), timestamp: 1200 }]), { durable: true });
      assert.deepEqual(await log.offsetForTimestamp(0), { offset: 0, timestamp: 1000 });
      assert.deepEqual(await log.offsetForTimestamp(1033), { offset: 18, timestamp: 1033 });
      assert.deepEqual(await log.offsetForTimestamp(1036), { offset: 20, timestamp: 1040 });
      assert.deepEqual(await log.offsetForTimestamp(1115), { offset: 60, timestamp: 5000 });
      assert.equal(await log.offsetForTimestamp(5001), null);
      assert.deepEqual(await log.maxTimestampOffset(), { offset: 60, timestamp: 5000 });
      assert.equal(log.earliestOffset(), 0);
      assert.equal(log.latestOffset(), 62);
      await log.close();
    });

    it('advances the log start offset with DeleteRecords, durably', async () => {
      const cfg = { 'segment.bytes': 600 };
      let { log } = await openTestLog(fx.fs, fx.root, { config: cfg });
      for (let i = 0; i < 20; i++) await log.append(simpleBatch(2, 50), { durable: true });
      const segs = log.segmentCount;
      assert.equal(await log.deleteRecordsBefore(25), 25);
      assert.ok(log.segmentCount < segs);
      assert.equal((await log.read(24, 100)).kind, 'offset-out-of-range');
      const r = await log.read(25, 1);
      assert.ok(r.kind === 'records' && baseOffsetOf(r.chunks[0]!) === 24);
      await assert.rejects(log.deleteRecordsBefore(41), { kind: 'offset-out-of-range' });
      ({ log } = await openTestLog(fx.fs, fx.root, { config: cfg }));
      assert.equal(log.logStartOffset, 25);
      await log.close();
    });

    it('applies size and time retention to whole inactive segments', async () => {
      const clock = new FakeClock(10_000_000);
      const cfg = { 'segment.bytes': 500, 'retention.bytes': 1500, 'retention.ms': 60_000 };
      const { log } = await openTestLog(fx.fs, fx.root, { config: cfg, clock });
      for (let i = 0; i < 30; i++) await log.append(simpleBatch(1, 100, clock.ms), { durable: true });
      const total = log.sizeInBytes;
      const r1 = await log.applyRetention(clock.ms);
      assert.ok(r1.segmentsDeleted > 0);
      assert.ok(log.sizeInBytes >= 1500 - 500 && log.sizeInBytes < total, `size ${log.sizeInBytes}`);
      assert.equal(log.logStartOffset, log.segmentBaseOffsets[0]);
      clock.advance(60_001);
      await log.applyRetention(clock.ms);
      assert.equal(log.segmentCount, 1, 'only the active segment is left');
      assert.equal((await readAll(log)).length, (log.logEndOffset - log.logStartOffset));
      await log.close();
    });

    it('rolls an idle segment after segment.ms in maintenance', async () => {
      const clock = new FakeClock();
      const { log } = await openTestLog(fx.fs, fx.root, { config: { 'segment.ms': 1000 }, clock });
      await log.append(simpleBatch(1, 10), { durable: true });
      await log.maintenance(clock.ms + 10);
      assert.equal(log.segmentCount, 1);
      clock.advance(1000);
      await log.maintenance(clock.ms);
      assert.equal(log.segmentCount, 2);
      await log.append(simpleBatch(1, 10), { durable: true });
      assert.equal(log.logEndOffset, 2);
      await log.close();
    });

    it('wakes append listeners when the high watermark moves, for durable and non-durable appends', async () => {
      const { log } = await openTestLog(fx.fs, fx.root, { tailCacheBytes: 1 << 16 });
      const seen: number[] = [];
      const off = log.addAppendListener(() => seen.push(log.highWatermark));
      await log.append(simpleBatch(1, 10), { durable: true });
      await log.append(simpleBatch(1, 10), { durable: false });
      await log.flush();
      off();
      await log.append(simpleBatch(1, 10), { durable: true });
      assert.deepEqual(seen, [1, 2]);
      const r = await log.read(0, 1 << 20);
      assert.ok(r.kind === 'records' && r.chunks.length >= 1);
      await log.close();
    });

    it('shares fsyncs between concurrent durable appends (group commit)', async () => {
      const { log } = await openTestLog(fx.fs, fx.root);
      await Promise.all(Array.from({ length: 64 }, () => log.append(simpleBatch(1, 100), { durable: true })));
      assert.equal(log.highWatermark, 64);
      assert.ok(log.flushRounds < 64, `rounds: ${log.flushRounds}`);
      await log.close();
    });

    it("under the 'written' policy exposes data after the write and flushes on flush.messages", async () => {
      const { log } = await openTestLog(fx.fs, fx.root, { policy: 'written', config: { 'flush.messages': 3 } });
      await log.append(simpleBatch(1, 10), { durable: false });
      assert.equal(log.highWatermark, 1);
      assert.equal(log.flushRounds, 0);
      await log.append(simpleBatch(2, 10), { durable: false });
      await log.flush();
      assert.ok(log.flushRounds >= 1);
      await log.close();
    });
  });
}
