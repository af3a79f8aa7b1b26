// One contract suite for every store implementation: mutations are logged, and a fresh store
// restored from those changelog records holds the same data. The LMDB store runs when the
// `lmdb` package is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamsError, int64, json, string, type ChangelogRecord } from '../../src/streams/index.js';
import { createStore } from '../../src/streams/stores/create-store.js';
import type { KeyValueStore, SessionStore, StoreSpec, WindowStore } from '../../src/streams/stores/store.js';

function spec<K, V>(name: string, kind: StoreSpec['kind'], key: StoreSpec<K, V>['keySerde'], value: StoreSpec<K, V>['valueSerde'], options: StoreSpec['options'] = {}): StoreSpec {
  return { name, kind, changelogTopic: `t-${name}-changelog`, keySerde: key, valueSerde: value, options } as unknown as StoreSpec;
}

function recorder(): { log: (k: Buffer, v: Buffer | null) => void; records: ChangelogRecord[] } {
  const records: ChangelogRecord[] = [];
  return { records, log: (key, value) => records.push({ offset: BigInt(records.length), key, value, timestamp: 0 }) };
}

let lmdbAvailable = true;
try {
  await import('lmdb' as string);
} catch {
  lmdbAvailable = false;
}

for (const persistent of [false, true]) {
  const label = persistent ? 'lmdb' : 'memory';
  test(`${label} key-value store: logs changes, restores from them, checkpoints on clean close`, { skip: persistent && !lmdbAvailable && 'lmdb not installed' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'brook-kv-'));
    try {
      const where = { stateDir: dir, appId: 'app', taskId: '0_0' };
      const s = spec('kv', 'key-value', string, json<{ n: number }>(), { persistent, cacheEntries: 2 });
      const a = (await createStore(s, where)) as KeyValueStore<string, { n: number }>;
      assert.equal(a.checkpoint(), undefined);
      const log = recorder();
      a.init(log);
      for (let i = 0; i < 10; i++) a.put(`k${i % 4}`, { n: i });
      a.delete('k0');
      a.delete('missing');
      assert.deepEqual(a.get('k1'), { n: 9 });
      assert.equal(a.get('k0'), undefined);
      assert.equal(log.records.length, 11);
      await a.flush();
      a.committed(11n);
      await a.close();

      const b = (await createStore(s, { ...where, taskId: persistent ? '0_0' : '0_1' })) as KeyValueStore<string, { n: number }>;
      if (persistent) {
        assert.equal(b.checkpoint(), 11n, 'clean close left a checkpoint: restore only what follows');
      } else {
        assert.equal(b.checkpoint(), undefined);
        b.restoreBatch(log.records);
      }
      assert.deepEqual(new Map(b.all()), new Map([['k1', { n: 9 }], ['k2', { n: 6 }], ['k3', { n: 7 }]]));
      b.init(recorder());
      b.put('k9', { n: 1 }); // dirty: no checkpoint on the next close
      await b.close();
      if (persistent) {
        const c = (await createStore(s, where)) as KeyValueStore<string, { n: number }>;
        assert.equal(c.checkpoint(), undefined, 'a close with uncommitted writes leaves no checkpoint');
        assert.deepEqual([...c.all()], [], 'and the local copy is discarded for a full restore');
        await c.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('memory key-value store fails clearly at maxEntries', async () => {
  const s = (await createStore(spec('small', 'key-value', string, int64, { maxEntries: 2 }), { stateDir: undefined, appId: 'a', taskId: '0_0' })) as KeyValueStore<string, number>;
  s.put('a', 1);
  s.put('b', 1);
  s.put('a', 2); // updates don't count
  assert.throws(() => s.put('c', 1), (e: unknown) => e instanceof StreamsError && e.code === 'STORE_FULL');
});

/** Start order is the contract; windows sharing a start come in no specified order. */
const byStartThenKey = <E extends { key: string; start: number }>(entries: E[]) => [...entries].sort((x, y) => x.start - y.start || x.key.localeCompare(y.key));

for (const persistent of [false, true]) {
  const label = persistent ? 'lmdb' : 'memory';
  const skip = persistent && !lmdbAvailable && 'lmdb not installed';

  test(`${label} window store: fetch, fetchAll in start order, expire, restore, checkpoint`, { skip }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'brook-window-'));
    try {
      const where = { stateDir: dir, appId: 'a', taskId: '0_0' };
      const s = spec('w', 'window', string, int64, { persistent });
      const a = (await createStore(s, where)) as WindowStore<string, number>;
      const log = recorder();
      a.init(log);
      a.put('x', 100, 1);
      a.put('y', 0, 2);
      a.put('x', 0, 3);
      a.put('x', 100, 4);
      a.put('xa', 50, 5); // a key extending another key's bytes stays separate
      assert.deepEqual(a.get('x', 100), 4);
      assert.equal(a.get('x', 50), undefined);
      assert.deepEqual(a.fetch('x', 0, 100), [[0, 3], [100, 4]]);
      assert.deepEqual(a.fetch('x', 1, 100), [[100, 4]]);
      assert.deepEqual(a.fetch('x', 0, 99), [[0, 3]]);
      const all = [{ key: 'x', start: 0, value: 3 }, { key: 'y', start: 0, value: 2 }, { key: 'xa', start: 50, value: 5 }, { key: 'x', start: 100, value: 4 }];
      assert.deepEqual(byStartThenKey(a.fetchAll(0, 1000)), all);
      assert.deepEqual(a.fetchAll(0, 1000).map((e) => e.start), [0, 0, 50, 100], 'in start order');
      assert.equal(a.approximateEntries(), 4);
      const memory = (await createStore(spec('w', 'window', string, int64), where)) as WindowStore<string, number>;
      memory.restoreBatch(log.records);
      assert.deepEqual(byStartThenKey(memory.fetchAll(0, 1000)), all, 'the changelog restores the same windows');
      assert.deepEqual(a.changelogValue?.(log.records[0]!.key) ?? int64.serialize(4), int64.serialize(4));
      a.expire(50);
      assert.equal(a.earliestStart(), 50);
      assert.deepEqual(a.fetchAll(0, 1000).map((e) => e.start), [50, 100]);
      assert.deepEqual(a.fetch('x', 0, 1000), [[100, 4]]);
      a.committed(BigInt(log.records.length));
      await a.close();
      if (persistent) {
        const b = (await createStore(s, where)) as WindowStore<string, number>;
        assert.equal(b.checkpoint(), BigInt(log.records.length), 'clean close after a commit leaves a checkpoint');
        assert.deepEqual(b.fetchAll(0, 1000).map((e) => [e.key, e.start, e.value]), [['xa', 50, 5], ['x', 100, 4]], 'and keeps the local copy');
        b.init(recorder());
        b.put('z', 7, 1); // dirty: no checkpoint on the next close
        await b.close();
        const c = (await createStore(s, where)) as WindowStore<string, number>;
        assert.equal(c.checkpoint(), undefined);
        assert.equal(c.earliestStart(), undefined, 'no checkpoint: the local copy is discarded for a full restore');
        c.restoreBatch(log.records);
        assert.deepEqual(byStartThenKey(c.fetchAll(0, 1000)), all);
        await c.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`${label} session store: put, remove, endingBy, restore with tombstones, checkpoint`, { skip }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'brook-session-'));
    try {
      const where = { stateDir: dir, appId: 'a', taskId: '0_0' };
      const s = spec('s', 'session', string, int64, { persistent });
      const a = (await createStore(s, where)) as SessionStore<string, number>;
      const log = recorder();
      a.init(log);
      a.put('k', { start: 0, end: 5 }, 1);
      a.put('k', { start: 10, end: 20 }, 2);
      a.remove('k', { start: 0, end: 5 });
      a.remove('k', { start: 0, end: 5 }); // absent: not logged
      a.put('k', { start: 0, end: 20 }, 3);
      a.remove('k', { start: 10, end: 20 });
      a.put('k2', { start: 30, end: 31 }, 4);
      a.put('k', { start: 40, end: 45 }, 5);
      assert.equal(log.records.length, 7);
      assert.deepEqual(a.sessions('k').map((e) => [e.window.start, e.window.end, e.value]), [[0, 20, 3], [40, 45, 5]]);
      assert.deepEqual(a.endingBy(31).map((e) => [e.key, e.window.end]), [['k', 20], ['k2', 31]], 'in end order');
      assert.equal(a.earliestEnd(), 20);
      const memory = (await createStore(spec('s', 'session', string, int64), where)) as SessionStore<string, number>;
      memory.restoreBatch(log.records);
      assert.deepEqual(memory.sessions('k'), a.sessions('k'));
      assert.deepEqual(memory.endingBy(100), a.endingBy(100));
      a.expire(21);
      assert.equal(a.earliestEnd(), 31);
      assert.deepEqual(a.sessions('k').map((e) => e.window.start), [40]);
      a.committed(7n);
      await a.close();
      if (persistent) {
        const b = (await createStore(s, where)) as SessionStore<string, number>;
        assert.equal(b.checkpoint(), 7n);
        assert.deepEqual(b.endingBy(100).map((e) => [e.key, e.window.start, e.value]), [['k2', 30, 4], ['k', 40, 5]]);
        b.init(recorder());
        b.remove('k2', { start: 30, end: 31 });
        await b.close();
        const c = (await createStore(s, where)) as SessionStore<string, number>;
        assert.equal(c.checkpoint(), undefined);
        assert.equal(c.earliestEnd(), undefined);
        c.restoreBatch(log.records);
        assert.deepEqual(c.endingBy(100), memory.endingBy(100));
        await c.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('persistent store in an app: a clean restart restores only what changed since the checkpoint', { skip: !lmdbAvailable && 'lmdb not installed' }, async () => {
  const { App, TestDriver, VirtualCluster } = await import('../../src/streams/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'brook-app-'));
  try {
    const build = () => {
      const app = new App({ appId: 'persist', stateDir: dir });
      app.stream('in', { key: string, value: string }).groupByKey().count({ store: 'c', persistent: true }).toStream().to('out');
      return app;
    };
    const cluster = new VirtualCluster();
    const a = await TestDriver.create(build(), { cluster });
    for (const k of ['x', 'y', 'x']) await a.input('in', string, string).pipe(k, '1');
    await a.close();
    const b = await TestDriver.create(build(), { cluster });
    assert.equal(b.total('restoredRecords'), 0, 'nothing changed after the checkpoint');
    await b.input('in', string, string).pipe('x', '1');
    assert.equal(b.store<KeyValueStore<string, number>>('c').get('x'), 3);
    await b.crash(); // no commit: next start must not trust the local copy
    const c = await TestDriver.create(build(), { cluster });
    assert.ok(c.total('restoredRecords') >= 3, 'full restore after an unclean stop');
    assert.ok((c.store<KeyValueStore<string, number>>('c').get('x') ?? 0) >= 3);
    await c.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('persistent window and session stores in an app: results survive a clean restart without a restore', { skip: !lmdbAvailable && 'lmdb not installed' }, async () => {
  const { App, TestDriver, VirtualCluster, hopping, session, sliding } = await import('../../src/streams/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'brook-app-'));
  try {
    const build = () => {
      const app = new App({ appId: 'persist-windows', stateDir: dir });
      const grouped = app.stream('in', { key: string, value: string }).groupByKey();
      grouped.windowedBy(hopping(100, 50, { grace: 1000 })).count({ store: 'hop', persistent: true });
      grouped.windowedBy(sliding(30, { grace: 1000 })).count({ store: 'slide', persistent: true });
      grouped.windowedBy(session(10, { grace: 1000 })).count({ store: 'sess', persistent: true });
      return app;
    };
    const cluster = new VirtualCluster();
    const a = await TestDriver.create(build(), { cluster });
    for (const [k, t] of [['x', 10], ['x', 20], ['y', 60], ['x', 45]] as const) await a.input('in', string, string).pipe(k, '1', { timestamp: t });
    await a.close();
    const b = await TestDriver.create(build(), { cluster });
    assert.equal(b.total('restoredRecords'), 0, 'nothing changed after the checkpoint');
    await b.input('in', string, string).pipe('x', '1', { timestamp: 50 });
    assert.equal(b.store<WindowStore<string, number>>('hop').get('x', 0), 4);
    assert.deepEqual(b.store<WindowStore<string, number>>('slide').fetch('x', 0, 100), [[0, 2], [11, 1], [15, 2], [20, 3], [21, 2], [46, 1]]);
    assert.deepEqual(b.store<SessionStore<string, number>>('sess').sessions('x').map((e) => [e.window.start, e.window.end, e.value]), [[10, 21, 2], [45, 51, 2]]);
    await b.crash();
    const c = await TestDriver.create(build(), { cluster });
    assert.ok(c.total('restoredRecords') > 0, 'full restore after an unclean stop');
    assert.equal(c.store<WindowStore<string, number>>('hop').get('x', 0), 4);
    await c.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lmdb window store: an expiry larger than one deletion chunk removes every expired window', { skip: !lmdbAvailable && 'lmdb not installed' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'brook-expire-'));
  try {
    const s = (await createStore(spec('big', 'window', string, int64, { persistent: true }), { stateDir: dir, appId: 'a', taskId: '0_0' })) as WindowStore<string, number>;
    s.init(recorder());
    for (let i = 0; i < 25_000; i++) s.put(`k${i % 7}`, i, i);
    s.expire(24_000);
    assert.equal(s.approximateEntries(), 1_000);
    assert.equal(s.earliestStart(), 24_000);
    await s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
