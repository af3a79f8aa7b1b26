// Publisher flow control (src/broker/amqp/drain-pace.ts, docs/amqp.md "Flow control"): a publisher
// is held only while the queue's consumers are taking its backlog fast, so streaming traffic keeps
// a short backlog; a work queue with slow consumers buffers a burst at the publisher's speed, as
// RabbitMQ does; a queue whose consumer stopped holds nobody.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import type { TestBroker } from '../helpers/broker.js';
import { FLOW_BACKLOG } from '../../src/broker/amqp/drain-pace.js';
import { channel, confirmChannel, connect, startAmqpBroker, waitFor } from './amqp-helpers.js';
import { workQueueBurst } from './differential-scenarios.js';

let broker: TestBroker & { amqpUrl: string };
let publisher: ChannelModel;
let consumer: ChannelModel;
before(async () => {
  broker = await startAmqpBroker();
  publisher = await connect(broker.amqpUrl);
  consumer = await connect(broker.amqpUrl);
});
after(async () => {
  await publisher.close().catch(() => {});
  await consumer.close().catch(() => {});
  await broker.close();
});

/** Publishes `count` persistent messages on `ch` with at most `window` unconfirmed. */
async function publishWindowed(ch: ConfirmChannel, queue: string, prefix: string, count: number, window: number): Promise<void> {
  let inFlight = 0;
  let wake: (() => void) | null = null;
  for (let i = 0; i < count; i++) {
    while (inFlight >= window) await new Promise<void>((r) => (wake = r));
    inFlight++;
    ch.sendToQueue(queue, Buffer.from(`${prefix}-${i}`.padEnd(100, '.')), { persistent: true }, () => {
      inFlight--;
      const w = wake;
      wake = null;
      w?.();
    });
  }
  await ch.waitForConfirms();
}

test('publishers ahead of a streaming consumer are held: the ready backlog stays short, nothing is lost', async (t) => {
  // The bench's shape (bench/amqp.bench.ts): eight publishers with 256 unconfirmed each and one consumer
  // acknowledging every 20th message, all in this process, so the publishers can outrun the consumer.
  const publishers = 8;
  const perPublisher = 2_500;
  const total = publishers * perPublisher;
  const cch = await channel(consumer);
  await cch.assertQueue('flow-q', { durable: true });
  await cch.prefetch(500);
  let received = 0;
  const seen = new Set<string>();
  await cch.consume('flow-q', (m) => {
    if (!m) return;
    seen.add(m.content.toString());
    received++;
    if (received % 20 === 0 || received === total) cch.ack(m, true);
  });
  const probe = await channel(consumer);
  let peak = 0;
  let publishing = true;
  const sampling = (async () => {
    while (publishing) {
      peak = Math.max(peak, (await probe.checkQueue('flow-q')).messageCount);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const conns = await Promise.all(Array.from({ length: publishers }, () => connect(broker.amqpUrl)));
  try {
    const chans = await Promise.all(conns.map((c) => confirmChannel(c)));
    await Promise.all(chans.map((ch, p) => publishWindowed(ch, 'flow-q', `p${p}`, perPublisher, 256)));
    publishing = false;
    await sampling;
    await waitFor(() => received >= total, 'every message delivered', 120_000);
  } finally {
    publishing = false;
    for (const c of conns) await c.close().catch(() => {});
  }
  assert.equal(seen.size, total);
  t.diagnostic(`peak ready backlog ${peak} of ${total} (bound ${FLOW_BACKLOG})`);
  // Loose on purpose: a consumer on a loaded machine may fall below the pace that holds publishers.
  assert.ok(peak < total / 4, `peak ready backlog ${peak} of ${total}`);
});

test('a burst to a work queue with a slow consumer is taken at the publisher\'s speed, not the consumer\'s', async () => {
  const { total, taken } = await workQueueBurst(broker.amqpUrl);
  // Paced to the worker (the rule before drain-pace.ts), every confirm waited until the worker had
  // taken all but the last few hundred jobs; as a buffer, the burst is confirmed while it has taken few.
  assert.ok(taken < total / 2, `the worker had acknowledged ${taken} of ${total} jobs when the burst was confirmed`);
});

test('a queue whose consumer stopped acknowledging holds no publisher: every publish is confirmed', async () => {
  const total = 10 * FLOW_BACKLOG;
  const cch = await channel(consumer);
  await cch.assertQueue('stalled-q', { durable: true });
  await cch.prefetch(10);
  await cch.consume('stalled-q', () => {}); // takes 10, never acknowledges
  const pch = await confirmChannel(publisher);
  for (let i = 0; i < total; i++) pch.sendToQueue('stalled-q', Buffer.from(`s-${i}`), { persistent: true });
  await pch.waitForConfirms();
  await waitFor(async () => (await pch.checkQueue('stalled-q')).messageCount === total - 10, 'the backlog in the queue');
});
