// Sessions: persistent sessions queue QoS 1/2 messages while the client is away (3.1.1 Clean Session 0,
// 5.0 Session Expiry Interval), clean start discards them, sessions expire, delayed wills, and the QoS
// 1/2 handshakes survive a reconnect with their packet identifiers (raw client, Brook's codec).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ReasonCode } from '../../src/mqtt/index.js';
import { RawClient, connectClient, eventually, startMqttBroker, type MqttTestBroker } from './mqtt-helpers.js';

let b: MqttTestBroker;
before(async () => {
  b = await startMqttBroker({ 'brook.mqtt.max.queued.messages': '5' });
});
after(async () => {
  await b.close();
});

for (const protocolVersion of [4, 5] as const) {
  test(`a persistent session keeps its subscriptions and QoS 1/2 messages while away (MQTT ${protocolVersion === 4 ? '3.1.1' : '5.0'})`, async () => {
    const id = `persist-${protocolVersion}`;
    const props = protocolVersion === 5 ? { properties: { sessionExpiryInterval: 3600 } } : {};
    const first = await connectClient(b.url, { clientId: id, clean: false, protocolVersion, ...props });
    await first.client.subscribeAsync(`persist${protocolVersion}/#`, { qos: 2 });
    await first.close();
    const pub = await connectClient(b.url, { clientId: `${id}-pub`, protocolVersion });
    await pub.client.publishAsync(`persist${protocolVersion}/zero`, 'not kept', { qos: 0 });
    await pub.client.publishAsync(`persist${protocolVersion}/one`, 'kept 1', { qos: 1 });
    await pub.client.publishAsync(`persist${protocolVersion}/two`, 'kept 2', { qos: 2 });
    await eventually('two queued', () => b.broker.mqtt!.registry.get(id)?.queued === 2);
    const again = await connectClient(b.url, { clientId: id, clean: false, protocolVersion, ...props });
    try {
      assert.equal(again.sessionPresent, true);
      const got = await again.waitFor(2);
      assert.deepEqual(got.map((r) => [r.topic, r.payload, r.packet.qos]), [
        [`persist${protocolVersion}/one`, 'kept 1', 1],
        [`persist${protocolVersion}/two`, 'kept 2', 2],
      ]);
      // The subscription is still there: live messages keep coming.
      await pub.client.publishAsync(`persist${protocolVersion}/live`, 'live', { qos: 1 });
      assert.equal((await again.waitFor(3))[2]!.payload, 'live');
    } finally {
      await again.close();
      await pub.close();
    }
  });
}

test('Session Present reflects the session, Clean Start discards it, the queue limit drops the excess', async () => {
  const opts = { clientId: 'present', clean: false, protocolVersion: 5 as const, properties: { sessionExpiryInterval: 3600 } };
  const a = await connectClient(b.url, opts);
  await a.client.subscribeAsync('present/t', { qos: 1 });
  await a.close();
  const pub = await connectClient(b.url, { clientId: 'present-pub' });
  for (let i = 0; i < 8; i++) await pub.client.publishAsync('present/t', `m${i}`, { qos: 1 });
  await eventually('five queued (brook.mqtt.max.queued.messages)', () => b.broker.mqtt!.registry.get('present')?.queued === 5);
  const resumed = await connectClient(b.url, { ...opts, resubscribe: false });
  assert.equal(resumed.sessionPresent, true);
  const got = await resumed.waitFor(5);
  assert.deepEqual(got.map((r) => r.payload), ['m0', 'm1', 'm2', 'm3', 'm4']);
  await resumed.close();
  const fresh = await connectClient(b.url, { ...opts, clean: true });
  assert.equal(fresh.sessionPresent, false);
  await pub.client.publishAsync('present/t', 'after clean start', { qos: 1 });
  const marker = await connectClient(b.url, { clientId: 'present-marker' });
  await marker.client.subscribeAsync('present/marker', { qos: 1 });
  await pub.client.publishAsync('present/marker', 'm', { qos: 1 });
  await marker.waitFor(1);
  assert.equal(fresh.received.length, 0, 'the clean session has no subscription');
  for (const c of [fresh, marker, pub]) await c.close();
});

test('a 5.0 session expires after its interval; one with expiry 0 ends with its connection', async () => {
  const short = await connectClient(b.url, { clientId: 'expiring', clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 1 } });
  await short.client.subscribeAsync('exp/t', { qos: 1 });
  await short.close();
  assert.ok(b.broker.mqtt!.registry.get('expiring'), 'kept right after the disconnect');
  await eventually('the session expired', () => b.broker.mqtt!.registry.get('expiring') === undefined);
  const zero = await connectClient(b.url, { clientId: 'expiry-zero', clean: false, protocolVersion: 5 });
  await zero.close();
  await eventually('the session ended', () => b.broker.mqtt!.registry.get('expiry-zero') === undefined);
});

