// RabbitMQ semantics through amqplib, unmodified, against an in-process Brook: publishing with
// confirms, every basic property, consuming with acks, requeue and redelivered, prefetch,
// competing consumers, exchanges of every type, alternate exchanges, mandatory returns, queue
// rules and their reply codes, and closing channels with unacked messages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelModel, ConsumeMessage } from 'amqplib';
import { channel, confirmChannel, connect, rejection, startAmqpBroker, waitFor } from './amqp-helpers.js';
import type { TestBroker } from '../helpers/broker.js';

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

// (amqplib does not send cluster-id; the pika and codec tests cover the 14th property.)
test('publish with confirms, consume with acks: body and the basic properties arrive unchanged', async () => {
  const ch = await confirmChannel(conn);
  await ch.assertQueue('props', { durable: true });
  const props = {
    contentType: 'application/json',
    contentEncoding: 'gzip',
    headers: { s: 'text', n: 42, neg: -7, big: 2 ** 40, f: 1.5, t: true, nested: { a: [1, 'two', false] }, nul: null },
    deliveryMode: 2,
    priority: 5,
    correlationId: 'corr-1',
    replyTo: 'reply.q',
    expiration: '600000',
    messageId: 'msg-1',
    timestamp: 1_700_000_000,
    type: 'order.created',
    userId: 'guest',
    appId: 'tests',
  };
  ch.sendToQueue('props', Buffer.from('{"x":1}'), props);
  await ch.waitForConfirms();
  const msg = await waitFor(() => ch.get('props'), 'a message');
  assert.equal(msg.content.toString(), '{"x":1}');
  assert.equal(msg.fields.redelivered, false);
  assert.equal(msg.fields.exchange, '');
  assert.equal(msg.fields.routingKey, 'props');
  const p = msg.properties;
  assert.deepEqual({ ...p, clusterId: undefined }, { ...props, clusterId: undefined });
  ch.ack(msg);
  await ch.close();
});

test('nack with requeue puts the message back in its place, redelivered', async () => {
  const ch = await confirmChannel(conn);
  await ch.assertQueue('requeue');
  for (const b of ['a', 'b', 'c']) ch.sendToQueue('requeue', Buffer.from(b));
  await ch.waitForConfirms();
  const first = await waitFor(() => ch.get('requeue'), 'a');
  assert.equal(first.content.toString(), 'a');
  ch.nack(first, false, true);
  const again = await waitFor(() => ch.get('requeue'), 'a again');
  assert.equal(again.content.toString(), 'a');
  assert.equal(again.fields.redelivered, true);
  const second = await waitFor(() => ch.get('requeue'), 'b');
  assert.equal(second.content.toString(), 'b');
  assert.equal(second.fields.redelivered, false);
  ch.ack(second);
  ch.reject(again, false);
  const third = await waitFor(() => ch.get('requeue'), 'c');
  assert.equal(third.content.toString(), 'c');
  ch.ack(third);
  await waitFor(async () => (await ch.checkQueue('requeue')).messageCount === 0, 'empty queue');
  await ch.close();
});

test('competing consumers: 10,000 messages, none lost or duplicated, prefetch never exceeded', async () => {
  const pub = await confirmChannel(conn);
  await pub.assertQueue('work', { durable: true });
  const total = 10_000;
  const prefetch = 7;
  const seen = new Map<string, number>();
  let overLimit = 0;
  const consumers = await Promise.all(
    [0, 1, 2].map(async (i) => {
      const c = await connect(broker.amqpUrl);
      const ch = await channel(c);
      await ch.prefetch(prefetch);
      let inFlight = 0;
      const held: ConsumeMessage[] = [];
      await ch.consume('work', (m) => {
        if (!m) return;
        inFlight++;
        if (inFlight > prefetch) overLimit++;
        seen.set(m.content.toString(), (seen.get(m.content.toString()) ?? 0) + 1);
        held.push(m);
        // Ack in small bursts (some multiple) on a later turn, so deliveries overlap acks.
        setImmediate(() => {
          const batch = held.splice(0);
          if (batch.length === 0) return;
          inFlight -= batch.length;
          if (i === 0 && batch.length > 1) ch.ack(batch[batch.length - 1]!, true);
          else for (const b of batch) ch.ack(b);
        });
      });
      return c;
    }),
  );
  for (let i = 0; i < total; i++) pub.sendToQueue('work', Buffer.from(String(i)), { persistent: true });
  await pub.waitForConfirms();
  await waitFor(() => seen.size === total, `${total} distinct messages (got ${seen.size})`, 120_000);
  assert.equal(overLimit, 0, 'a consumer held more than its prefetch');
  assert.equal([...seen.values()].filter((n) => n > 1).length, 0, 'duplicates');
  await waitFor(async () => (await pub.checkQueue('work')).messageCount === 0, 'drained');
  for (const c of consumers) await c.close();
  await pub.close();
});

