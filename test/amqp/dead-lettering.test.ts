// Dead-lettering, TTL and length limits through amqplib: a message rejected, expired (queue TTL and
// per-message expiration, with and without consumers) or pushed out by x-max-length reaches the
// dead-letter exchange with RabbitMQ's x-death header; reject-publish nacks the publisher, and
// reject-publish-dlx also dead-letters what it refuses.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelModel, ConfirmChannel, GetMessage } from 'amqplib';
import { confirmChannel, connect, startAmqpBroker, waitFor } from './amqp-helpers.js';
import type { TestBroker } from '../helpers/broker.js';

let broker: TestBroker & { amqpUrl: string };
let conn: ChannelModel;
let ch: ConfirmChannel;

before(async () => {
  broker = await startAmqpBroker();
  conn = await connect(broker.amqpUrl);
  ch = await confirmChannel(conn);
  await ch.assertExchange('dlx', 'direct', { durable: true });
});
after(async () => {
  await conn.close().catch(() => {});
  await broker.close();
});

async function deadLetterQueue(name: string, routingKey: string): Promise<void> {
  await ch.assertQueue(name, { durable: true });
  await ch.bindQueue(name, 'dlx', routingKey);
}

interface XDeath {
  count: number;
  reason: string;
  queue: string;
  exchange: string;
  'routing-keys': string[];
  'original-expiration'?: string;
}

function xDeath(m: GetMessage): XDeath[] {
  return (m.properties.headers?.['x-death'] ?? []) as XDeath[];
}

test('basic.reject without requeue dead-letters with reason rejected', async () => {
  await deadLetterQueue('dead-rejected', 'rejected');
  await ch.assertQueue('src-reject', { durable: true, arguments: { 'x-dead-letter-exchange': 'dlx', 'x-dead-letter-routing-key': 'rejected' } });
  ch.sendToQueue('src-reject', Buffer.from('bad job'), { persistent: true, headers: { attempt: 1 } });
  await ch.waitForConfirms();
  const m = await waitFor(() => ch.get('src-reject'), 'message');
  ch.reject(m, false);
  const dead = await waitFor(() => ch.get('dead-rejected', { noAck: true }), 'dead letter');
  assert.equal(dead.content.toString(), 'bad job');
  assert.equal(dead.fields.exchange, 'dlx');
  assert.equal(dead.fields.routingKey, 'rejected');
  assert.equal(dead.properties.headers?.attempt, 1);
  const [entry] = xDeath(dead);
  assert.equal(entry?.reason, 'rejected');
  assert.equal(entry?.queue, 'src-reject');
  assert.equal(entry?.count, 1);
  assert.equal(entry?.exchange, '');
  assert.deepEqual(entry?.['routing-keys'], ['src-reject']);
  assert.equal(dead.properties.headers?.['x-first-death-reason'], 'rejected');
});

test('x-message-ttl expires messages without any consumer and dead-letters them with reason expired', async () => {
  await deadLetterQueue('dead-expired', 'src-ttl');
  await ch.assertQueue('src-ttl', { durable: true, arguments: { 'x-message-ttl': 50, 'x-dead-letter-exchange': 'dlx' } });
  ch.sendToQueue('src-ttl', Buffer.from('late'));
  await ch.waitForConfirms();
  const dead = await waitFor(() => ch.get('dead-expired', { noAck: true }), 'expired dead letter');
  assert.equal(dead.content.toString(), 'late');
  assert.equal(xDeath(dead)[0]?.reason, 'expired');
  assert.equal((await ch.checkQueue('src-ttl')).messageCount, 0);
});

test('per-message expiration: expired messages are never delivered; original-expiration is kept', async () => {
  await deadLetterQueue('dead-per-message', 'src-exp');
  await ch.assertQueue('src-exp', { durable: true, arguments: { 'x-dead-letter-exchange': 'dlx' } });
  ch.sendToQueue('src-exp', Buffer.from('short'), { expiration: '30' });
  ch.sendToQueue('src-exp', Buffer.from('long'), { expiration: '600000' });
  await ch.waitForConfirms();
  const dead = await waitFor(() => ch.get('dead-per-message', { noAck: true }), 'expired dead letter');
  assert.equal(dead.content.toString(), 'short');
  assert.equal(dead.properties.expiration, undefined);
  assert.equal(xDeath(dead)[0]?.['original-expiration'], '30');
  const live = await waitFor(() => ch.get('src-exp', { noAck: true }), 'live message');
  assert.equal(live.content.toString(), 'long');
});

