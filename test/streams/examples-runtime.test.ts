// Each example runs with one command (`main.js --demo --once`) against the test target (Brook, or
// Kafka with BROOK_TEST_TARGET=kafka, where the examples' fixed topic names are used by this file
// only) and prints exactly what the same topology prints through the TestDriver for the same demo data.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { App, TestDriver, json, string } from '../../src/streams/index.js';
import type { DemoRecord } from '../../examples/shared/run-example.js';
import { buildInventory } from '../../examples/inventory/topology.js';
import { inventoryDemo, inventoryTopics } from '../../examples/inventory/demo.js';
import { buildOrdersPerMinute } from '../../examples/orders-per-minute/topology.js';
import { ordersPerMinuteDemo, ordersPerMinuteTopics } from '../../examples/orders-per-minute/demo.js';
import { buildPayoutWatch } from '../../examples/payout-watch/topology.js';
import { payoutWatchDemo, payoutWatchLimits, payoutWatchTopics } from '../../examples/payout-watch/demo.js';
import { buildOrderNumbering } from '../../examples/order-numbering/topology.js';
import { orderNumberingDemo, orderNumberingTopics } from '../../examples/order-numbering/demo.js';
import { startTestTarget, type TestTarget } from '../helpers/target.js';
import { expectSuccess, jsonLines, run } from '../helpers/processes.js';
import { createProducer } from '../../src/client/index.js';

let broker: TestTarget;
before(async () => {
  broker = await startTestTarget({ config: { 'group.initial.rebalance.delay.ms': '0' } });
});
after(async () => {
  await broker.close();
});

interface Line {
  topic: string;
  key: string | null;
  value: unknown;
}

async function viaDriver(build: (app: App) => void, demo: readonly DemoRecord[], outputs: readonly string[]): Promise<Line[]> {
  const app = new App({ appId: 'driver' });
  build(app);
  const d = await TestDriver.create(app, { defaultPartitions: 1 });
  for (const r of demo) await d.input(r.topic, string, json<unknown>()).pipe(r.key, r.value, { timestamp: r.timestamp });
  const lines: Line[] = [];
  for (const topic of outputs) for (const [key, value] of d.output(topic, string, json<unknown>()).readKeyValues()) lines.push({ topic, key, value });
  await d.close();
  return lines;
}

function runMain(name: string, args = ['--demo', '--once']) {
  const main = fileURLToPath(new URL(`../../examples/${name}/main.js`, import.meta.url));
  return run(process.execPath, [main, '--brokers', broker.bootstrap, ...args], { limitMs: 60_000 });
}

async function viaMain(name: string): Promise<Line[]> {
  const r = await runMain(name);
  expectSuccess(r, `example ${name}`);
  return jsonLines<Line>(r.stdout);
}

/** Lines grouped per key, in order: partitions interleave keys differently, each key's order is what matters. */
function perKey(lines: readonly Line[]): Map<string, Line[]> {
  const out = new Map<string, Line[]>();
  for (const l of lines) out.set(`${l.topic}/${l.key}`, [...(out.get(`${l.topic}/${l.key}`) ?? []), l]);
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

test('inventory example: one command, the same stock and alerts as the TestDriver', async () => {
  const expected = await viaDriver((app) => buildInventory(app, inventoryTopics), inventoryDemo, [inventoryTopics.stock, inventoryTopics.alerts]);
  assert.ok(expected.some((l) => l.topic === inventoryTopics.alerts));
  assert.deepEqual(await viaMain('inventory'), expected);
});

test('orders-per-minute example: one command, the same final windows as the TestDriver', async () => {
  const expected = await viaDriver((app) => buildOrdersPerMinute(app, ordersPerMinuteTopics, '10s'), ordersPerMinuteDemo, [ordersPerMinuteTopics.output]);
  assert.equal(expected.length, 4);
  assert.deepEqual(await viaMain('orders-per-minute'), expected);
});

test('payout-watch example: one command, the same flags as the TestDriver', async () => {
  const t = payoutWatchTopics;
  const expected = await viaDriver((app) => buildPayoutWatch(app, t, payoutWatchLimits), payoutWatchDemo, [t.flags, t.newAccounts]);
  assert.ok(expected.length >= 5);
  assert.deepEqual(await viaMain('payout-watch'), expected);
});

test('order-numbering example (exactly-once): one command, the same numbers as the TestDriver', async () => {
  const t = orderNumberingTopics;
  const expected = await viaDriver((app) => buildOrderNumbering(app, t), orderNumberingDemo, [t.numbered]);
  assert.equal(expected.length, orderNumberingDemo.length);
  assert.deepEqual(perKey(await viaMain('order-numbering')), perKey(expected));
});

test('running an example again with --demo neither rewrites its input nor duplicates its output', async () => {
  // The orders-per-minute test above ran it once; this second run finds its input topic already filled.
  const again = await runMain('orders-per-minute');
  expectSuccess(again, 'second run');
  assert.match(again.stderr, /demo input already written to orders-per-minute\.orders; not writing it again/);
  const expected = await viaDriver((app) => buildOrdersPerMinute(app, ordersPerMinuteTopics, '10s'), ordersPerMinuteDemo, [ordersPerMinuteTopics.output]);
  assert.deepEqual(jsonLines<Line>(again.stdout), expected);
});

test('--once ends at once with the app error when an input record cannot be read', async () => {
  // What the quickstart's text records would do to an example that expects JSON.
  const producer = createProducer({ brokers: [broker.bootstrap], clientId: 'garbage' });
  await producer.send({ messages: [{ topic: inventoryTopics.cartEvents, partition: 0, key: Buffer.from('alice'), value: Buffer.from('signed up') }], acks: -1 });
  await producer.close();
  const r = await runMain('inventory', ['--once']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^inventory-example: cannot deserialize value \(json\) at inventory\.cart-events-0@\d+: /m);
});
