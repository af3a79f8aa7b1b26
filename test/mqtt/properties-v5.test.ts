// MQTT 5.0 features with MQTT.js and a raw client: forwarded properties, message expiry, topic
// aliases both ways, subscription identifiers, No Local, Retain As Published, Receive Maximum (the
// client's and the server's), Maximum Packet Size (the client's), and the CONNACK's limits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ReasonCode } from '../../src/mqtt/index.js';
import { RawClient, connectClient, eventually, startMqttBroker, type MqttTestBroker } from './mqtt-helpers.js';

let b: MqttTestBroker;
before(async () => {
  b = await startMqttBroker({ 'brook.mqtt.receive.maximum': '3', 'brook.mqtt.topic.alias.maximum': '5' });
});
after(async () => {
  await b.close();
});

test('properties reach subscribers unchanged: user properties in order, content type, response topic, correlation data, payload format', async () => {
  const sub = await connectClient(b.url, { clientId: 'props-sub', protocolVersion: 5 });
  const pub = await connectClient(b.url, { clientId: 'props-pub', protocolVersion: 5 });
  await sub.client.subscribeAsync('props/t', { qos: 1 });
  await pub.client.publishAsync('props/t', 'héllo', {
    qos: 1,
    properties: {
      userProperties: { a: ['1', '2'], b: 'x' },
      contentType: 'text/plain',
      responseTopic: 'props/reply',
      correlationData: Buffer.from([1, 2, 3]),
      payloadFormatIndicator: true,
    },
  });
  const [r] = await sub.waitFor(1);
  const p = r!.packet.properties!;
  assert.deepEqual({ ...p.userProperties }, { a: ['1', '2'], b: 'x' });
  assert.equal(p.contentType, 'text/plain');
  assert.equal(p.responseTopic, 'props/reply');
  assert.deepEqual([...p.correlationData!], [1, 2, 3]);
  assert.equal(p.payloadFormatIndicator, true);
  assert.equal(p.messageExpiryInterval, undefined);
  await sub.close();
  await pub.close();
});

test('message expiry: the interval counts down, and a message that expired while queued is not delivered', async () => {
  const sub = await connectClient(b.url, { clientId: 'exp-sub', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 600 } });
  const pub = await connectClient(b.url, { clientId: 'exp-pub', protocolVersion: 5 });
  await sub.client.subscribeAsync('expiry/#', { qos: 1 });
  await pub.client.publishAsync('expiry/live', 'x', { qos: 1, properties: { messageExpiryInterval: 100 } });
  const [live] = await sub.waitFor(1);
  const left = live!.packet.properties!.messageExpiryInterval!;
  assert.ok(left > 0 && left <= 100, `${left}`);
  await sub.close();
  const publishedAt = Date.now();
  await pub.client.publishAsync('expiry/short', 'gone', { qos: 1, properties: { messageExpiryInterval: 1 } });
  await pub.client.publishAsync('expiry/long', 'kept', { qos: 1, properties: { messageExpiryInterval: 600 } });
  await eventually('both queued', () => b.broker.mqtt!.registry.get('exp-sub')?.queued === 2);
  // The condition under test is the passing of the interval itself.
  await eventually('the short interval passed', () => Date.now() > publishedAt + 1100);
  const back = await connectClient(b.url, { clientId: 'exp-sub', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 600 }, resubscribe: false });
  const got = await back.waitFor(1);
  assert.deepEqual(got.map((r) => r.payload), ['kept']);
  await back.close();
  await pub.close();
});