test('x-max-length drop-head dead-letters the oldest with reason maxlen; reject-publish nacks', async () => {
  await deadLetterQueue('dead-maxlen', 'src-maxlen');
  await ch.assertQueue('src-maxlen', { durable: true, arguments: { 'x-max-length': 2, 'x-dead-letter-exchange': 'dlx' } });
  for (const b of ['1', '2', '3', '4']) ch.sendToQueue('src-maxlen', Buffer.from(b));
  await ch.waitForConfirms();
  await waitFor(async () => (await ch.checkQueue('src-maxlen')).messageCount === 2, 'two left');
  const kept = [(await ch.get('src-maxlen', { noAck: true })) as GetMessage, (await ch.get('src-maxlen', { noAck: true })) as GetMessage].map((m) => m.content.toString());
  assert.deepEqual(kept, ['3', '4']);
  const dead: string[] = [];
  await waitFor(async () => {
    const m = await ch.get('dead-maxlen', { noAck: true });
    if (m) {
      assert.equal(xDeath(m)[0]?.reason, 'maxlen');
      dead.push(m.content.toString());
    }
    return dead.length === 2;
  }, 'two dead letters');
  assert.deepEqual(dead, ['1', '2']);

  await ch.assertQueue('src-reject-publish', { arguments: { 'x-max-length': 1, 'x-overflow': 'reject-publish' } });
  const outcomes = await Promise.all(
    ['a', 'b'].map(
      (b) => new Promise<string>((resolve) => ch.sendToQueue('src-reject-publish', Buffer.from(b), {}, (err) => resolve(err ? 'nack' : 'ack'))),
    ),
  );
  assert.deepEqual(outcomes, ['ack', 'nack']);
  assert.equal((await ch.checkQueue('src-reject-publish')).messageCount, 1);
});

test('x-overflow=reject-publish-dlx nacks the refused message and dead-letters it with reason maxlen', async () => {
  await deadLetterQueue('dead-rpdlx', 'src-rpdlx');
  await ch.assertQueue('src-rpdlx', { durable: true, arguments: { 'x-max-length': 1, 'x-overflow': 'reject-publish-dlx', 'x-dead-letter-exchange': 'dlx' } });
  const outcomes = await Promise.all(
    ['kept', 'refused'].map(
      (b) => new Promise<string>((resolve) => ch.sendToQueue('src-rpdlx', Buffer.from(b), { persistent: true, headers: { origin: b } }, (err) => resolve(err ? 'nack' : 'ack'))),
    ),
  );
  assert.deepEqual(outcomes, ['ack', 'nack']);
  assert.equal((await ch.checkQueue('src-rpdlx')).messageCount, 1);
  const dead = await waitFor(() => ch.get('dead-rpdlx', { noAck: true }), 'the refused message in the dead-letter queue');
  assert.equal(dead.content.toString(), 'refused');
  assert.equal(dead.properties.headers?.origin, 'refused');
  assert.equal(dead.properties.deliveryMode, 2);
  const [death] = xDeath(dead);
  assert.equal(death?.reason, 'maxlen');
  assert.equal(death?.queue, 'src-rpdlx');
  assert.equal(dead.properties.headers?.['x-first-death-reason'], 'maxlen');
  assert.equal((await ch.get('src-rpdlx', { noAck: true }) as GetMessage).content.toString(), 'kept');

  // A dead-letter exchange leading back to the same full queue: the refused copy is dropped (no loop).
  await ch.assertExchange('dlx-loop', 'fanout');
  await ch.assertQueue('src-rpdlx-loop', { arguments: { 'x-max-length': 1, 'x-overflow': 'reject-publish-dlx', 'x-dead-letter-exchange': 'dlx-loop' } });
  await ch.bindQueue('src-rpdlx-loop', 'dlx-loop', '');
  const loop = await Promise.all(['x', 'y'].map((b) => new Promise<string>((resolve) => ch.sendToQueue('src-rpdlx-loop', Buffer.from(b), {}, (err) => resolve(err ? 'nack' : 'ack')))));
  assert.deepEqual(loop, ['ack', 'nack']);
  assert.equal((await ch.checkQueue('src-rpdlx-loop')).messageCount, 1);
});

test('a redelivered message dead-lettered twice from the same queue counts 2 in one x-death entry', async () => {
  await ch.assertExchange('retry', 'direct');
  await ch.assertQueue('work-retry', { arguments: { 'x-dead-letter-exchange': 'retry', 'x-dead-letter-routing-key': 'again' } });
  await ch.assertQueue('parking', { arguments: { 'x-message-ttl': 20, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'work-retry' } });
  await ch.bindQueue('parking', 'retry', 'again');
  ch.sendToQueue('work-retry', Buffer.from('flaky'));
  await ch.waitForConfirms();
  // Rejected twice from work-retry (parking's TTL sends it back each time): one entry, count 2.
  for (let round = 1; round <= 3; round++) {
    const m = await waitFor(() => ch.get('work-retry'), `round ${round}`);
    const entries = xDeath(m);
    const rejected = entries.find((e) => e.queue === 'work-retry' && e.reason === 'rejected');
    assert.equal(rejected?.count, round === 1 ? undefined : round - 1);
    if (round > 1) assert.equal(entries.find((e) => e.queue === 'parking')?.reason, 'expired');
    if (round > 1) assert.equal(entries[0]?.queue, 'parking', 'the newest death first');
    if (round < 3) ch.reject(m, false);
    else ch.ack(m);
  }
});