test('exchanges: direct, fanout, topic, headers, exchange-to-exchange, alternate-exchange, mandatory returns', async () => {
  const ch = await confirmChannel(conn);
  const q = async (name: string): Promise<string> => (await ch.assertQueue(name, { exclusive: true })).queue;
  const drain = async (name: string): Promise<string[]> => {
    const out: string[] = [];
    for (let m = await ch.get(name, { noAck: true }); m; m = await ch.get(name, { noAck: true })) out.push(m.content.toString());
    return out;
  };
  await ch.assertExchange('x.direct', 'direct');
  await ch.assertExchange('x.fanout', 'fanout');
  await ch.assertExchange('x.topic', 'topic');
  await ch.assertExchange('x.headers', 'headers');
  await ch.assertExchange('x.alt', 'fanout');
  await ch.assertExchange('x.main', 'direct', { alternateExchange: 'x.alt' });
  for (const n of ['d1', 'f1', 'f2', 't1', 't2', 'h-all', 'h-any', 'e2e', 'alt']) await q(n);
  await ch.bindQueue('d1', 'x.direct', 'red');
  await ch.bindQueue('f1', 'x.fanout', '');
  await ch.bindQueue('f2', 'x.fanout', 'ignored');
  await ch.bindQueue('t1', 'x.topic', 'stock.*.nyse');
  await ch.bindQueue('t2', 'x.topic', 'stock.#');
  await ch.bindQueue('h-all', 'x.headers', '', { 'x-match': 'all', kind: 'a', size: 1 });
  await ch.bindQueue('h-any', 'x.headers', '', { 'x-match': 'any', kind: 'a', size: 1 });
  await ch.bindExchange('x.fanout', 'x.direct', 'blue');
  await ch.bindQueue('e2e', 'x.direct', 'blue');
  await ch.bindQueue('alt', 'x.alt', '');
  ch.publish('x.direct', 'red', Buffer.from('d-red'));
  ch.publish('x.direct', 'green', Buffer.from('d-green'));
  ch.publish('x.direct', 'blue', Buffer.from('d-blue'));
  ch.publish('x.topic', 'stock.ibm.nyse', Buffer.from('t-ibm'));
  ch.publish('x.topic', 'stock.eu.sap.xetra', Buffer.from('t-sap'));
  ch.publish('x.topic', 'stock', Buffer.from('t-none'));
  ch.publish('x.headers', '', Buffer.from('h-both'), { headers: { kind: 'a', size: 1 } });
  ch.publish('x.headers', '', Buffer.from('h-one'), { headers: { kind: 'a', size: 2 } });
  ch.publish('x.main', 'nobody', Buffer.from('to-alt'));
  const returned: string[] = [];
  ch.on('return', (m: ConsumeMessage) => returned.push(`${(m.fields as { replyCode?: number }).replyCode ?? ''}:${m.content.toString()}`));
  ch.publish('x.direct', 'nowhere', Buffer.from('unroutable'), { mandatory: true });
  await ch.waitForConfirms();
  assert.deepEqual(await drain('d1'), ['d-red']);
  assert.deepEqual(await drain('f1'), ['d-blue']);
  assert.deepEqual(await drain('f2'), ['d-blue']);
  assert.deepEqual(await drain('e2e'), ['d-blue']);
  assert.deepEqual(await drain('t1'), ['t-ibm']);
  assert.deepEqual(await drain('t2'), ['t-ibm', 't-sap', 't-none']);
  assert.deepEqual(await drain('h-all'), ['h-both']);
  assert.deepEqual(await drain('h-any'), ['h-both', 'h-one']);
  assert.deepEqual(await drain('alt'), ['to-alt']);
  await waitFor(() => returned.length === 1, 'basic.return');
  assert.deepEqual(returned, ['312:unroutable']);
  await ch.close();
});

