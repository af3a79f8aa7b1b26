// cogroup, split, toTable, table transformValues, repartition with a partition count, suppression,
// and headers on records forwarded from async mappers and punctuations, through the TestDriver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  App,
  StreamsError,
  TestDriver,
  VirtualCluster,
  int64,
  json,
  keyValueStore,
  maxRecords,
  string,
  tumbling,
  unbounded,
  untilTimeLimit,
  untilWindowCloses,
  windowedSerde,
  type KeyValueStore,
} from '../../src/streams/index.js';

test('cogroup: two grouped streams update one aggregate per key, each with its own aggregator', async () => {
  const app = new App({ appId: 'cogroup' });
  const clicks = app.stream('clicks', { key: string, value: string }).groupByKey();
  const buys = app.stream('buys', { key: string, value: int64 }).groupByKey();
  clicks
    .cogroup<{ clicks: number; spent: number }>((_k, _v, a) => ({ ...a, clicks: a.clicks + 1 }))
    .cogroup(buys, (_k, amount, a) => ({ ...a, spent: a.spent + amount }))
    .aggregate(() => ({ clicks: 0, spent: 0 }), { store: 'per-user', value: json<{ clicks: number; spent: number }>() })
    .toStream()
    .to('out', { value: json<{ clicks: number; spent: number }>() });
  const d = await TestDriver.create(app);
  await d.input('clicks', string, string).pipe('u', 'home');
  await d.input('buys', string, int64).pipe('u', 30);
  await d.input('clicks', string, string).pipe('u', 'cart');
  assert.deepEqual(d.output('out', string, json<{ clicks: number; spent: number }>()).readValues(), [
    { clicks: 1, spent: 0 },
    { clicks: 1, spent: 30 },
    { clicks: 2, spent: 30 },
  ]);
  await d.close();
});

test('windowed cogroup: one window store for both inputs', async () => {
  const app = new App({ appId: 'cogroup-w' });
  const a = app.stream('a', { key: string, value: string }).groupByKey();
  const b = app.stream('b', { key: string, value: string }).groupByKey();
  a.cogroup<number>((_k, _v, n) => n + 1)
    .cogroup(b, (_k, _v, n) => n + 10)
    .windowedBy(tumbling(100))
    .aggregate(() => 0, { value: int64 })
    .toStream()
    .to('out', { key: windowedSerde(string), value: int64 });
  const d = await TestDriver.create(app);
  await d.input('a', string, string).pipe('k', 'x', { timestamp: 5 });
  await d.input('b', string, string).pipe('k', 'y', { timestamp: 50 });
  await d.input('b', string, string).pipe('k', 'z', { timestamp: 150 });
  assert.deepEqual(
    d.output('out', windowedSerde(string), int64).readKeyValues().map(([k, v]) => [k!.window.start, v]),
    [[0, 1], [0, 11], [100, 10]],
  );
  await d.close();
});

test('split: named branches, first match wins, default branch, chained branches', async () => {
  const app = new App({ appId: 'split' });
  const branches = app
    .stream('n', { key: string, value: int64 })
    .split({ prefix: 'size-' })
    .branch((_k, v) => v < 10, { name: 'small' })
    .branch((_k, v) => v < 100, { chain: (s) => s.mapValues((v) => v * 2) })
    .defaultBranch({ name: 'large' });
  assert.deepEqual(Object.keys(branches).sort(), ['size-2', 'size-large', 'size-small']);
  branches['size-small']!.to('small');
  branches['size-2']!.to('medium', { value: int64 });
  branches['size-large']!.to('large');
  const d = await TestDriver.create(app);
  for (const v of [1, 50, 500, 5]) await d.input('n', string, int64).pipe('k', v);
  assert.deepEqual(d.output('small', string, int64).readValues(), [1, 5]);
  assert.deepEqual(d.output('medium', string, int64).readValues(), [100]);
  assert.deepEqual(d.output('large', string, int64).readValues(), [500]);
  await d.close();
});

