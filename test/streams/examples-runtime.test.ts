// Each example runs with one command against an in-process broker (`main.js --demo --once`) and
// prints exactly what the same topology prints through the TestDriver for the same demo data.
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
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { expectSuccess, jsonLines, run } from '../helpers/processes.js';

let broker: TestBroker;
before(async () => {
  broker = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0' } });
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

async function viaMain(name: string): Promise<Line[]> {
  const main = fileURLToPath(new URL(`../../examples/${name}/main.js`, import.meta.url));
  const r = await run(process.execPath, [main, '--brokers', broker.bootstrap, '--demo', '--once'], { limitMs: 60_000 });
  expectSuccess(r, `example ${name}`);
  return jsonLines<Line>(r.stdout);
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
