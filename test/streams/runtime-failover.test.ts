// Two instances of the inventory example share its tasks; one (a child process) is SIGKILLed
// mid-stream and the other takes over its tasks with their state. At-least-once allows
// duplicate output records, but the state must be exact: every input applied once (the
// uncommitted tail the killed instance left in the changelogs is repaired on takeover).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { App, type KeyValueStore } from '../../src/streams/index.js';
import { buildInventory, type CartEvent } from '../../examples/inventory/topology.js';
import { startTestTarget, uniqueName, type TestTarget } from '../helpers/target.js';
import { createAdmin, committedOffsets } from '../../src/client/index.js';
import { createTopics, produce, readTopic, waitFor } from './helpers/kafka.js';

let broker: TestTarget;
before(async () => {
  broker = await startTestTarget({ config: { 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '500' } });
});
after(async () => {
  await broker.close();
});

interface Progress {
  event: string;
  recordsIn?: number;
  tasks?: string[];
}

const TOPICS = { cartEvents: uniqueName('cart-events'), restocks: uniqueName('restocks'), stock: uniqueName('stock'), alerts: uniqueName('stock-alerts') };

function startChild(appId: string): { child: ChildProcess; last: () => Progress | undefined; lines: Progress[] } {
  const script = fileURLToPath(new URL('./fixtures/inventory-instance.js', import.meta.url));
  const child = spawn(process.execPath, [script, broker.bootstrap, appId, uniqueName('')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: Progress[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    if (l.startsWith('{')) lines.push(JSON.parse(l) as Progress);
  });
  return { child, lines, last: () => lines.at(-1) };
}

const PRODUCTS = ['apple', 'pear', 'fig', 'kiwi', 'plum', 'lime'];

function cartEvents(from: number, count: number): Array<{ key: string; value: string; timestamp: number }> {
  return Array.from({ length: count }, (_, j) => {
    const i = from + j;
    const e: CartEvent = { type: i % 3 === 2 ? 'removed' : 'added', cartId: `cart-${i % 11}`, productId: PRODUCTS[i % PRODUCTS.length]!, quantity: 1 + (i % 4) };
    return { key: e.cartId, value: JSON.stringify(e), timestamp: 1_000 + i };
  });
}

test('an instance killed mid-stream: the other takes over its tasks with exact state, no input lost', async () => {
  const appId = uniqueName('inventory-failover');
  await createTopics(broker.bootstrap, { [TOPICS.cartEvents]: 4, [TOPICS.restocks]: 4, [TOPICS.stock]: 4, [TOPICS.alerts]: 4 });
  // Plenty of stock first, so no addition is ever rejected and the final stock is order-independent.
  await produce(broker.bootstrap, TOPICS.restocks, PRODUCTS.map((p) => ({ key: p, value: JSON.stringify({ productId: p, quantity: 1_000_000 }), timestamp: 1 })), 4);

  const a = startChild(appId);
  try {
    await waitFor(() => a.lines.some((l) => l.event === 'ready'), 'child instance ready', 30_000);
    const admin = createAdmin({ brokers: [broker.bootstrap], clientId: 'failover-test-admin' });
    after(() => admin.close());
    const app = new App({ appId, brokers: [broker.bootstrap], commitIntervalMs: 100, sessionTimeoutMs: 2000 });
    buildInventory(app, TOPICS);
    const b = await app.start();
    try {
      await b.ready;
      // Both hold tasks: the group rebalanced over the two instances.
      await waitFor(() => b.tasks().length > 0 && (a.last()?.tasks?.length ?? 0) > 0 && a.last()!.tasks!.length + b.tasks().length === 8, 'tasks shared by both instances', 30_000);
      const total = 3_000;
      await produce(broker.bootstrap, TOPICS.cartEvents, cartEvents(0, total / 2), 4);
      await waitFor(() => (a.last()?.recordsIn ?? 0) > 200, 'the child processed part of the input', 30_000);
      // At-least-once redoes input whose offsets were not committed; redone upstream of the
      // repartition topic, it would repeat repartition records (and counts): Kafka Streams'
      // at-least-once does the same. So the kill comes once the cart events are committed: what
      // the child leaves uncommitted is stateful work only, which the takeover repairs exactly.
      await waitFor(async () => [...(await committedOffsets(admin, appId))].filter(([k]) => k.startsWith(`${TOPICS.cartEvents}:`)).reduce((n, [, o]) => n + Number(o), 0) === total / 2, 'the cart events committed', 30_000);
      a.child.kill('SIGKILL');
      await produce(broker.bootstrap, TOPICS.cartEvents, cartEvents(total / 2, total / 2), 4);
      await waitFor(() => b.tasks().length === 8, 'the survivor took over every task', 30_000);
      const expected = new Map<string, number>(PRODUCTS.map((p) => [p, 1_000_000]));
      for (const r of cartEvents(0, total)) {
        const e = JSON.parse(r.value) as CartEvent;
        expected.set(e.productId, expected.get(e.productId)! + (e.type === 'added' ? -e.quantity : e.quantity));
      }
      const stock = () => {
        const out = new Map<string, number>();
        for (let p = 0; p < 4; p++) for (const [k, v] of b.store<KeyValueStore<string, { available: number }>>('stock', p)?.all() ?? []) out.set(k, v.available);
        return out;
      };
      await waitFor(() => PRODUCTS.every((p) => stock().get(p) === expected.get(p)), 'final stock reached', 60_000);
      await b.commit();
      assert.deepEqual(new Map([...stock()].sort()), new Map([...expected].sort()));
      // Every product's latest output on the stock topic is its final stock (outputs may repeat, never miss).
      const latest = new Map<string, number>();
      for (const r of await readTopic(broker.bootstrap, TOPICS.stock)) latest.set(r.key!.toString(), Number(JSON.parse(r.value!.toString())));
      assert.deepEqual(new Map([...latest].sort()), new Map([...expected].sort()));
    } finally {
      await b.close();
    }
  } finally {
    if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
  }
});
