// Connection-level behaviour: users and virtual hosts from configuration (PLAIN and AMQPLAIN),
// guest only from loopback, frame_max negotiation (large bodies split into frames both ways),
// heartbeats both ways, and connection.blocked/unblocked following the broker's resource alarm.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import amqplib from 'amqplib';
import { ConfigAuthenticator, parseUsers } from '../../src/broker/amqp/auth.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { brook } from '../cli/cli-harness.js';
import type { FieldTable } from '../../src/amqp/index.js';
import { confirmChannel, connect, channel, rejection, waitFor } from './amqp-helpers.js';
import { RawClient } from './raw-client.js';

let broker: TestBroker;
let port: number;
before(async () => {
  broker = await startTestBroker({
    amqpPort: 0,
    config: { 'brook.amqp.users': 'guest:guest,app:s3cret:/apps', 'brook.amqp.vhosts': '/,/apps', 'brook.amqp.frame.max': '65536', 'brook.amqp.heartbeat': '1' },
  });
  port = broker.broker.amqpPort!;
});
after(async () => {
  await broker.close();
});

test('configured users and vhosts: PLAIN and AMQPLAIN, vhost permissions, unknown vhosts, bad passwords', async () => {
  const app = await connect(`amqp://app:s3cret@127.0.0.1:${port}/%2Fapps`);
  await (await channel(app)).assertQueue('in-apps');
  await app.close();
  const plain = await amqplib.connect({ hostname: '127.0.0.1', port, vhost: '/apps' }, { credentials: amqplib.credentials.amqplain('app', 's3cret') });
  await (await plain.createChannel()).checkQueue('in-apps');
  await plain.close();
  await rejection(amqplib.connect(`amqp://app:s3cret@127.0.0.1:${port}/`));
  await rejection(amqplib.connect(`amqp://app:wrong@127.0.0.1:${port}/%2Fapps`));
  // The reply texts, as RabbitMQ words them.
  const open = async (user: string, password: string, vhost: string): Promise<string> => {
    const raw = await RawClient.open(port);
    raw.write(Buffer.from('AMQP\x00\x00\x09\x01'));
    await raw.expectMethod('connection.start');
    const caps: FieldTable = [['capabilities', { type: 'F', value: [['authentication_failure_close', { type: 't', value: true }]] }]];
    raw.send(0, { method: 'connection.start-ok', clientProperties: caps, mechanism: 'PLAIN', response: Buffer.from(`\0${user}\0${password}`), locale: 'en_US' });
    await raw.until(() => raw.received.some((r) => r.method?.method === 'connection.tune' || r.method?.method === 'connection.close'), 'tune or close');
    if (raw.received.some((r) => r.method?.method === 'connection.tune')) {
      raw.send(0, { method: 'connection.tune-ok', channelMax: 0, frameMax: 0, heartbeat: 0 });
      raw.send(0, { method: 'connection.open', virtualHost: vhost, capabilities: '', insist: false });
    }
    const close = await raw.expectMethod('connection.close');
    raw.close();
    return `${close.replyCode} ${close.replyText}`;
  };
  assert.equal(await open('app', 's3cret', '/'), "530 NOT_ALLOWED - access to vhost '/' refused for user 'app'");
  assert.equal(await open('guest', 'guest', '/nope'), '530 NOT_ALLOWED - vhost /nope not found');
  assert.equal(await open('app', 'wrong', '/apps'), '403 ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile.');
  // The default vhost does not see /apps' queue.
  const guest = await connect(`amqp://guest:guest@127.0.0.1:${port}`);
  await assert.rejects((await channel(guest)).checkQueue('in-apps'), /404/);
  await guest.close();
});

test("the broker's users (brook user create) log in over AMQP with PLAIN and AMQPLAIN, in every vhost; a wrong password is refused", async () => {
  const created = await brook(broker.bootstrap, ['user', 'create', 'dora', '--password', 'dora-pass', '--iterations', '4096']);
  assert.equal(created.code, 0, created.stderr);
  const viaPlain = await connect(`amqp://dora:dora-pass@127.0.0.1:${port}/%2Fapps`);
  await (await channel(viaPlain)).assertQueue('dora-q');
  await viaPlain.close();
  const viaAmqplain = await amqplib.connect({ hostname: '127.0.0.1', port, vhost: '/' }, { credentials: amqplib.credentials.amqplain('dora', 'dora-pass') });
  await viaAmqplain.close();
  await rejection(amqplib.connect(`amqp://dora:wrong@127.0.0.1:${port}/`));
  await rejection(amqplib.connect(`amqp://nobody:dora-pass@127.0.0.1:${port}/`));
});

