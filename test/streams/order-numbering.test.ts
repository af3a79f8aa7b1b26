// The fourth seed case, examples/order-numbering, as a crash test: four producers send orders for five shops
// concurrently while the numbering service (the example's own main.js, a child process) runs with exactly-once;
// mid-stream it is killed with SIGKILL and started again. In the committed output every shop's numbers must be
// exactly 1, 2, 3, ... with no gap and no number used twice, every order must be numbered exactly once, and the
// numbers must follow the order in which the shop's orders were written (the input partition's order).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createProducer } from '../../src/client/index.js';
import { defaultPartition } from '../../src/streams/index.js';
import { ORDER_PARTITIONS, orderNumberingTopics as t } from '../../examples/order-numbering/demo.js';
import type { NumberedOrder, Order } from '../../examples/order-numbering/topology.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics, readTopic, waitFor } from './helpers/kafka.js';

const PRODUCERS = 4;
const SHOPS = ['bakery', 'books', 'garden', 'music', 'toys'];
const ORDERS_PER_PRODUCER = 150;
const TOTAL = PRODUCERS * ORDERS_PER_PRODUCER;

let broker: TestBroker;
before(async () => {
  broker = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0' } });
});
after(async () => {
  await broker.close();
});

interface Service {
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
}

function startService(): Service {
  const main = fileURLToPath(new URL('../../examples/order-numbering/main.js', import.meta.url));
  const child = spawn(process.execPath, [main, '--brokers', broker.bootstrap, '--instance', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  return { child, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))), stderr: () => err };
}

async function numbered(): Promise<{ partition: number; value: NumberedOrder }[]> {
  return (await readTopic(broker.bootstrap, t.numbered, true)).map((r) => ({ partition: r.partition, value: JSON.parse(r.value!.toString()) as NumberedOrder }));
}

/** One producer: orders [from, to) in small acks=all batches, idempotent (a retried send is not a second order). */
async function produceOrders(id: number, from: number, to: number): Promise<void> {
  const producer = createProducer({ brokers: [broker.bootstrap], clientId: `shopper-${id}` }, { idempotent: true });
  try {
    for (let i = from; i < to; i += 5) {
      const messages = Array.from({ length: 5 }, (_, j) => {
        const shop = SHOPS[(id + i + j) % SHOPS.length]!;
        const order: Order = { orderId: `p${id}-${i + j}`, shop };
        const key = Buffer.from(shop);
        return { topic: t.orders, partition: defaultPartition(key, ORDER_PARTITIONS), key, value: Buffer.from(JSON.stringify(order)) };
      });
      await producer.send({ messages, acks: -1 });
    }
  } finally {
    await producer.close();
  }
}

test('SIGKILL mid-stream: no order number is skipped or reused, and every order is numbered once', { timeout: 240_000 }, async () => {
  await createTopics(broker.bootstrap, { [t.orders]: ORDER_PARTITIONS, [t.numbered]: ORDER_PARTITIONS });
  let service = startService();
  try {
    // The first half of every producer's orders, concurrently; the service is killed once some are numbered and
    // committed (most of the half is usually still in its open transaction), and the second half is written while
    // it is down and restarting: the crash is mid-stream whatever the timing.
    const half = ORDERS_PER_PRODUCER / 2;
    const firstHalf = Promise.all(Array.from({ length: PRODUCERS }, (_, id) => produceOrders(id, 0, half)));
    await waitFor(async () => (await numbered()).length >= 40, 'the first numbered orders', 120_000);
    service.child.kill('SIGKILL');
    await service.exited;
    await firstHalf;
    const secondHalf = Promise.all(Array.from({ length: PRODUCERS }, (_, id) => produceOrders(id, half, ORDERS_PER_PRODUCER)));
    service = startService();
    await secondHalf;
    await waitFor(async () => (await numbered()).length >= TOTAL, `all ${TOTAL} orders numbered (stderr: ${service.stderr()})`, 180_000);
  } finally {
    service.child.kill('SIGINT');
    await service.exited;
  }

  const output = await numbered();
  assert.equal(output.length, TOTAL, 'more numbered outputs than orders: some order was numbered twice');
  const input = (await readTopic(broker.bootstrap, t.orders)).map((r) => JSON.parse(r.value!.toString()) as Order);
  for (const shop of SHOPS) {
    const written = input.filter((o) => o.shop === shop).map((o) => o.orderId);
    const out = output.filter((o) => o.value.shop === shop).map((o) => o.value);
    assert.deepEqual(
      out.map((o) => o.number),
      Array.from({ length: written.length }, (_, i) => i + 1),
      `${shop}: numbers are not 1..${written.length} in order`,
    );
    assert.deepEqual(out.map((o) => o.orderId), written, `${shop}: orders were not numbered in the order they were written, once each`);
  }
});
