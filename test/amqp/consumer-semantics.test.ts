// Consumer-side semantics through amqplib, as RabbitMQ defines them: the delivery acknowledgement
// timeout (consumer_timeout / brook.amqp.consumer.timeout.ms and the x-consumer-timeout queue
// argument: the channel is closed with 406 and its messages come back redelivered), single active
// consumer (x-single-active-consumer) and consumer priorities (x-priority).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { TestBroker } from '../helpers/broker.js';
import { channel, confirmChannel, connect, rejection, startAmqpBroker, waitFor } from './amqp-helpers.js';

let broker: TestBroker & { amqpUrl: string };
let conn: ChannelModel;
before(async () => {
  broker = await startAmqpBroker();
  conn = await connect(broker.amqpUrl);
});
after(async () => {
  await conn.close().catch(() => {});
  await broker.close();
});

const TIMEOUT_TEXT = /^Channel closed by server: 406 \(PRECONDITION-FAILED\) with message "PRECONDITION_FAILED - delivery acknowledgement on channel \d+ timed out\. Timeout value used: (\d+) ms\. This timeout value can be configured, see consumers doc guide to learn more"$/;

async function publish(queue: string, bodies: string[]): Promise<void> {
  const pub = await confirmChannel(conn);
  for (const b of bodies) pub.sendToQueue(queue, Buffer.from(b), { persistent: true });
  await pub.waitForConfirms();
  await pub.close();
}

/** A consumer recording what it gets (not acknowledging unless told). */
async function consumer(ch: Channel, queue: string, options: { priority?: number; ack?: boolean } = {}): Promise<{ got: ConsumeMessage[]; tag: string }> {
  const got: ConsumeMessage[] = [];
  const { consumerTag } = await ch.consume(
    queue,
    (m) => {
      if (!m) return;
      got.push(m);
      if (options.ack) ch.ack(m);
    },
    options.priority !== undefined ? { priority: options.priority } : {},
  );
  return { got, tag: consumerTag };
}

function closedWith(ch: Channel): Promise<Error> {
  return new Promise((resolve) => ch.once('error', resolve));
}

test('x-consumer-timeout: an unacknowledged delivery closes the channel with 406; the message is redelivered elsewhere', async () => {
  const ch = await channel(conn);
  await ch.assertQueue('ack-timeout', { durable: true, arguments: { 'x-consumer-timeout': 300 } });
  await publish('ack-timeout', ['slow']);
  const error = closedWith(ch);
  const { got } = await consumer(ch, 'ack-timeout');
  const e = await error;
  assert.match(e.message, TIMEOUT_TEXT);
  assert.equal(TIMEOUT_TEXT.exec(e.message)![1], '300');
  assert.equal(got.length, 1);
  assert.equal(got[0]!.fields.redelivered, false);
  // The connection and other channels are unaffected; the message is back, marked redelivered.
  const ch2 = await channel(conn);
  const again = await waitFor(() => ch2.get('ack-timeout'), 'the message back in the queue');
  assert.equal(again.content.toString(), 'slow');
  assert.equal(again.fields.redelivered, true);
  ch2.ack(again);
  await ch2.close();
});

test('x-consumer-timeout: a consumer that acknowledges in time keeps its channel', async () => {
  const ch = await channel(conn);
  let closed = false;
  ch.once('close', () => (closed = true));
  await ch.assertQueue('ack-in-time', { arguments: { 'x-consumer-timeout': 60_000 } });
  const { got } = await consumer(ch, 'ack-in-time', { ack: true });
  await publish('ack-in-time', ['a', 'b', 'c']);
  await waitFor(() => got.length === 3, 'three deliveries');
  // A round trip after the acks: the channel is still open.
  assert.equal((await ch.checkQueue('ack-in-time')).messageCount, 0);
  assert.equal(closed, false);
  await ch.close();
});

test('brook.amqp.consumer.timeout.ms applies to every queue, basic.get included; 0 turns it off', async () => {
  const b = await startAmqpBroker({ 'brook.amqp.consumer.timeout.ms': '1000' });
  const c = await connect(b.amqpUrl);
  try {
    const ch = await confirmChannel(c);
    await ch.assertQueue('global-timeout');
    ch.sendToQueue('global-timeout', Buffer.from('held'));
    await ch.waitForConfirms();
    const error = closedWith(ch);
    const m = await ch.get('global-timeout');
    assert.ok(m);
    const e = await error;
    assert.equal(TIMEOUT_TEXT.exec(e.message)?.[1], '1000');
    const ch2 = await channel(c);
    const again = await waitFor(() => ch2.get('global-timeout', { noAck: true }), 'the message back');
    assert.equal(again.fields.redelivered, true);
  } finally {
    await c.close().catch(() => {});
    await b.close();
  }
  const e = await rejection(startAmqpBroker({ 'brook.amqp.consumer.timeout.ms': '-1' }));
  assert.match(e.message, /consumer\.timeout\.ms/);
});