test('toTable materializes a stream (null deletes); repartition honours an explicit partition count', async () => {
  const app = new App({ appId: 'totable' });
  app
    .stream('in', { key: string, value: string })
    .repartition({ name: 'spread', partitions: 3 })
    .toTable({ store: 'latest' })
    .toStream()
    .to('out', { value: string });
  const d = await TestDriver.create(app, { defaultPartitions: 1 });
  assert.equal(d.cluster.partitions('totable-spread-repartition'), 3);
  const input = d.input('in', string, string);
  await input.pipe('a', 'v1');
  await input.pipe('a', 'v2');
  await input.pipe('b', 'w');
  const sub = app.topology().subtopologies().find((s) => s.stores.includes('latest'))!;
  const part = d.cluster.records('totable-spread-repartition', 0).length + d.cluster.records('totable-spread-repartition', 1).length + d.cluster.records('totable-spread-repartition', 2).length;
  assert.equal(part, 3);
  let latest = 0;
  for (let p = 0; p < 3; p++) if (d.store<KeyValueStore<string, string>>('latest', p).get('a') === 'v2') latest++;
  assert.equal(latest, 1);
  assert.ok(sub);
  assert.deepEqual(d.output('out', string, string).readValues().sort(), ['v1', 'v2', 'w']);
  await d.close();
});

test('table transformValues: a stateful transformer with its own store; deletes pass through', async () => {
  const app = new App({ appId: 'transform' });
  app
    .table('in', { key: string, value: string })
    .transformValues(
      () => {
        let seen!: KeyValueStore<string, number>;
        return {
          init: (ctx) => {
            seen = ctx.store('versions');
          },
          transform: (key, value) => {
            const n = (seen.get(key) ?? 0) + 1;
            seen.put(key, n);
            return `${value}#${n}`;
          },
        };
      },
      { stores: { versions: keyValueStore(string, int64) } },
    )
    .toStream()
    .to('out', { value: string });
  const d = await TestDriver.create(app);
  const input = d.input('in', string, string);
  await input.pipe('a', 'x');
  await input.pipe('a', 'y');
  await input.pipe('a', null);
  assert.deepEqual(d.output('out', string, string).readValues(), ['x#1', 'y#2', null]);
  await d.close();
});

function windowedCounts(appId: string): App {
  const app = new App({ appId });
  app
    .stream('in', { key: string, value: string })
    .groupByKey()
    .windowedBy(tumbling(100, { grace: 10 }))
    .count({ store: 'counts' })
    .suppress(untilWindowCloses(unbounded()).withName('final-counts'))
    .toStream()
    .to('out', { key: windowedSerde(string), value: int64 });
  return app;
}

test('suppress(untilWindowCloses): one final result per window, when stream time passes end + grace', async () => {
  const d = await TestDriver.create(windowedCounts('suppress-final'));
  const input = d.input('in', string, string);
  await input.pipe('a', '1', { timestamp: 10 });
  await input.pipe('a', '2', { timestamp: 20 });
  await input.pipe('b', '3', { timestamp: 50 });
  await input.pipe('a', '4', { timestamp: 109 }); // window [100, 200); [0,100) closes at 110
  assert.deepEqual(d.output('out', windowedSerde(string), int64).readKeyValues(), []);
  await input.pipe('a', '5', { timestamp: 110 });
  assert.deepEqual(
    d.output('out', windowedSerde(string), int64).readKeyValues().map(([k, v]) => [k!.key, k!.window.start, v]),
    [['a', 0, 2], ['b', 0, 1]],
  );
  await d.close();
});

test('suppress buffer survives a restart through its changelog (nothing lost, nothing doubled)', async () => {
  const cluster = new VirtualCluster();
  const first = await TestDriver.create(windowedCounts('suppress-restart'), { cluster });
  await first.input('in', string, string).pipe('a', '1', { timestamp: 10 });
  await first.input('in', string, string).pipe('a', '2', { timestamp: 20 });
  await first.close();
  const second = await TestDriver.create(windowedCounts('suppress-restart'), { cluster });
  await second.input('in', string, string).pipe('z', '9', { timestamp: 500 });
  assert.deepEqual(
    second.output('out', windowedSerde(string), int64).readKeyValues().map(([k, v]) => [k!.key, k!.window.start, v]),
    [['a', 0, 2]],
  );
  await second.close();
});

