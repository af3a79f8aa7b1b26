// Stream queues (x-queue-type=stream) through amqplib: consumers read the log from the position
// x-stream-offset names (first, a numeric offset, next, a timestamp), each message carries its
// x-stream-offset header, acknowledgements return credit without removing anything, and RabbitMQ's
// rules for stream consumers (manual ack, a prefetch count, no basic.get) hold. Retention
// (x-max-age, x-max-length-bytes, x-stream-max-segment-size-bytes) drops whole old segments.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelModel, ConsumeMessage } from 'amqplib';
import type { TestBroker } from '../helpers/broker.js';
import { channel, confirmChannel, connect, rejection, startAmqpBroker, waitFor } from './amqp-helpers.js';

let broker: TestBroker & { amqpUrl: string };
let conn: ChannelModel;
before(async () => {
  // Retention runs often here, for the retention test (x-max-age, x-max-length-bytes).
  broker = await startAmqpBroker({ 'log.retention.check.interval.ms': '100' });
  conn = await connect(broker.amqpUrl);
});
after(async () => {
  await conn.close().catch(() => {});
  await broker.close();
});

async function read(offset: unknown, count: number): Promise<{ bodies: string[]; offsets: number[] }> {
  const ch = await channel(conn);
  await ch.prefetch(3);
  const got: ConsumeMessage[] = [];
  const { consumerTag } = await ch.consume(
    'events',
    (m) => {
      if (!m) return;
      got.push(m);
      ch.ack(m);
    },
    { arguments: offset === undefined ? {} : { 'x-stream-offset': offset } },
  );
  await waitFor(() => got.length >= count, `${count} messages from ${String(offset)}`);
  await ch.cancel(consumerTag);
  await ch.close();
  return { bodies: got.map((m) => m.content.toString()), offsets: got.map((m) => Number(m.properties.headers?.['x-stream-offset'])) };
}

test('stream consumers read from first, an offset, a timestamp or next; nothing is consumed away', async () => {
  const ch = await confirmChannel(conn);
  await ch.assertQueue('events', { durable: true, arguments: { 'x-queue-type': 'stream' } });
  for (let i = 0; i < 10; i++) ch.sendToQueue('events', Buffer.from(`e${i}`), { persistent: true });
  await ch.waitForConfirms();
  const first = await read('first', 10);
  assert.deepEqual(first.bodies, Array.from({ length: 10 }, (_, i) => `e${i}`));
  assert.deepEqual(first.offsets, Array.from({ length: 10 }, (_, i) => i));
  const fromSix = await read(6, 4);
  assert.deepEqual(fromSix.bodies, ['e6', 'e7', 'e8', 'e9']);
  const byTime = await read({ '!': 'timestamp', value: Math.floor(Date.now() / 1000) - 60 }, 10);
  assert.equal(byTime.bodies[0], 'e0');
  // next: only what is published after the consumer starts.
  const c2 = await channel(conn);
  await c2.prefetch(10);
  const fresh: string[] = [];
  await c2.consume('events', (m) => {
    if (m) {
      fresh.push(m.content.toString());
      c2.ack(m);
    }
  }, { arguments: { 'x-stream-offset': 'next' } });
  ch.sendToQueue('events', Buffer.from('e10'));
  await ch.waitForConfirms();
  await waitFor(() => fresh.length === 1, 'the new message');
  assert.deepEqual(fresh, ['e10']);
  assert.equal((await ch.checkQueue('events')).messageCount, 11);
  // last: the last stored batch (RabbitMQ's last chunk); e11 is confirmed alone, so it is that batch.
  ch.sendToQueue('events', Buffer.from('e11'));
  await ch.waitForConfirms();
  const last = await read('last', 1);
  assert.deepEqual([last.bodies[0], last.offsets[0]], ['e11', 11]);
  // Deleting the stream cancels its consumers (basic.cancel from the server; amqplib passes null).
  let cancelled = false;
  await c2.consume('events', (m) => {
    if (m === null) cancelled = true;
  }, { arguments: { 'x-stream-offset': 'next' } });
  await ch.deleteQueue('events');
  await waitFor(() => cancelled, 'server cancel');
  await c2.close();
});

test('stream consumers need manual acks and a prefetch; basic.get is refused', async () => {
  let ch = await channel(conn);
  await ch.assertQueue('events', { durable: true, arguments: { 'x-queue-type': 'stream' } });
  await ch.prefetch(5);
  let e = await rejection(ch.consume('events', () => {}, { noAck: true }));
  assert.match(e.message, /406/);
  ch = await channel(conn);
  e = await rejection(ch.consume('events', () => {}));
  assert.match(e.message, /406.*prefetch/);
  // (amqplib rejects the get with its own error; the channel's close carries the reply code.)
  ch = await channel(conn);
  const closed: Error[] = [];
  ch.on('error', (err: Error) => closed.push(err));
  await rejection(ch.get('events'));
  await waitFor(() => closed.length > 0, 'channel close');
  assert.match(closed[0]!.message, /406.*basic.get is not supported by stream queues/);
});

/** The offset of the first message a consumer starting at 'first' gets. */
async function firstOffset(queue: string): Promise<number> {
  const ch = await channel(conn);
  await ch.prefetch(1);
  let offset: number | undefined;
  const { consumerTag } = await ch.consume(
    queue,
    (m) => {
      if (m && offset === undefined) offset = Number(m.properties.headers?.['x-stream-offset']);
    },
    { arguments: { 'x-stream-offset': 'first' } },
  );
  await waitFor(() => offset !== undefined, `a message from ${queue}`);
  await ch.cancel(consumerTag);
  await ch.close();
  return offset!;
}

test('stream retention: x-max-length-bytes and x-max-age drop whole old segments; first then starts later', async () => {
  const ch = await confirmChannel(conn);
  const body = Buffer.alloc(100, 'x');
  await ch.assertQueue('bounded-stream', { durable: true, arguments: { 'x-queue-type': 'stream', 'x-max-length-bytes': 1000, 'x-stream-max-segment-size-bytes': 300 } });
  // One batch per confirmed publish, so segments roll every couple of messages.
  for (let i = 0; i < 30; i++) {
    ch.sendToQueue('bounded-stream', body, { persistent: true });
    await ch.waitForConfirms();
  }
  // About 1000 bytes of the 30 messages (some 170 bytes each as stored) are kept.
  await waitFor(async () => (await firstOffset('bounded-stream')) > 10, 'old segments of bounded-stream to be dropped');
  const count = (await ch.checkQueue('bounded-stream')).messageCount;
  assert.ok(count < 20 && count > 0, `messages left: ${count}`);

  await ch.assertQueue('aged-stream', { durable: true, arguments: { 'x-queue-type': 'stream', 'x-max-age': '1s', 'x-stream-max-segment-size-bytes': 300 } });
  for (let i = 0; i < 5; i++) {
    ch.sendToQueue('aged-stream', body, { persistent: true });
    await ch.waitForConfirms();
  }
  // Segments older than a second go; a fresh publish now and then keeps a newer segment to read.
  await waitFor(async () => {
    ch.sendToQueue('aged-stream', body, { persistent: true });
    await ch.waitForConfirms();
    return (await firstOffset('aged-stream')) >= 5;
  }, 'the first five messages of aged-stream to age out');

  const bad = await channel(conn);
  const e = await rejection(bad.assertQueue('bad-age', { durable: true, arguments: { 'x-queue-type': 'stream', 'x-max-age': '7 days' } }));
  assert.match(e.message, /406 .*invalid arg 'x-max-age' for queue 'bad-age' in vhost '\/': invalid_max_age/);
});
