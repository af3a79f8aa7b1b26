// Queue features through amqplib that the other files do not cover: x-expires (an unused queue
// goes away), x-max-length-bytes with drop-head, x-queue-type=quorum (accepted, durable),
// basic.recover (unacked messages come back with redelivered=true), and
// brook.amqp.max.message.bytes (a larger body closes the channel with 406, as RabbitMQ's
// max_message_size does).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelModel, ConsumeMessage } from 'amqplib';
import type { TestBroker } from '../helpers/broker.js';
import { channel, confirmChannel, connect, rejection, startAmqpBroker, waitFor } from './amqp-helpers.js';

let broker: TestBroker & { amqpUrl: string };
let conn: ChannelModel;
before(async () => {
  broker = await startAmqpBroker({ 'brook.amqp.max.message.bytes': '1024' });
  conn = await connect(broker.amqpUrl);
});
after(async () => {
  await conn.close().catch(() => {});
  await broker.close();
});

test('x-expires: a queue without consumers or gets goes away; a passive declare then fails with 404', async () => {
  const ch = await channel(conn);
  await ch.assertQueue('short-lived', { arguments: { 'x-expires': 200 } });
  await waitFor(async () => {
    const probe = await channel(conn);
    const e = await probe.checkQueue('short-lived').then(() => null, (err: Error) => err);
    return e !== null && /404/.test(e.message);
  }, 'the queue to expire');
});

test('x-max-length-bytes with drop-head keeps the newest messages within the byte limit', async () => {
  const ch = await confirmChannel(conn);
  await ch.assertQueue('byte-capped', { durable: true, arguments: { 'x-max-length-bytes': 30 } });
  for (let i = 0; i < 5; i++) ch.sendToQueue('byte-capped', Buffer.from(`message-${i}`), { persistent: true }); // 9 bytes each
  await ch.waitForConfirms();
  // (The head is dropped just after the appends are confirmed, not before: wait for it.)
  await waitFor(async () => (await ch.checkQueue('byte-capped')).messageCount === 3, 'the queue within 30 bytes');
  const got: string[] = [];
  for (;;) {
    const m = await ch.get('byte-capped', { noAck: true });
    if (m === false) break;
    got.push(m.content.toString());
  }
  assert.deepEqual(got, ['message-2', 'message-3', 'message-4']);
});

test('x-queue-type=quorum is accepted; redeclaring it as classic is 406 (inequivalent arg)', async () => {
  const ch = await channel(conn);
  const ok = await ch.assertQueue('quorum-q', { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  assert.equal(ok.queue, 'quorum-q');
  const ch2 = await channel(conn);
  const e = await rejection(ch2.assertQueue('quorum-q', { durable: true, arguments: { 'x-queue-type': 'classic' } }));
  assert.match(e.message, /406/);
});

test('basic.recover redelivers unacknowledged messages with redelivered=true', async () => {
  const pub = await confirmChannel(conn);
  await pub.assertQueue('recover-q');
  pub.sendToQueue('recover-q', Buffer.from('r1'));
  pub.sendToQueue('recover-q', Buffer.from('r2'));
  await pub.waitForConfirms();
  const ch = await channel(conn);
  const seen: ConsumeMessage[] = [];
  await ch.consume('recover-q', (m) => {
    if (m) seen.push(m);
  });
  await waitFor(() => seen.length === 2, 'two deliveries');
  assert.ok(seen.every((m) => !m.fields.redelivered));
  await ch.recover();
  await waitFor(() => seen.length === 4, 'two redeliveries');
  assert.deepEqual(seen.slice(2).map((m) => [m.content.toString(), m.fields.redelivered]), [['r1', true], ['r2', true]]);
  ch.ackAll();
});

test('a body over brook.amqp.max.message.bytes closes the channel with 406 and RabbitMQ\'s text', async () => {
  const ch = await channel(conn);
  await ch.assertQueue('size-q');
  const closed: Error[] = [];
  ch.on('error', (e: Error) => closed.push(e));
  ch.sendToQueue('size-q', Buffer.alloc(2048));
  await waitFor(() => closed.length > 0, 'the channel close');
  assert.match(closed[0]!.message, /406.*message size 2048 is larger than configured max size 1024/);
  const again = await channel(conn);
  assert.equal((await again.checkQueue('size-q')).messageCount, 0);
});
