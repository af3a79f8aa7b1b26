// Restarting an app against the broker: state comes back from the changelog (or from the local
// checkpoint of a persistent store, which then restores nothing) and results continue exactly
// as an uninterrupted run: the same final windows, no window emitted twice, no late record
// accepted again (stream time and emit-final positions travel in the commit metadata).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, TestDriver, int64, json, string, type KeyValueStore, type RunningApp } from '../../src/streams/index.js';
import { buildOrdersPerMinute, type CategoryMinute, type Order } from '../../examples/orders-per-minute/topology.js';
import { startTestTarget, uniqueName, type TestTarget } from '../helpers/target.js';
import { createTopics, produce, readTopic, waitFor } from './helpers/kafka.js';

let broker: TestTarget;
before(async () => {
  broker = await startTestTarget({ config: { 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '500' } });
});
after(async () => {
  await broker.close();
});

const CATEGORIES = ['books', 'games', 'toys'];
const [ORDERS, CATEGORY_MINUTES, CLICKS, CLICK_COUNTS] = ['orders', 'category-minutes', 'clicks', 'click-counts'].map(uniqueName) as [string, string, string, string];
function orders(from: number, count: number): Array<{ key: string; value: string; timestamp: number }> {
  // Mostly in order, every 7th one 70 s late (past the 10 s grace once stream time moved on).
  return Array.from({ length: count }, (_, j) => {
    const i = from + j;
    const ts = i * 1_000 - (i % 7 === 0 ? 70_000 : 0);
    const o: Order = { orderId: `o${i}`, category: CATEGORIES[i % 3]!, amountCents: 100 + i };
    return { key: o.orderId, value: JSON.stringify(o), timestamp: Math.max(0, ts) };
  });
}

async function drained(running: RunningApp, minIn: number): Promise<void> {
  await waitFor(() => {
    const m = Object.values(running.metrics());
    return m.reduce((n, t) => n + t.recordsIn, 0) >= minIn && m.every((t) => t.lag === 0);
  }, 'input drained');
  await running.commit();
}

test('orders-per-minute restarted midway continues exactly like an uninterrupted run', async () => {
  // One input partition: the repartition topic then holds orders in input order, the order the
  // TestDriver processes them in (event-time lateness depends on processing order).
  await createTopics(broker.bootstrap, { [ORDERS]: 1, [CATEGORY_MINUTES]: 2 });
  const all = orders(0, 400);
  const make = () => {
    const app = new App({ appId: uniqueName('opm-restart'), brokers: [broker.bootstrap], commitIntervalMs: 100, sessionTimeoutMs: 2000 });
    buildOrdersPerMinute(app, { orders: ORDERS, output: CATEGORY_MINUTES }, '10s');
    return app;
  };
  await produce(broker.bootstrap, ORDERS, all.slice(0, 250), 2);
  const first = await make().start();
  await first.ready;
  await drained(first, 2 * 250); // each order is read twice: from 'orders', then from the repartition topic
  await first.close();

  await produce(broker.bootstrap, ORDERS, all.slice(250), 2);
  const second = await make().start();
  await second.ready;
  await drained(second, 2 * 150);
  const restored = Object.values(second.metrics()).reduce((n, t) => n + t.restoredRecords, 0);
  await second.close();
  assert.ok(restored > 0, 'the windowed store was restored from its changelog');

  const d = await TestDriver.create(make(), { partitions: { [ORDERS]: 1 }, defaultPartitions: 2 });
  const input = d.input(ORDERS, string, json<Order>());
  for (const r of all) await input.pipe(r.key, JSON.parse(r.value) as Order, { timestamp: r.timestamp });
  const expected = d.output(CATEGORY_MINUTES, string, json<CategoryMinute>()).readValues();
  await d.close();
  const actual = (await readTopic(broker.bootstrap, CATEGORY_MINUTES)).map((r) => JSON.parse(r.value!.toString()) as CategoryMinute);
  const byWindow = (xs: Array<CategoryMinute | null>) => xs.map((x) => JSON.stringify(x)).sort();
  assert.deepEqual(byWindow(actual), byWindow(expected));
  assert.equal(new Set(actual.map((x) => `${x.category}@${x.windowStart}`)).size, actual.length, 'no window emitted twice');
});

test('a persistent store restarts from its local checkpoint and restores nothing', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'brook-streams-state-'));
  try {
    await createTopics(broker.bootstrap, { [CLICKS]: 2, [CLICK_COUNTS]: 2 });
    const make = () => {
      const app = new App({ appId: uniqueName('clicks-restart'), brokers: [broker.bootstrap], stateDir, commitIntervalMs: 100, sessionTimeoutMs: 2000 });
      app.stream(CLICKS, { key: string, value: string }).groupByKey().count({ store: 'clicks', persistent: true }).toStream().to(CLICK_COUNTS, { value: int64 });
      return app;
    };
    const clicks = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `user-${i % 5}`, value: 'click' }));
    await produce(broker.bootstrap, CLICKS, clicks(100), 2);
    const first = await make().start();
    await first.ready;
    await drained(first, 100);
    await first.close();

    await produce(broker.bootstrap, CLICKS, clicks(50), 2);
    const second = await make().start();
    await second.ready;
    await drained(second, 50);
    const restored = Object.values(second.metrics()).reduce((n, t) => n + t.restoredRecords, 0);
    const counts = new Map<string, number>();
    for (let p = 0; p < 2; p++) for (const [k, v] of second.store<KeyValueStore<string, number>>('clicks', p)?.all() ?? []) counts.set(k, Number(v));
    await second.close();
    assert.equal(restored, 0);
    assert.deepEqual(new Map([...counts].sort()), new Map(Array.from({ length: 5 }, (_, i) => [`user-${i}`, 30])));
    const latest = new Map<string, number>();
    for (const r of await readTopic(broker.bootstrap, CLICK_COUNTS)) latest.set(r.key!.toString(), Number(r.value!.readBigInt64BE()));
    assert.deepEqual(new Map([...latest].sort()), new Map([...counts].sort()));
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
});
