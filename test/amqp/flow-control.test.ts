// Publisher flow control (docs/performance.md, "The AMQP path"): a connection that publishes to a
// queue whose consumers are behind is not read while the queue holds more than FLOW_BACKLOG ready
// messages, so the backlog (and publish-to-deliver latency) stays bounded; a queue whose consumer
// stopped taking messages holds nobody, so publishers are never stuck behind it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelModel } from 'amqplib';
import type { TestBroker } from '../helpers/broker.js';
import { FLOW_BACKLOG } from '../../src/broker/amqp/queue.js';
import { channel, confirmChannel, connect, startAmqpBroker, waitFor } from './amqp-helpers.js';

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

test('a publisher ahead of its queue\'s consumer is held: the ready backlog stays near the bound, nothing is lost', async (t) => {
  const total = 10 * FLOW_BACKLOG;
  const cch = await channel(consumer);
  await cch.assertQueue('flow-q', { durable: true });
  await cch.prefetch(50);
  let received = 0;
  const seen = new Set<string>();
  await cch.consume('flow-q', (m) => {
    if (!m) return;
    seen.add(m.content.toString());
    received++;
    cch.ack(m);
  });
  const probe = await channel(consumer);
  let peak = 0;
  let publishing = true;
  const sampling = (async () => {
    while (publishing) {
      peak = Math.max(peak, (await probe.checkQueue('flow-q')).messageCount);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const pch = await confirmChannel(publisher);
  // The queue holds publishers only while its consumer is taking messages (delivered within the last second). On a
  // loaded machine the setup above can take longer than that, so one message goes through first: the burst then
  // meets a queue that is seen draining, as it would in steady traffic.
  pch.sendToQueue('flow-q', Buffer.from('warm-up'), { persistent: true });
  await waitFor(() => received === 1, 'the warm-up message delivered', 60_000);
  for (let i = 0; i < total; i++) pch.sendToQueue('flow-q', Buffer.from(`m-${i}`.padEnd(100, '.')), { persistent: true });
  await pch.waitForConfirms();
  publishing = false;
  await sampling;
  await waitFor(() => received >= total + 1, 'every message delivered', 120_000);
  assert.equal(seen.size, total + 1);
  t.diagnostic(`peak ready backlog ${peak} of ${total} (bound ${FLOW_BACKLOG})`);
  // Without the hold the whole burst is read at once and the backlog approaches `total`. (Loose:
  // the hold lapses when the consumer delivered nothing for a second on a loaded machine.)
  assert.ok(peak < total / 2, `peak ready backlog ${peak} of ${total}`);
});

test('a queue whose consumer stopped acknowledging holds no publisher: every publish is confirmed', async () => {
  const total = 3 * FLOW_BACKLOG;
  const cch = await channel(consumer);
  await cch.assertQueue('stalled-q', { durable: true });
  await cch.prefetch(10);
  await cch.consume('stalled-q', () => {}); // takes 10, never acknowledges
  const pch = await confirmChannel(publisher);
  for (let i = 0; i < total; i++) pch.sendToQueue('stalled-q', Buffer.from(`s-${i}`), { persistent: true });
  await pch.waitForConfirms();
  await waitFor(async () => (await pch.checkQueue('stalled-q')).messageCount === total - 10, 'the backlog in the queue');
});
