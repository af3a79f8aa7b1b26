// Priority queues (x-max-priority) through amqplib: ready messages are delivered highest priority
// first, in publish order within a priority, priorities above the maximum count as the maximum,
// requeued messages go back to their place in their level, and the order survives a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Channel, ConsumeMessage } from 'amqplib';
import { channel, confirmChannel, connect, rejection, startAmqpBroker, waitFor } from './amqp-helpers.js';

/** [body, priority] in publish order; undefined: no priority property. */
const PUBLISHED: [string, number | undefined][] = [
  ['a0', 0],
  ['b3', 3],
  ['c9', 9], // above x-max-priority 5: counts as 5
  ['d1', 1],
  ['e3', 3],
  ['f-', undefined],
  ['g5', 5],
  ['h1', 1],
];
const EXPECTED = ['c9', 'g5', 'b3', 'e3', 'd1', 'h1', 'a0', 'f-'];

async function drain(ch: Channel, queue: string, n: number): Promise<ConsumeMessage[]> {
  const got: ConsumeMessage[] = [];
  await ch.consume(queue, (m) => {
    if (m) got.push(m);
  });
  await waitFor(() => got.length === n, `${n} deliveries`);
  return got;
}

test('x-max-priority: higher priorities first, FIFO within a priority, capped at the maximum; kept across a restart', async () => {
  let b = await startAmqpBroker();
  try {
    let c = await connect(b.amqpUrl);
    const ch = await confirmChannel(c);
    await ch.assertQueue('prio', { durable: true, arguments: { 'x-max-priority': 5 } });
    for (const [body, priority] of PUBLISHED) ch.sendToQueue('prio', Buffer.from(body), priority === undefined ? { persistent: true } : { persistent: true, priority });
    await ch.waitForConfirms();
    assert.equal((await ch.checkQueue('prio')).messageCount, PUBLISHED.length);

    // A consumer taking one at a time sees the priority order; it requeues the first and gets it back first.
    const consumerCh = await channel(c);
    await consumerCh.prefetch(1);
    const got: ConsumeMessage[] = [];
    let requeued = false;
    await consumerCh.consume('prio', (m) => {
      if (!m) return;
      got.push(m);
      if (!requeued) {
        requeued = true;
        consumerCh.nack(m, false, true);
      } else consumerCh.ack(m);
    });
    await waitFor(() => got.length === PUBLISHED.length + 1, 'every message (and one redelivery)');
    assert.deepEqual(got.map((m) => m.content.toString()), ['c9', ...EXPECTED]);
    assert.equal(got[1]!.fields.redelivered, true);
    assert.equal(got[1]!.properties.priority, 9, 'the priority property is delivered as published');
    await consumerCh.close();

    // Published again, then the broker restarts before anything is consumed.
    for (const [body, priority] of PUBLISHED) ch.sendToQueue('prio', Buffer.from(body), priority === undefined ? { persistent: true } : { persistent: true, priority });
    await ch.waitForConfirms();
    await c.close();
    b = Object.assign(await b.restart({ amqpPort: 0 }), { amqpUrl: '' });
    b.amqpUrl = `amqp://guest:guest@127.0.0.1:${b.broker.amqpPort!}`;
    c = await connect(b.amqpUrl);
    const after = await channel(c);
    assert.equal((await after.checkQueue('prio')).messageCount, PUBLISHED.length);
    const again = await drain(after, 'prio', PUBLISHED.length);
    assert.deepEqual(again.map((m) => m.content.toString()), EXPECTED);
    after.ackAll();
    await after.close();

    // basic.get follows the same order; purge and delete cover every level.
    const g = await confirmChannel(c);
    g.sendToQueue('prio', Buffer.from('low'), { priority: 1 });
    g.sendToQueue('prio', Buffer.from('high'), { priority: 4 });
    g.sendToQueue('prio', Buffer.from('low2'), { priority: 1 });
    await g.waitForConfirms();
    const first = await g.get('prio', { noAck: true });
    assert.equal(first && first.content.toString(), 'high');
    assert.equal((await g.purgeQueue('prio')).messageCount, 2);
    assert.equal((await g.checkQueue('prio')).messageCount, 0);
    await g.deleteQueue('prio');
    await c.close();
  } finally {
    await b.close();
  }
});

test('x-max-priority must be an integer from 0 to 255 (406 otherwise, as RabbitMQ)', async () => {
  const b = await startAmqpBroker();
  const c = await connect(b.amqpUrl);
  try {
    const e = await rejection((await channel(c)).assertQueue('prio-too-high', { arguments: { 'x-max-priority': 256 } }));
    assert.match(e.message, /406 .*invalid arg 'x-max-priority'.*max_value_exceeded/);
    const e2 = await rejection((await channel(c)).assertQueue('prio-string', { arguments: { 'x-max-priority': 'ten' } }));
    assert.match(e2.message, /406 .*invalid arg 'x-max-priority'/);
    // Redeclaring with another maximum is inequivalent.
    const ch = await channel(c);
    await ch.assertQueue('prio-eq', { arguments: { 'x-max-priority': 3 } });
    const e3 = await rejection((await channel(c)).assertQueue('prio-eq', { arguments: { 'x-max-priority': 4 } }));
    assert.match(e3.message, /406 .*inequivalent arg 'x-max-priority'/);
  } finally {
    await c.close().catch(() => {});
    await b.close();
  }
});