test('queue rules answer with RabbitMQ reply codes; the connection keeps working', async () => {
  const c2 = await connect(broker.amqpUrl);
  let ch = await channel(conn);
  await ch.assertQueue('rules', { durable: true, arguments: { 'x-message-ttl': 60_000 } });
  let e = await rejection(ch.assertQueue('rules', { durable: false }));
  assert.match(e.message, /406.*inequivalent arg 'durable' for queue 'rules' in vhost '\/'/);
  ch = await channel(conn);
  e = await rejection(ch.assertQueue('rules', { durable: true, arguments: { 'x-message-ttl': 5 } }));
  assert.match(e.message, /406.*inequivalent arg 'x-message-ttl'/);
  ch = await channel(conn);
  e = await rejection(ch.checkQueue('missing'));
  assert.match(e.message, /404.*no queue 'missing' in vhost '\/'/);
  ch = await channel(conn);
  const mine = await ch.assertQueue('', { exclusive: true });
  const other = await channel(c2);
  e = await rejection(other.checkQueue(mine.queue));
  assert.match(e.message, /405.*RESOURCE_LOCKED/);
  e = await rejection((await channel(c2)).assertQueue('amq.reserved'));
  assert.match(e.message, /403.*reserved prefix 'amq\.\*'/);
  // COMMAND_INVALID is a hard error: it closes that connection only.
  const c4 = await connect(broker.amqpUrl);
  const closed: Error[] = [];
  c4.on('error', (err: Error) => closed.push(err));
  await rejection((await channel(c4)).assertExchange('bad', 'no-such-type'));
  await waitFor(() => closed.length > 0, 'connection error');
  assert.match(closed[0]!.message, /503.*invalid exchange type 'no-such-type'/);
  // A hard error closes only that connection.
  const c3 = await connect(broker.amqpUrl);
  const ch3 = await channel(c3);
  await ch3.assertQueue('busy');
  await ch3.consume('busy', () => {});
  ch3.sendToQueue('busy', Buffer.from('x'));
  ch = await channel(conn);
  e = await rejection(ch.deleteQueue('busy', { ifUnused: true }));
  assert.match(e.message, /406.*in use/);
  ch = await channel(conn);
  await ch.assertQueue('full');
  ch.sendToQueue('full', Buffer.from('x'));
  await waitFor(async () => (await ch.checkQueue('full')).messageCount === 1, 'one message');
  e = await rejection(ch.deleteQueue('full', { ifEmpty: true }));
  assert.match(e.message, /406.*not empty/);
  ch = await channel(conn);
  assert.equal((await ch.purgeQueue('full')).messageCount, 1);
  assert.equal((await ch.deleteQueue('full', { ifEmpty: true })).messageCount, 0);
  await ch.close();
  await c2.close();
  await c3.close();
});

test('closing a channel returns its unacked messages, redelivered; deleting a queue cancels its consumers', async () => {
  const ch = await confirmChannel(conn);
  await ch.assertQueue('unacked');
  ch.sendToQueue('unacked', Buffer.from('keep-me'));
  await ch.waitForConfirms();
  const c2 = await connect(broker.amqpUrl);
  const ch2 = await channel(c2);
  const got = await waitFor(() => ch2.get('unacked'), 'first delivery');
  assert.equal(got.fields.redelivered, false);
  await ch2.close();
  const again = await waitFor(() => ch.get('unacked'), 'redelivery');
  assert.equal(again.content.toString(), 'keep-me');
  assert.equal(again.fields.redelivered, true);
  ch.ack(again);
  let cancelled = false;
  await ch.assertQueue('doomed');
  await ch.consume('doomed', (m) => {
    if (m === null) cancelled = true;
  });
  const ch3 = await channel(c2);
  await ch3.deleteQueue('doomed');
  await waitFor(() => cancelled, 'server-sent basic.cancel');
  await c2.close();
  await ch.close();
});

test('basic.get sees what was published just before it, on the same channel and from a closed one', async () => {
  const ch = await channel(conn);
  await ch.assertQueue('get-after-publish', { durable: true });
  // On one channel the get follows the publishes in the same read: they are in the queue for it.
  for (let i = 0; i < 20; i++) {
    ch.sendToQueue('get-after-publish', Buffer.from(`m${i}`), { persistent: i % 2 === 0 });
    const got = await ch.get('get-after-publish', { noAck: true });
    assert.ok(got, `get ${i} came back empty`);
    assert.equal(got.content.toString(), `m${i}`);
  }
  // A publisher on another connection that closed its channel (close-ok received): its message
  // is in the queue for the next get. (Closing the connection at once would not do: amqplib may
  // write connection.close ahead of the channel's buffered publish, and the broker drops frames
  // after it, as RabbitMQ does.)
  const other = await connect(broker.amqpUrl);
  const pub = await other.createChannel();
  pub.sendToQueue('get-after-publish', Buffer.from('from a closed channel'), { persistent: true });
  await pub.close();
  const got = await ch.get('get-after-publish', { noAck: true });
  await other.close();
  assert.ok(got, 'the closed publisher’s message is not in the queue');
  assert.equal(got.content.toString(), 'from a closed channel');
  await ch.close();
});