test('guest may log in only from loopback addresses (RabbitMQ loopback_users)', async () => {
  const auth = new ConfigAuthenticator(parseUsers('guest:guest,ops:pw'), true);
  const plain = (u: string, p: string): Buffer => Buffer.from(`\0${u}\0${p}`);
  assert.equal((await auth.authenticate('PLAIN', plain('guest', 'guest'), '127.0.0.1')).ok, true);
  assert.equal((await auth.authenticate('PLAIN', plain('guest', 'guest'), '::ffff:127.0.0.1')).ok, true);
  assert.equal((await auth.authenticate('PLAIN', plain('guest', 'guest'), '10.0.0.7')).ok, false);
  assert.equal((await auth.authenticate('PLAIN', plain('ops', 'pw'), '10.0.0.7')).ok, true);
  assert.equal((await new ConfigAuthenticator(parseUsers('guest:guest'), false).authenticate('PLAIN', plain('guest', 'guest'), '10.0.0.7')).ok, true);
});

test('frame_max: the client lowers it to 4096 and 300 KiB bodies travel split into frames both ways', async () => {
  const c = await connect(`amqp://guest:guest@127.0.0.1:${port}?frameMax=4096`);
  const ch = await confirmChannel(c);
  await ch.assertQueue('big', { exclusive: true });
  const body = Buffer.alloc(300 * 1024);
  for (let i = 0; i < body.length; i++) body[i] = (i * 31) & 0xff;
  ch.sendToQueue('big', body);
  await ch.waitForConfirms();
  const m = await waitFor(() => ch.get('big', { noAck: true }), 'big message');
  assert.ok(m.content.equals(body));
  await c.close();
  // Asking for more than the server offers is 530 NOT_ALLOWED.
  const raw = await RawClient.open(port);
  raw.write(Buffer.from('AMQP\x00\x00\x09\x01'));
  await raw.expectMethod('connection.start');
  raw.send(0, { method: 'connection.start-ok', clientProperties: [], mechanism: 'PLAIN', response: Buffer.from('\0guest\0guest'), locale: 'en_US' });
  const tune = await raw.expectMethod('connection.tune');
  assert.equal(tune.frameMax, 65536);
  raw.send(0, { method: 'connection.tune-ok', channelMax: 0, frameMax: 1 << 20, heartbeat: 0 });
  const close = await raw.expectMethod('connection.close');
  assert.equal(close.replyCode, 530);
  raw.close();
});

test('heartbeats: the server sends them, and drops a client that stops sending', async () => {
  const raw = await RawClient.open(port);
  raw.write(Buffer.from('AMQP\x00\x00\x09\x01'));
  await raw.expectMethod('connection.start');
  raw.send(0, { method: 'connection.start-ok', clientProperties: [], mechanism: 'PLAIN', response: Buffer.from('\0guest\0guest'), locale: 'en_US' });
  const tune = await raw.expectMethod('connection.tune');
  assert.equal(tune.heartbeat, 1);
  raw.send(0, { method: 'connection.tune-ok', channelMax: 0, frameMax: 0, heartbeat: 1 });
  raw.send(0, { method: 'connection.open', virtualHost: '/', capabilities: '', insist: false });
  await raw.expectMethod('connection.open-ok');
  await raw.until(() => raw.received.some((r) => r.type === 8), 'a heartbeat frame');
  // Silent from here on: two intervals later the server closes the socket.
  await raw.until(() => raw.closed, 'disconnect after missed heartbeats', 10_000);
});

test('connection.blocked while the resource alarm is set: publishers wait, consumers go on; unblocked resumes them', async () => {
  const consumerConn = await connect(`amqp://guest:guest@127.0.0.1:${port}`);
  const cch = await channel(consumerConn);
  await cch.assertQueue('alarmed');
  const pubConn = await connect(`amqp://guest:guest@127.0.0.1:${port}`);
  const events: string[] = [];
  pubConn.on('blocked', (reason: string) => events.push(`blocked:${reason}`));
  pubConn.on('unblocked', () => events.push('unblocked'));
  const pch = await confirmChannel(pubConn);
  pch.sendToQueue('alarmed', Buffer.from('before'));
  await pch.waitForConfirms();
  // The broker's own alarm (src/broker/limits). Raised for disk: the memory monitor owns the memory
  // resource and clears it on its next check on a machine with memory to spare.
  broker.broker.state.resources.alarm.raise('disk', 'low on disk');
  const confirmed: string[] = [];
  pch.sendToQueue('alarmed', Buffer.from('held'), {}, () => confirmed.push('held'));
  await waitFor(() => events.includes('blocked:low on disk'), 'connection.blocked');
  // A connection that does not publish is not blocked: it still consumes.
  const before = await waitFor(() => cch.get('alarmed', { noAck: true }), 'consume during the alarm');
  assert.equal(before.content.toString(), 'before');
  assert.equal(confirmed.length, 0, 'a publish completed during the alarm');
  broker.broker.state.resources.alarm.clear('disk');
  await waitFor(() => events.includes('unblocked'), 'connection.unblocked');
  await waitFor(() => confirmed.includes('held'), 'the held publish is confirmed');
  const held = await waitFor(() => cch.get('alarmed', { noAck: true }), 'the held message');
  assert.equal(held.content.toString(), 'held');
  await pubConn.close();
  await consumerConn.close();
});
