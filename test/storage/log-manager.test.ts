// LogManager: topics, metadata, delete, clean shutdown marker, maintenance — on both filesystems.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LogManager, CLEAN_SHUTDOWN_FILE } from '../../src/storage/log-manager.js';
import { MemoryFileSystem } from '../../src/storage/fs/memory-file-system.js';
import { decodeTopicMetadata, encodeTopicMetadata } from '../../src/storage/topic-metadata-store.js';
import { memoryLogger } from '../../src/util/logger.js';
import type { FsFixture } from './helpers/fs-impls.js';
import { fsImplementations } from './helpers/fs-impls.js';
import { simpleBatch } from './helpers/batches.js';
import { FakeClock } from './helpers/logs.js';
import { compactModel, keyedBatch, readKeyed } from './helpers/keyed.js';

for (const impl of fsImplementations) {
  describe(`log manager (${impl.name} fs)`, () => {
    let fx: FsFixture;
    let clock: FakeClock;
    const open = (brokerConfig = {}): Promise<LogManager> =>
      LogManager.open({ dataDir: join(fx.root, 'data'), fs: fx.fs, now: clock.now, brokerConfig });
    beforeEach(() => {
      fx = impl.make();
      clock = new FakeClock();
    });
    afterEach(() => fx.cleanup());

    it("a 249-character topic name (Kafka's longest) is created, altered, deleted and reopened within 255-byte file names", async () => {
      const name = 'x'.repeat(249);
      let m = await open();
      await m.createTopic(name, 2, { 'retention.ms': '1000' });
      await m.getLog(name, 1)!.append(simpleBatch(2, 10), { durable: true });
      await m.alterTopicConfig(name, { 'retention.ms': '2000' });
      await m.close();
      m = await open();
      assert.equal(m.getTopic(name)?.configs['retention.ms'], '2000');
      await m.deleteTopic(name);
      const left = await fx.fs.readdir(join(fx.root, 'data'));
      assert.ok(left.every((n) => Buffer.byteLength(n) <= 255), JSON.stringify(left));
      await m.close();
      m = await open();
      assert.equal(m.getTopic(name), undefined);
      await m.createTopic(name, 1);
      await m.close();
    });

    it('creates topics with ids and configs that survive a clean restart', async () => {
      let m = await open();
      assert.equal(m.cleanStart, false);
      const t = await m.createTopic('orders', 3, { 'retention.ms': '1000' });
      assert.equal(t.topicId.length, 16);
      await assert.rejects(m.createTopic('orders', 1), { kind: 'topic-already-exists', kafkaErrorCode: 36 });
      await assert.rejects(m.createTopic('bad/name', 1), { kind: 'invalid-topic' });
      await assert.rejects(m.createTopic('x', 0), { kind: 'invalid-partitions' });
      await assert.rejects(m.createTopic('y', 1, { 'segment.bytes': 'lots' }), { kind: 'invalid-config' });
      await m.getLog('orders', 2)!.append(simpleBatch(2, 10), { durable: true });
      await m.close();
      assert.ok(await fx.fs.exists(join(fx.root, 'data', CLEAN_SHUTDOWN_FILE)));
      m = await open();
      assert.equal(m.cleanStart, true);
      assert.equal(await fx.fs.exists(join(fx.root, 'data', CLEAN_SHUTDOWN_FILE)), false, 'marker removed on open');
      assert.deepEqual(m.listTopics(), [t]);
      assert.equal(m.topicConfig('orders')!.retentionMs, 1000);
      assert.equal(m.getLog('orders', 2)!.logEndOffset, 2);
      await m.close();
    });

    it('adds partitions and alters configs atomically', async () => {
      let m = await open({ 'log.segment.bytes': 5000 });
      await m.createTopic('t', 1);
      await m.addPartitions('t', 4);
      await assert.rejects(m.addPartitions('t', 2), { kind: 'invalid-partitions' });
      await m.alterTopicConfig('t', { 'segment.bytes': '2000' });
      assert.equal(m.getLog('t', 3)!.logConfig.segmentBytes, 2000);
      await m.close();
      m = await open({ 'log.segment.bytes': 5000 });
      assert.equal(m.getTopic('t')!.partitions, 4);
      assert.deepEqual(m.getTopic('t')!.configs, { 'segment.bytes': '2000' });
      assert.equal(m.getLog('t', 0)!.logConfig.segmentBytes, 2000);
      await m.close();
    });

    it('deletes a topic: gone from metadata, directories removed, name reusable', async () => {
      let m = await open();
      await m.createTopic('gone', 2);
      await m.getLog('gone', 0)!.append(simpleBatch(1, 10), { durable: true });
      await m.deleteTopic('gone');
      await m.settled();
      assert.equal(m.getTopic('gone'), undefined);
      const names = await fx.fs.readdir(join(fx.root, 'data'));
      assert.deepEqual(names.filter((n) => n.startsWith('gone')), []);
      await m.createTopic('gone', 1);
      assert.equal(m.getLog('gone', 0)!.logEndOffset, 0);
      await m.close();
      m = await open();
      assert.equal(m.getTopic('gone')!.partitions, 1);
      await m.close();
    });

    it('runs retention and segment.ms rolls from the maintenance task with an injected clock', async () => {
      const m = await open({ 'log.retention.check.interval.ms': 0 });
      await m.createTopic('r', 1, { 'segment.bytes': '400', 'retention.ms': '10000' });
      const log = m.getLog('r', 0)!;
      for (let i = 0; i < 10; i++) await log.append(simpleBatch(1, 100, clock.ms), { durable: true });
      assert.ok(log.segmentCount > 2);
      clock.advance(10_001);
      await m.runMaintenance();
      assert.equal(log.segmentCount, 1);
      m.startBackgroundTasks(60_000);
      await m.close();
    });

    it('compacts compacted topics from maintenance (broker-level cleaner defaults apply)', async () => {
      const m = await open({ 'log.cleaner.min.cleanable.ratio': '0.1' });
      await m.createTopic('__consumer_offsets', 1, { 'cleanup.policy': 'compact', 'segment.bytes': '400' });
      const log = m.getLog('__consumer_offsets', 0)!;
      assert.equal(log.logConfig.minCleanableDirtyRatio, 0.1);
      for (let i = 0; i < 30; i++) await log.append(keyedBatch([{ key: `g${i % 3}`, value: `offset-${i}` }]), { durable: true });
      await log.flush();
      const before = await readKeyed(log);
      await m.runMaintenance();
      assert.deepEqual(await readKeyed(log), compactModel(before, log.segmentBaseOffsets.at(-1)!, false));
      await m.close();
    });
  });
}

