// Keyed aggregations, repartitioning, windows, tables and joins through the TestDriver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  App,
  TestDriver,
  int64,
  json,
  session,
  string,
  tumbling,
  windowedSerde,
  type KeyValueStore,
} from '../../src/streams/index.js';

test('count, reduce and aggregate into tables; changes flow to the table stream', async () => {
  const app = new App({ appId: 'agg' });
  const grouped = app.stream('in', { key: string, value: int64 }).groupByKey();
  grouped.count({ store: 'counts' }).toStream().to('counts-out');
  grouped.reduce((a, b) => Math.max(a, b), { store: 'max' }).toStream().to('max-out');
  grouped.aggregate(() => ({ sum: 0, n: 0 }), (_k, v, a) => ({ sum: a.sum + v, n: a.n + 1 }), { store: 'avg', value: json<{ sum: number; n: number }>() });
  const d = await TestDriver.create(app);
  const input = d.input('in', string, int64);
  for (const [k, v] of [['a', 3], ['b', 10], ['a', 7], ['a', 1]] as const) await input.pipe(k, v);
  assert.deepEqual(d.output('counts-out', string, int64).readKeyValues(), [['a', 1], ['b', 1], ['a', 2], ['a', 3]]);
  assert.deepEqual([...d.output('max-out', string, int64).toMap()], [['a', 7], ['b', 10]]);
  assert.deepEqual(d.store<KeyValueStore<string, { sum: number; n: number }>>('avg').get('a'), { sum: 11, n: 3 });
  // Every store change went to its changelog, on the task's partition.
  assert.equal(d.cluster.records('agg-counts-changelog', 0).length, 4);
  await d.close();
});

test('groupBy re-keys through an internal repartition topic and lands each key on its partition', async () => {
  const app = new App({ appId: 'shop' });
  app
    .stream('orders', { key: string, value: json<{ category: string; amount: number }>() })
    .groupBy((_k, v) => v.category, { key: string, name: 'by-category' })
    .count({ store: 'per-category' })
    .toStream()
    .to('category-counts');
  assert.ok(app.topology().internalTopics.has('shop-by-category-repartition'));
  assert.equal(app.topology().subtopologies().length, 2);
  const d = await TestDriver.create(app, { defaultPartitions: 3 });
  const orders = d.input('orders', string, json<{ category: string; amount: number }>());
  const cats = ['books', 'games', 'food', 'books', 'books', 'food'];
  for (let i = 0; i < cats.length; i++) await orders.pipe(`order-${i}`, { category: cats[i]!, amount: i });
  assert.deepEqual(Object.fromEntries(d.output('category-counts', string, int64).toMap()), { books: 3, games: 1, food: 2 });
  // Each category's count lives only in the task of the partition its key hashes to.
  for (let p = 0; p < 3; p++) {
    const s = d.store<KeyValueStore<string, number>>('per-category', p);
    for (const [k] of s.all()) {
      const repart = d.cluster.records('shop-by-category-repartition', p).map((r) => r.key!.toString());
      assert.ok(repart.includes(k));
    }
  }
  await d.close();
});

test('selectKey then groupByKey repartitions automatically', async () => {
  const app = new App({ appId: 'auto' });
  app.stream('in', { key: string, value: string }).selectKey((_k, v) => v).groupByKey({ key: string }).count({ store: 'c' });
  assert.equal(app.topology().subtopologies().length, 2);
  const d = await TestDriver.create(app);
  await d.input('in', string, string).pipe('x', 'v');
  assert.equal(d.store<KeyValueStore<string, number>>('c').get('v'), 1);
  await d.close();
});