test('a delayed will is not sent when the client comes back in time, and is sent when the session ends first', async () => {
  const watcher = await connectClient(b.url, { clientId: 'dw-watch', protocolVersion: 5 });
  await watcher.client.subscribeAsync('dwill/#', { qos: 1 });
  const base = { protocolVersion: 5 as const, clean: false };
  const back = await connectClient(b.url, { ...base, clientId: 'dw-back', properties: { sessionExpiryInterval: 3600 }, will: { topic: 'dwill/back', payload: Buffer.from('x'), qos: 1, retain: false, properties: { willDelayInterval: 3600 } } });
  back.client.stream.destroy();
  await eventually('dw-back offline', () => b.broker.mqtt!.registry.get('dw-back')?.link === null);
  const returned = await connectClient(b.url, { ...base, clientId: 'dw-back', properties: { sessionExpiryInterval: 3600 } });
  // Session expiry 1 s caps the will delay of 3600 s: the will goes out when the session ends.
  const ends = await connectClient(b.url, { ...base, clientId: 'dw-ends', properties: { sessionExpiryInterval: 1 }, will: { topic: 'dwill/ends', payload: Buffer.from('y'), qos: 1, retain: false, properties: { willDelayInterval: 3600 } } });
  ends.client.stream.destroy();
  const [w] = await watcher.waitFor(1);
  assert.equal(w!.topic, 'dwill/ends');
  assert.equal(b.broker.mqtt!.registry.get('dw-ends'), undefined);
  await returned.close();
  const pub = await connectClient(b.url, { clientId: 'dw-marker' });
  await pub.client.publishAsync('dwill/marker', 'm', { qos: 1 });
  assert.deepEqual((await watcher.waitFor(2)).map((r) => r.topic), ['dwill/ends', 'dwill/marker']);
  await pub.close();
  await watcher.close();
});

test('inbound QoS 2 across a reconnect: the repeated PUBLISH is not stored twice; PUBREL is answered after it', async () => {
  const props = { properties: { sessionExpiryInterval: 3600 } };
  const c1 = await RawClient.connected(b.mqttPort, 5, 'q2-in', { cleanStart: false, ...props });
  const log = (): number => b.broker.state.logs.getLog('mqtt', 0)!.highWatermark;
  const before = log();
  c1.send({ type: 'publish', topic: 'q2in/t', payload: Buffer.from('once'), qos: 2, retain: false, dup: false, packetId: 42 });
  assert.equal((await c1.next('pubrec')).packetId, 42);
  c1.destroy();
  const c2 = await RawClient.open(b.mqttPort, 5);
  c2.send({ type: 'connect', protocolVersion: 5, cleanStart: false, keepAlive: 60, clientId: 'q2-in', ...props });
  assert.equal((await c2.next('connack')).sessionPresent, true);
  c2.send({ type: 'publish', topic: 'q2in/t', payload: Buffer.from('once'), qos: 2, retain: false, dup: true, packetId: 42 });
  assert.equal((await c2.next('pubrec')).packetId, 42);
  c2.send({ type: 'pubrel', packetId: 42, reasonCode: 0 });
  assert.deepEqual(await c2.next('pubcomp'), { type: 'pubcomp', packetId: 42, reasonCode: 0 });
  c2.send({ type: 'pubrel', packetId: 42, reasonCode: 0 });
  assert.equal((await c2.next('pubcomp')).reasonCode, ReasonCode.PacketIdentifierNotFound);
  assert.equal(log() - before, 1, 'stored once');
  c2.destroy();
});

test('outbound QoS 1 and 2 across a reconnect: resent with DUP and their packet identifiers, PUBREL resent', async () => {
  const props = { properties: { sessionExpiryInterval: 3600 } };
  const s1 = await RawClient.connected(b.mqttPort, 5, 'q2-out', { cleanStart: false, ...props });
  s1.send({ type: 'subscribe', packetId: 1, subscriptions: [{ filter: 'q2out/#', qos: 2, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
  await s1.next('suback');
  const pub = await connectClient(b.url, { clientId: 'q2-out-pub' });
  await pub.client.publishAsync('q2out/one', '1', { qos: 1 });
  await pub.client.publishAsync('q2out/two', '2', { qos: 2 });
  const p1 = await s1.next('publish');
  const p2 = await s1.next('publish');
  assert.deepEqual([p1.topic, p1.qos, p1.dup, p2.topic, p2.qos, p2.dup], ['q2out/one', 1, false, 'q2out/two', 2, false]);
  s1.send({ type: 'pubrec', packetId: p2.packetId!, reasonCode: 0 });
  await s1.next('pubrel');
  s1.destroy(); // neither PUBACK for the QoS 1 nor PUBCOMP for the QoS 2
  await eventually('offline', () => b.broker.mqtt!.registry.get('q2-out')?.link === null);
  const s2 = await RawClient.open(b.mqttPort, 5);
  s2.send({ type: 'connect', protocolVersion: 5, cleanStart: false, keepAlive: 60, clientId: 'q2-out', ...props });
  assert.equal((await s2.next('connack')).sessionPresent, true);
  const again = await s2.next('publish');
  assert.deepEqual([again.topic, again.dup, again.packetId], ['q2out/one', true, p1.packetId]);
  const rel = await s2.next('pubrel');
  assert.equal(rel.packetId, p2.packetId);
  s2.send({ type: 'puback', packetId: again.packetId!, reasonCode: 0 });
  s2.send({ type: 'pubcomp', packetId: rel.packetId, reasonCode: 0 });
  await eventually('nothing in flight', () => b.broker.mqtt!.registry.get('q2-out')?.inFlight === 0);
  s2.send({ type: 'disconnect', reasonCode: 0 });
  await s2.closedPromise;
  await pub.close();
});
