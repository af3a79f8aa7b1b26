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

test('memory window store: fetch, fetchAll in start order, expire, restore', async () => {
  const where = { stateDir: undefined, appId: 'a', taskId: '0_0' };
  const s = (await createStore(spec('w', 'window', string, int64), where)) as WindowStore<string, number>;
  const log = recorder();
  s.init(log);
  s.put('x', 100, 1);
  s.put('y', 0, 2);
  s.put('x', 0, 3);
  s.put('x', 100, 4);
  assert.deepEqual(s.fetch('x', 0, 100), [[0, 3], [100, 4]]);
  assert.deepEqual(s.fetchAll(0, 1000).map((e) => [e.key, e.start, e.value]), [['y', 0, 2], ['x', 0, 3], ['x', 100, 4]]);
  const r = (await createStore(spec('w', 'window', string, int64), where)) as WindowStore<string, number>;
  r.restoreBatch(log.records);
  assert.deepEqual(r.fetchAll(0, 1000), s.fetchAll(0, 1000));
  s.expire(50);
  assert.equal(s.earliestStart(), 100);
  assert.deepEqual(s.fetchAll(0, 1000).map((e) => e.start), [100]);
});

test('memory session store: put, remove, endingBy, restore with tombstones', async () => {
  const where = { stateDir: undefined, appId: 'a', taskId: '0_0' };
  const s = (await createStore(spec('s', 'session', string, int64), where)) as SessionStore<string, number>;
  const log = recorder();
  s.init(log);
  s.put('k', { start: 0, end: 5 }, 1);
  s.put('k', { start: 10, end: 20 }, 2);
  s.remove('k', { start: 0, end: 5 });
  s.put('k', { start: 0, end: 20 }, 3);
  s.remove('k', { start: 10, end: 20 });
  assert.deepEqual(s.sessions('k').map((e) => [e.window.start, e.window.end, e.value]), [[0, 20, 3]]);
  const r = (await createStore(spec('s', 'session', string, int64), where)) as SessionStore<string, number>;
  r.restoreBatch(log.records);
  assert.deepEqual(r.sessions('k'), s.sessions('k'));
  assert.deepEqual(r.endingBy(20).length, 1);
  r.expire(21);
  assert.equal(r.earliestEnd(), undefined);
});

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