describe('topic metadata replace and recovery (memory fs)', () => {
  it('a crash at any point of an alter leaves the old or the new config, never neither', async () => {
    const seen = new Set<string>();
    for (let ops = 0; ops < 12; ops++) {
      const fs = new MemoryFileSystem();
      let m = await LogManager.open({ dataDir: '/data', fs });
      await m.createTopic('t', 1, { 'retention.ms': '1' });
      fs.armCrash({ afterOps: ops });
      await m.alterTopicConfig('t', { 'retention.ms': '2' }).catch(() => {});
      m = await LogManager.open({ dataDir: '/data', fs: fs.restartAfterCrash('drop-unsynced') });
      const value = m.getTopic('t')?.configs['retention.ms'];
      assert.ok(value === '1' || value === '2', `after crash at op ${ops}: ${String(value)}`);
      seen.add(value);
    }
    assert.deepEqual([...seen].sort(), ['1', '2']);
  });

  it('rejects a metadata file whose CRC does not match and logs it', async () => {
    const fs = new MemoryFileSystem();
    const m = await LogManager.open({ dataDir: '/data', fs });
    const t = await m.createTopic('t', 1);
    await m.close();
    const good = encodeTopicMetadata({ ...t, configs: {} });
    assert.equal(typeof decodeTopicMetadata(good), 'object');
    const bad = Buffer.from(good.toString().replace('"partitions":1', '"partitions":7'));
    assert.equal(decodeTopicMetadata(bad), 'CRC-32C mismatch');
    const f = await fs.open('/data/meta/t.json', 'readwrite');
    await f.truncate(0);
    await f.writev([bad], 0);
    await f.close();
    const { logger, records } = memoryLogger();
    const again = await LogManager.open({ dataDir: '/data', fs, logger });
    assert.equal(again.getTopic('t'), undefined);
    assert.ok(records.some((r) => r.level === 'error' && r.msg.includes('invalid topic metadata')));
    await again.close();
  });
});