test('suppress(untilTimeLimit): the latest value per key once its time is up; emit-early when the buffer is full', async () => {
  const app = new App({ appId: 'suppress-limit' });
  const counts = app.stream('in', { key: string, value: string }).groupByKey().count({ store: 'c' });
  counts.suppress(untilTimeLimit(100, maxRecords(10))).toStream().to('limited', { value: int64 });
  counts.suppress(untilTimeLimit(1_000, maxRecords(1).emitEarlyWhenFull())).toStream().to('early', { value: int64 });
  const d = await TestDriver.create(app);
  const input = d.input('in', string, string);
  await input.pipe('a', 'x', { timestamp: 0 });
  await input.pipe('a', 'x', { timestamp: 50 });
  await input.pipe('b', 'x', { timestamp: 60 }); // early buffer holds 1: a is pushed out
  await input.pipe('a', 'x', { timestamp: 100 }); // a's first update was at 0: time is up
  assert.deepEqual(d.output('limited', string, int64).readKeyValues(), [['a', 3]]);
  assert.deepEqual(d.output('early', string, int64).readKeyValues(), [['a', 2], ['b', 1]]);
  await d.close();
});

test('suppress with shutDownWhenFull fails the task with BUFFER_FULL', async () => {
  const app = new App({ appId: 'suppress-full' });
  app
    .stream('in', { key: string, value: string })
    .groupByKey()
    .count()
    .suppress(untilTimeLimit(1_000, maxRecords(1).shutDownWhenFull()))
    .toStream()
    .to('out', { value: int64 });
  const d = await TestDriver.create(app);
  await d.input('in', string, string).pipe('a', 'x');
  await assert.rejects(d.input('in', string, string).pipe('b', 'x'), (e: unknown) => e instanceof StreamsError && e.code === 'BUFFER_FULL');
});

test('untilWindowCloses on a table that is not windowed is a topology error', () => {
  const app = new App({ appId: 'suppress-bad' });
  assert.throws(() => app.table('t', { key: string, value: string }).suppress(untilWindowCloses(unbounded())), (e: unknown) => e instanceof StreamsError && e.code === 'TOPOLOGY_INVALID');
});

test('records forwarded from async mappers carry their input headers; punctuations forward only explicit ones', async () => {
  const app = new App({ appId: 'headers-async' });
  const input = app.stream('in', { key: string, value: string });
  input.mapValuesAsync(async (v) => v.toUpperCase()).to('async', { value: string });
  input
    .process<string, string, Record<string, never>>(async (records, ctx) => {
      ctx.schedule(100, 'wall-clock', () => ctx.forward('tick', 'p', 0, [{ key: 'source', value: Buffer.from('punctuation') }]));
      ctx.schedule(100, 'stream-time', () => ctx.forward('stream-tick', 's'));
      for await (const r of records) {
        await Promise.resolve();
        ctx.forward(r.key, `${r.value}!`);
      }
    })
    .to('loop', { key: string, value: string });
  const d = await TestDriver.create(app);
  const headers = [{ key: 'trace', value: Buffer.from('t-1') }];
  await d.input('in', string, string).pipe('k', 'v', { timestamp: 150, headers });
  await d.advanceWallClockTime(150);
  const asyncOut = d.output('async', string, string).readRecords();
  assert.deepEqual(asyncOut.map((r) => [r.value, r.headers?.map((h) => `${h.key}=${h.value}`)]), [['V', ['trace=t-1']]]);
  const loopOut = d.output('loop', string, string).readRecords();
  const byKey = new Map(loopOut.map((r) => [r.key, r.headers?.map((h) => `${h.key}=${h.value}`)]));
  assert.deepEqual(byKey.get('k'), ['trace=t-1']);
  assert.deepEqual(byKey.get('tick'), ['source=punctuation']);
  assert.equal(byKey.get('stream-tick'), undefined);
  assert.ok(byKey.has('stream-tick'));
  await d.close();
});
