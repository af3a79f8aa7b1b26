// Bad input on the AMQP listener gets RabbitMQ's answer and harms nobody else: a wrong protocol
// header is answered with AMQP 0-9-1's header and the socket closed; oversized and malformed frames,
// unknown methods, content longer than its header declared, frames on unopened channels and
// channels beyond channel_max close the connection (or channel) with the reply code RabbitMQ uses,
// while another client keeps publishing and consuming and durable messages stay.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameType, PROTOCOL_HEADER, encodeMethodFrame, encodeContentHeaderFrame, encodeProperties } from '../../src/amqp/index.js';
import type { TestBroker } from '../helpers/broker.js';
import { confirmChannel, connect, startAmqpBroker } from './amqp-helpers.js';
import { RawClient } from './raw-client.js';

let broker: TestBroker & { amqpUrl: string };
let port: number;
before(async () => {
  broker = await startAmqpBroker({ 'brook.amqp.frame.max': '8192' });
  port = broker.broker.amqpPort!;
});
after(async () => {
  await broker.close();
});

async function connectionClose(c: RawClient): Promise<{ replyCode: number; replyText: string }> {
  const m = await c.expectMethod('connection.close');
  await c.until(() => c.closed, 'socket closed', 5000).catch(() => {});
  return m;
}

test('a wrong protocol header is answered with the 0-9-1 header, then the socket closes', async () => {
  for (const header of [Buffer.from('AMQP\x00\x00\x09\x00'), Buffer.from('AMQP\x01\x01\x00\x0a'), Buffer.from('GET / HTTP/1.1\r\n\r\n')]) {
    const c = await RawClient.open(port);
    c.write(header);
    await c.until(() => c.closed, 'close');
    assert.ok(c.raw.equals(PROTOCOL_HEADER), `answer to ${header.toString('hex')}: ${c.raw.toString('hex')}`);
  }
});

test('a frame larger than frame_max is 501 FRAME_ERROR', async () => {
  const c = await RawClient.open(port);
  await c.handshake();
  await c.openChannel(1);
  const big = Buffer.alloc(8 + 10_000);
  big[0] = FrameType.Body;
  big.writeUInt16BE(1, 1);
  big.writeUInt32BE(10_000, 3);
  big[big.length - 1] = 0xce;
  c.write(big);
  const close = await connectionClose(c);
  assert.equal(close.replyCode, 501);
  assert.match(close.replyText, /^FRAME_ERROR/);
});

test('a bad frame-end octet is 501; truncated method arguments are 501 (RabbitMQ: cannot decode); an unknown method is 540; immediate=true is 540', async () => {
  const c1 = await RawClient.open(port);
  await c1.handshake();
  const f = encodeMethodFrame(0, { method: 'connection.update-secret', newSecret: Buffer.from('x'), reason: '' });
  f[f.length - 1] = 0;
  c1.write(f);
  assert.equal((await connectionClose(c1)).replyCode, 501);

  const c2 = await RawClient.open(port);
  await c2.handshake();
  await c2.openChannel(1);
  const truncated = Buffer.from([FrameType.Method, 0, 1, 0, 0, 0, 5, 0, 50, 0, 10, 0, 0xce]);
  c2.write(truncated);
  const undecodable = await connectionClose(c2);
  assert.equal(undecodable.replyCode, 501);
  assert.match(undecodable.replyText, /cannot decode/);

  const c3 = await RawClient.open(port);
  await c3.handshake();
  await c3.openChannel(1);
  c3.write(Buffer.from([FrameType.Method, 0, 1, 0, 0, 0, 4, 0, 99, 0, 7, 0xce]));
  const close = await connectionClose(c3);
  assert.equal(close.replyCode, 540);

  // basic.publish with immediate=true: 540 "immediate=true", as RabbitMQ since 3.0.
  const c4 = await RawClient.open(port);
  await c4.handshake();
  await c4.openChannel(1);
  c4.send(1, { method: 'basic.publish', ticket: 0, exchange: '', routingKey: 'nowhere', mandatory: false, immediate: true });
  c4.write(encodeContentHeaderFrame(1, 60, 0, encodeProperties({})));
  const immediate = await connectionClose(c4);
  assert.equal(immediate.replyCode, 540);
  assert.match(immediate.replyText, /immediate=true/);
});

test('content longer than its header declared is 505 UNEXPECTED_FRAME; a body without a publish too', async () => {
  const c = await RawClient.open(port);
  await c.handshake();
  await c.openChannel(1);
  c.send(1, { method: 'basic.publish', ticket: 0, exchange: '', routingKey: 'nowhere', mandatory: false, immediate: false });
  c.write(encodeContentHeaderFrame(1, 60, 3, encodeProperties({})));
  const body = Buffer.from([FrameType.Body, 0, 1, 0, 0, 0, 5, 1, 2, 3, 4, 5, 0xce]);
  c.write(body);
  const close = await connectionClose(c);
  assert.equal(close.replyCode, 505);

  const c2 = await RawClient.open(port);
  await c2.handshake();
  await c2.openChannel(1);
  c2.write(Buffer.from([FrameType.Body, 0, 1, 0, 0, 0, 1, 9, 0xce]));
  assert.equal((await connectionClose(c2)).replyCode, 505);
});

test('a method on an unopened channel is 504 CHANNEL_ERROR; opening past channel_max is 530 NOT_ALLOWED', async () => {
  const c = await RawClient.open(port);
  await c.handshake();
  c.send(3, { method: 'basic.qos', prefetchSize: 0, prefetchCount: 1, global: false });
  const close = await connectionClose(c);
  assert.equal(close.replyCode, 504);
  assert.match(close.replyText, /expected 'channel.open'/);

  const c2 = await RawClient.open(port);
  await c2.handshake({ channelMax: 2 });
  await c2.openChannel(1);
  await c2.openChannel(2);
  c2.send(3, { method: 'channel.open', outOfBand: '' });
  const close2 = await connectionClose(c2);
  assert.equal(close2.replyCode, 530);
  assert.match(close2.replyText, /channel_max \(2\)/);
});

test('a soft error closes only the channel: frames after it on that channel are ignored until close-ok', async () => {
  const c = await RawClient.open(port);
  await c.handshake();
  await c.openChannel(1);
  c.send(1, { method: 'queue.declare', ticket: 0, queue: 'missing-q', passive: true, durable: false, exclusive: false, autoDelete: false, nowait: false, arguments: [] });
  const close = await c.expectMethod('channel.close');
  assert.equal(close.replyCode, 404);
  assert.equal(close.classId, 50);
  assert.equal(close.methodId, 10);
  c.send(1, { method: 'basic.qos', prefetchSize: 0, prefetchCount: 1, global: false });
  c.send(1, { method: 'channel.close-ok' });
  await c.openChannel(1);
  assert.equal(c.closed, false);
  c.close();
});

test('after all of that, other clients are served and durable messages are intact', async () => {
  const conn = await connect(broker.amqpUrl);
  const ch = await confirmChannel(conn);
  await ch.assertQueue('survivor', { durable: true });
  ch.sendToQueue('survivor', Buffer.from('still here'), { persistent: true });
  await ch.waitForConfirms();
  const m = await ch.get('survivor', { noAck: true });
  assert.equal(m && m.content.toString(), 'still here');
  await conn.close();
});
