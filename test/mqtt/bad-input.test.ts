// Bad input closes the one connection that sent it -- with the MQTT 5.0 reason code where there is one,
// silently on 3.1.1 -- logs a line, and the broker keeps serving everyone else: malformed remaining
// length, packets over the maximum size, a second CONNECT, PUBLISH to a wildcard topic, invalid UTF-8,
// a first packet that is not CONNECT, refused CONNECTs, and random garbage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect as netConnect } from 'node:net';
import { ReasonCode } from '../../src/mqtt/index.js';
import { RawClient, connectClient, startMqttBroker, type MqttTestBroker, type TestClient } from './mqtt-helpers.js';

let b: MqttTestBroker;
let bystander: TestClient;
let sender: TestClient;
let delivered = 0;
before(async () => {
  b = await startMqttBroker({ 'brook.mqtt.max.packet.size': '4096', 'brook.mqtt.users': 'alice:secret', 'brook.mqtt.allow.anonymous': 'true' });
  bystander = await connectClient(b.url, { clientId: 'bystander', protocolVersion: 5 });
  await bystander.client.subscribeAsync('alive', { qos: 1 });
  sender = await connectClient(b.url, { clientId: 'bystander-pub' });
});
after(async () => {
  await bystander.close();
  await sender.close();
  await b.close();
});

/** The broker still serves the connected bystander. */
async function stillServing(): Promise<void> {
  await sender.client.publishAsync('alive', `ping ${++delivered}`, { qos: 1 });
  await bystander.waitFor(delivered);
}

function logged(pattern: RegExp): boolean {
  return b.logs.some((r) => pattern.test(`${r.msg} ${JSON.stringify(r.fields)}`));
}

async function closedWith(c: RawClient, reasonCode: number): Promise<void> {
  const d = await c.next('disconnect');
  assert.equal(d.reasonCode, reasonCode, `DISCONNECT ${d.reasonCode.toString(16)}: ${d.properties?.reasonString ?? ''}`);
  await c.closedPromise;
}

test('malformed remaining length (a fifth length byte): DISCONNECT 0x81', async () => {
  const c = await RawClient.connected(b.mqttPort, 5, 'bad-rl');
  c.writeRaw([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]);
  await closedWith(c, ReasonCode.MalformedPacket);
  assert.ok(logged(/closing MQTT connection.*Malformed Packet.*remaining length/));
  await stillServing();
});

test('a packet over the maximum packet size: DISCONNECT 0x95, before its body arrives', async () => {
  const c = await RawClient.connected(b.mqttPort, 5, 'too-big');
  c.writeRaw([0x30, 0x80, 0x80, 0x40]); // announces 1 MiB
  await closedWith(c, ReasonCode.PacketTooLarge);
  await stillServing();
});

test('a second CONNECT: DISCONNECT 0x82 (Protocol Error)', async () => {
  const c = await RawClient.connected(b.mqttPort, 5, 'twice');
  c.send({ type: 'connect', protocolVersion: 5, cleanStart: true, keepAlive: 60, clientId: 'twice' });
  await closedWith(c, ReasonCode.ProtocolError);
  await stillServing();
});

test('PUBLISH to a wildcard topic: DISCONNECT 0x90 on 5.0, a plain close on 3.1.1', async () => {
  const v5 = await RawClient.connected(b.mqttPort, 5, 'wild5');
  v5.send({ type: 'publish', topic: 'a/+/b', payload: Buffer.from('x'), qos: 1, retain: false, dup: false, packetId: 1 });
  await closedWith(v5, ReasonCode.TopicNameInvalid);
  const v4 = await RawClient.connected(b.mqttPort, 4, 'wild4');
  v4.send({ type: 'publish', topic: 'a/#', payload: Buffer.from('x'), qos: 0, retain: false, dup: false });
  await v4.closedPromise;
  assert.equal(v4.packets.length, 0, '3.1.1 has no DISCONNECT from the server');
  await stillServing();
});

test('invalid UTF-8 in a topic name and U+0000: DISCONNECT 0x81', async () => {
  const c = await RawClient.connected(b.mqttPort, 5, 'utf8');
  // PUBLISH QoS 0, topic of 2 bytes: 0xC3 0x28 (an invalid sequence), no properties.
  c.writeRaw([0x30, 0x05, 0x00, 0x02, 0xc3, 0x28, 0x00]);
  await closedWith(c, ReasonCode.MalformedPacket);
  const z = await RawClient.connected(b.mqttPort, 5, 'nul');
  z.writeRaw([0x30, 0x05, 0x00, 0x02, 0x61, 0x00, 0x00]);
  await closedWith(z, ReasonCode.MalformedPacket);
  await stillServing();
});

test('a first packet that is not CONNECT, and garbage: the connection closes', async () => {
  const c = await RawClient.open(b.mqttPort, 5);
  c.send({ type: 'pingreq' });
  await c.closedPromise;
  const g = netConnect(b.mqttPort, '127.0.0.1');
  g.on('error', () => {});
  await new Promise<void>((resolve) => g.once('connect', () => resolve()));
  g.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
  await new Promise<void>((resolve) => g.once('close', () => resolve()));
  await stillServing();
});

test('CONNECT refusals: unsupported protocol level, bad password, 3.1.1 empty client id with a persistent session', async () => {
  const level6 = await RawClient.open(b.mqttPort, 4);
  level6.writeRaw([0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x06, 0x02, 0x00, 0x3c, 0x00, 0x00]);
  assert.equal((await level6.next('connack')).reasonCode, 1, '3.1.1 return code 1: unacceptable protocol version');
  await level6.closedPromise;
  const badPassword = await RawClient.open(b.mqttPort, 5);
  badPassword.send({ type: 'connect', protocolVersion: 5, cleanStart: true, keepAlive: 60, clientId: 'x', username: 'alice', password: Buffer.from('wrong') });
  assert.equal((await badPassword.next('connack')).reasonCode, ReasonCode.BadUserNameOrPassword);
  await badPassword.closedPromise;
  const good = await RawClient.connected(b.mqttPort, 5, 'alice-1', { username: 'alice', password: Buffer.from('secret') });
  good.destroy();
  const emptyId = await RawClient.open(b.mqttPort, 4);
  emptyId.send({ type: 'connect', protocolVersion: 4, cleanStart: false, keepAlive: 60, clientId: '' });
  assert.equal((await emptyId.next('connack')).reasonCode, 2, 'identifier rejected');
  await emptyId.closedPromise;
  assert.ok(logged(/refused an MQTT connection/));
  await stillServing();
});

test('keep alive: no packet for 1.5 times the interval closes the connection with 0x8D', async () => {
  const c = await RawClient.connected(b.mqttPort, 5, 'sleepy', { keepAlive: 1 });
  await closedWith(c, ReasonCode.KeepAliveTimeout);
  await stillServing();
});

test('a client that connects and never sends CONNECT is closed after brook.mqtt.connect.timeout.ms', async () => {
  const quick = await startMqttBroker({ 'brook.mqtt.connect.timeout.ms': '200' });
  try {
    const c = await RawClient.open(quick.mqttPort, 5);
    await c.closedPromise;
  } finally {
    await quick.close();
  }
});