test('topic aliases: the client may use them (up to the server maximum), and the server uses them when the client allows', async () => {
  const raw = await RawClient.connected(b.mqttPort, 5, 'alias-raw', { properties: { topicAliasMaximum: 2 } });
  raw.send({ type: 'subscribe', packetId: 1, subscriptions: [{ filter: 'alias/#', qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
  await raw.next('suback');
  const pub = await RawClient.connected(b.mqttPort, 5, 'alias-pub');
  pub.send({ type: 'publish', topic: 'alias/one', payload: Buffer.from('1'), qos: 1, retain: false, dup: false, packetId: 1, properties: { topicAlias: 1 } });
  pub.send({ type: 'publish', topic: '', payload: Buffer.from('2'), qos: 1, retain: false, dup: false, packetId: 2, properties: { topicAlias: 1 } });
  await pub.next('puback');
  await pub.next('puback');
  const first = await raw.next('publish');
  const second = await raw.next('publish');
  assert.deepEqual([first.topic, first.properties?.topicAlias, first.payload.toString()], ['alias/one', 1, '1']);
  assert.deepEqual([second.topic, second.properties?.topicAlias, second.payload.toString()], ['', 1, '2']);
  // MQTT.js resolves the aliases it is sent.
  const js = await connectClient(b.url, { clientId: 'alias-js', protocolVersion: 5, properties: { topicAliasMaximum: 10 } });
  await js.client.subscribeAsync('alias/#', { qos: 0 });
  pub.send({ type: 'publish', topic: 'alias/two', payload: Buffer.from('3'), qos: 1, retain: false, dup: false, packetId: 3 });
  pub.send({ type: 'publish', topic: 'alias/two', payload: Buffer.from('4'), qos: 1, retain: false, dup: false, packetId: 4 });
  assert.deepEqual((await js.waitFor(2)).map((r) => [r.topic, r.payload]), [
    ['alias/two', '3'],
    ['alias/two', '4'],
  ]);
  // Above the server's Topic Alias Maximum (5): DISCONNECT 0x94.
  pub.send({ type: 'publish', topic: 'alias/x', payload: Buffer.from('5'), qos: 0, retain: false, dup: false, properties: { topicAlias: 6 } });
  assert.equal((await pub.next('disconnect')).reasonCode, ReasonCode.TopicAliasInvalid);
  await pub.closedPromise;
  raw.destroy();
  await js.close();
});

test('subscription identifiers, No Local and Retain As Published', async () => {
  const c = await connectClient(b.url, { clientId: 'opts', protocolVersion: 5 });
  await c.client.subscribeAsync('opts/a', { qos: 1, properties: { subscriptionIdentifier: 7 } });
  await c.client.subscribeAsync('opts/+', { qos: 1, properties: { subscriptionIdentifier: 9 } });
  await c.client.subscribeAsync('opts/own', { qos: 1, nl: true });
  await c.client.subscribeAsync('opts/rap', { qos: 1, rap: true });
  const other = await connectClient(b.url, { clientId: 'opts-other', protocolVersion: 5 });
  await other.client.publishAsync('opts/a', 'a', { qos: 1 });
  const [a] = await c.waitFor(1);
  // One copy for the two overlapping subscriptions, carrying both identifiers.
  assert.deepEqual([...(a!.packet.properties!.subscriptionIdentifier as number[])].sort(), [7, 9]);
  await c.client.publishAsync('opts/own', 'mine', { qos: 1 }); // matches opts/own (No Local) and opts/+ (id 9)
  const [, own] = await c.waitFor(2);
  assert.equal(own!.packet.properties!.subscriptionIdentifier, 9, 'delivered only through opts/+');
  await other.client.publishAsync('opts/rap', 'r', { qos: 1, retain: true });
  const [, , rap] = await c.waitFor(3);
  assert.equal(rap!.packet.retain, true);
  await other.client.publishAsync('opts/rap', '', { qos: 1, retain: true });
  await c.close();
  await other.close();
});

test("flow control: the server holds deliveries beyond the client's Receive Maximum; a client beyond the server's is disconnected (0x93)", async () => {
  const raw = await RawClient.connected(b.mqttPort, 5, 'rm-client', { properties: { receiveMaximum: 2 } });
  raw.send({ type: 'subscribe', packetId: 1, subscriptions: [{ filter: 'rm/t', qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
  await raw.next('suback');
  const pub = await connectClient(b.url, { clientId: 'rm-pub' });
  for (let i = 0; i < 5; i++) await pub.client.publishAsync('rm/t', `${i}`, { qos: 1 });
  const session = b.broker.mqtt!.registry.get('rm-client')!;
  await eventually('two in flight, three queued', () => session.inFlight === 2 && session.queued === 3);
  const got = [await raw.next('publish'), await raw.next('publish')];
  assert.equal(raw.packets.filter((p) => p.type === 'publish').length, 0);
  raw.send({ type: 'puback', packetId: got[0]!.packetId!, reasonCode: 0 });
  const third = await raw.next('publish');
  assert.equal(third.payload.toString(), '2');
  raw.destroy();
  await pub.close();

  // The server's Receive Maximum is 3: a fourth unacknowledged QoS 1 publish in one write breaks it.
  const greedy = await RawClient.connected(b.mqttPort, 5, 'rm-greedy');
  greedy.writeRaw(Buffer.concat([1, 2, 3, 4].map((id) => Buffer.from(encode(id)))));
  assert.equal((await greedy.next('disconnect')).reasonCode, ReasonCode.ReceiveMaximumExceeded);
  await greedy.closedPromise;
});

function encode(id: number): Buffer {
  // PUBLISH QoS 1, topic "rm/g", packet id, empty properties, payload "x".
  return Buffer.from([0x32, 10, 0, 4, 0x72, 0x6d, 0x2f, 0x67, id >> 8, id & 0xff, 0, 0x78]);
}

test("the client's Maximum Packet Size: a larger message is not sent to it, smaller ones are", async () => {
  const raw = await RawClient.connected(b.mqttPort, 5, 'mps-client', { properties: { maximumPacketSize: 64 } });
  raw.send({ type: 'subscribe', packetId: 1, subscriptions: [{ filter: 'mps/#', qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
  await raw.next('suback');
  const pub = await connectClient(b.url, { clientId: 'mps-pub' });
  await pub.client.publishAsync('mps/big', 'x'.repeat(200), { qos: 1 });
  await pub.client.publishAsync('mps/small', 'ok', { qos: 1 });
  const got = await raw.next('publish');
  assert.equal(got.topic, 'mps/small');
  raw.destroy();
  await pub.close();
});

test("CONNACK carries the server's limits and an assigned client identifier", async () => {
  const raw = await RawClient.open(b.mqttPort, 5);
  raw.send({ type: 'connect', protocolVersion: 5, cleanStart: true, keepAlive: 30, clientId: '' });
  const ack = await raw.next('connack');
  assert.equal(ack.reasonCode, 0);
  assert.equal(ack.properties?.receiveMaximum, 3);
  assert.equal(ack.properties?.topicAliasMaximum, 5);
  assert.equal(ack.properties?.maximumPacketSize, 1048576);
  assert.match(ack.properties?.assignedClientIdentifier ?? '', /^brook-/);
  raw.destroy();
});