test('tumbling windows emit changes by default; late records are dropped, counted and offered to onLate', async () => {
  const app = new App({ appId: 'win' });
  const lateSeen: number[] = [];
  app
    .stream('clicks', { key: string, value: string })
    .groupByKey()
    .windowedBy(tumbling('1m', { grace: '10s' }))
    .onLate((_k, _v, ts) => lateSeen.push(ts))
    .count()
    .toStream()
    .to('per-minute');
  const d = await TestDriver.create(app);
  const clicks = d.input('clicks', string, string);
  await clicks.pipe('u', 'x', { timestamp: 1_000 });
  await clicks.pipe('u', 'x', { timestamp: 59_000 });
  await clicks.pipe('u', 'x', { timestamp: 65_000 }); // stream time 65s: window [0,60s) closes at 70s
  await clicks.pipe('u', 'x', { timestamp: 30_000 }); // on time (within grace)
  await clicks.pipe('u', 'x', { timestamp: 70_000 }); // stream time 70s: [0,60s) closed
  await clicks.pipe('u', 'x', { timestamp: 20_000 }); // late
  const out = d.output('per-minute', windowedSerde(string), int64).readKeyValues();
  assert.deepEqual(out.map(([k, v]) => [k!.window.start, v]), [[0, 1], [0, 2], [60_000, 1], [0, 3], [60_000, 2]]);
  assert.deepEqual(lateSeen, [20_000]);
  assert.equal(d.total('lateDrops'), 1);
  await d.close();
});

test('session windows merge (absorbed sessions are deleted) and emit final once closed', async () => {
  const app = new App({ appId: 'sess' });
  const grouped = app.stream('in', { key: string, value: string }).groupByKey();
  grouped.windowedBy(session('5s', { grace: '20s' })).count({ store: 'changes' }).toStream().to('changes');
  const finals: Array<[number, number, number | null]> = [];
  grouped
    .windowedBy(session('5s', { grace: '20s' }))
    .emit('final')
    .count({ store: 'finals' })
    .toStream()
    .peek((k, n) => finals.push([k.window.start, k.window.end, n]));
  const d = await TestDriver.create(app);
  const input = d.input('in', string, string);
  for (const ts of [0, 10_000, 4_000, 8_000, 40_000]) await input.pipe('k', 'x', { timestamp: ts });
  const changes = d.output('changes', windowedSerde(string), int64).readKeyValues().map(([k, v]) => [k!.window.start, k!.window.end, v]);
  // toStream forwards the deletes of absorbed sessions as tombstones (KTable.toStream()).
  assert.deepEqual(changes, [
    [0, 1, 1],
    [10_000, 10_001, 1],
    [0, 1, null],
    [0, 4_001, 2],
    [0, 4_001, null],
    [10_000, 10_001, null],
    [0, 10_001, 4],
    [40_000, 40_001, 1],
  ]);
  // The changelog holds the deletes: absorbed sessions are tombstoned.
  assert.equal(d.cluster.records('sess-changes-changelog', 0).filter((r) => r.value === null).length, 3);
  assert.deepEqual(finals, [[0, 10_001, 4]]);
  await d.close();
});

test('table from a topic; stream-table inner and left joins read the table as of processing time', async () => {
  const app = new App({ appId: 'join' });
  const users = app.table('users', { key: string, value: json<{ name: string; vip: boolean }>(), store: 'users' });
  const clicks = app.stream('clicks', { key: string, value: string });
  clicks.join(users, (page, u) => `${u.name}:${page}`).to('inner', { value: string });
  clicks.leftJoin(users, (page, u) => `${u?.name ?? '?'}:${page}`).to('left', { value: string });
  clicks.join(users.filter((_k, u) => u.vip).mapValues((u) => u.name.toUpperCase()), (page, name) => `${name}:${page}`).to('vip', { value: string });
  users.toStream().mapValues((u) => u?.name ?? null).to('names', { value: string });
  const d = await TestDriver.create(app);
  const u = d.input('users', string, json<{ name: string; vip: boolean }>());
  const c = d.input('clicks', string, string);
  await c.pipe('1', 'home');
  await u.pipe('1', { name: 'ada', vip: true });
  await u.pipe('2', { name: 'bob', vip: false });
  await c.pipe('1', 'cart');
  await c.pipe('2', 'faq');
  await u.pipe('1', null); // delete
  await c.pipe('1', 'exit');
  assert.deepEqual(d.output('inner', string, string).readValues(), ['ada:cart', 'bob:faq']);
  assert.deepEqual(d.output('left', string, string).readValues(), ['?:home', 'ada:cart', 'bob:faq', '?:exit']);
  assert.deepEqual(d.output('vip', string, string).readValues(), ['ADA:cart']);
  assert.deepEqual(d.output('names', string, string).readValues(), ['ada', 'bob', null], 'toStream forwards the delete as a tombstone');
  await d.close();
});