test('x-consumer-timeout must be a positive integer (406 on declare)', async () => {
  const ch = await channel(conn);
  const e = await rejection(ch.assertQueue('bad-timeout', { arguments: { 'x-consumer-timeout': 'soon' } }));
  assert.match(e.message, /406 .*invalid arg 'x-consumer-timeout'/);
});

test('single active consumer: only the first consumer receives; the next takes over on cancel, then on channel close', async () => {
  const ch1 = await channel(conn);
  const ch2 = await channel(conn);
  const ch3 = await channel(conn);
  await ch1.assertQueue('sac', { arguments: { 'x-single-active-consumer': true } });
  const first = await consumer(ch1, 'sac', { ack: true });
  const second = await consumer(ch2, 'sac');
  const third = await consumer(ch3, 'sac', { ack: true });
  await publish('sac', ['1', '2', '3']);
  await waitFor(() => first.got.length === 3, 'three deliveries to the first consumer');
  assert.equal(second.got.length + third.got.length, 0);

  await ch1.cancel(first.tag);
  await publish('sac', ['4', '5']);
  await waitFor(() => second.got.length === 2, 'the second consumer to take over');
  assert.deepEqual(second.got.map((m) => m.content.toString()), ['4', '5']);
  assert.equal(third.got.length, 0);

  // The second closes its channel holding two unacknowledged messages: the third gets them, redelivered, then the rest.
  await ch2.close();
  await publish('sac', ['6']);
  await waitFor(() => third.got.length === 3, 'the third consumer to take over');
  assert.deepEqual(third.got.map((m) => [m.content.toString(), m.fields.redelivered]), [['4', true], ['5', true], ['6', false]]);
  assert.equal(first.got.length, 3);
  await ch1.close();
  await ch3.close();
});

test('single active consumer with priorities: a higher-priority newcomer takes over once the active one has acknowledged', async () => {
  const ch1 = await channel(conn);
  const ch2 = await channel(conn);
  await ch1.assertQueue('sac-priority', { arguments: { 'x-single-active-consumer': true } });
  await ch1.prefetch(1);
  const low = await consumer(ch1, 'sac-priority');
  await publish('sac-priority', ['a', 'b']);
  await waitFor(() => low.got.length === 1, 'a delivery to the only consumer');
  const high = await consumer(ch2, 'sac-priority', { priority: 5, ack: true });
  // The newcomer waits while the active consumer holds 'a'; after its ack the newcomer gets 'b'.
  assert.equal(high.got.length, 0);
  ch1.ack(low.got[0]!);
  await waitFor(() => high.got.length === 1, 'the higher-priority consumer to take over');
  assert.equal(high.got[0]!.content.toString(), 'b');
  await publish('sac-priority', ['c']);
  await waitFor(() => high.got.length === 2, 'the next delivery to the new active consumer');
  assert.equal(low.got.length, 1);
  await ch1.close();
  await ch2.close();
});

test('x-single-active-consumer must be a boolean (406 on declare)', async () => {
  const ch = await channel(conn);
  const e = await rejection(ch.assertQueue('bad-sac', { arguments: { 'x-single-active-consumer': 'yes' } }));
  assert.match(e.message, /406 .*invalid arg 'x-single-active-consumer'/);
});

test('x-priority must be an integer (406 with RabbitMQ\'s text)', async () => {
  const ch = await channel(conn);
  await ch.assertQueue('bad-priority');
  const e = await rejection(ch.consume('bad-priority', () => {}, { arguments: { 'x-priority': 'high' } }));
  assert.match(e.message, /406 .*invalid arg 'x-priority' for queue 'bad-priority' in vhost '\/': "expected integer, got longstr"/);
});

test('consumer priorities: the higher-priority consumer gets everything while it has credit; the lower one then gets the rest', async () => {
  const chLow = await channel(conn);
  const chHigh = await channel(conn);
  await chLow.assertQueue('consumer-priority');
  await chHigh.prefetch(3);
  const low = await consumer(chLow, 'consumer-priority', { priority: 1, ack: true });
  const high = await consumer(chHigh, 'consumer-priority', { priority: 10 });
  await publish('consumer-priority', ['1', '2', '3']);
  await waitFor(() => high.got.length === 3, 'three deliveries to the high-priority consumer');
  assert.equal(low.got.length, 0);
  // The high-priority consumer is now blocked by its prefetch: the low-priority one gets the next.
  await publish('consumer-priority', ['4']);
  await waitFor(() => low.got.length === 1, 'the low-priority consumer to get the overflow');
  assert.equal(low.got[0]!.content.toString(), '4');
  chHigh.ackAll();
  await chLow.close();
  await chHigh.close();
});
