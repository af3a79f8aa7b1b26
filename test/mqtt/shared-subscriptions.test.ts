// Shared subscriptions ($share/{group}/{filter}) with MQTT.js: each message goes to one member, the
// members share the load, a member that drops without acknowledging has its messages delivered to
// another, messages wait while no member is connected, and the state survives a broker restart.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, connectClient, eventually, startMqttBroker, type MqttTestBroker } from './mqtt-helpers.js';

let b: MqttTestBroker;
after(async () => {
  await b?.close();
});

test('members of a shared subscription split the messages; ordinary subscribers still get all of them', async () => {
  b = await startMqttBroker({ 'brook.mqtt.topic.mappings': 'jobs/#=jobs', 'num.partitions': '2' });
  const m1 = await connectClient(b.url, { clientId: 'worker-1', protocolVersion: 5 });
  const m2 = await connectClient(b.url, { clientId: 'worker-2', protocolVersion: 4 });
  const all = await connectClient(b.url, { clientId: 'auditor' });
  await m1.client.subscribeAsync('$share/workers/jobs/+', { qos: 1 });
  await m2.client.subscribeAsync('$share/workers/jobs/+', { qos: 1 });
  await all.client.subscribeAsync('jobs/#', { qos: 1 });
  const pub = await connectClient(b.url, { clientId: 'jobs-pub' });
  const n = 40;
  for (let i = 0; i < n; i++) await pub.client.publishAsync(`jobs/j${i % 8}`, `job ${i}`, { qos: 1 });
  await all.waitFor(n);
  await eventually('every job handed to one worker', () => m1.received.length + m2.received.length === n);
  const payloads = [...m1.received, ...m2.received].map((r) => r.payload).sort();
  assert.deepEqual(payloads, Array.from({ length: n }, (_, i) => `job ${i}`).sort(), 'each exactly once');
  assert.ok(m1.received.length > 0 && m2.received.length > 0, `both worked: ${m1.received.length} and ${m2.received.length}`);
  // Records of the Kafka topic that do not match the filter are skipped, not delivered.
  await pub.client.publishAsync('jobs/deep/x', 'not for workers', { qos: 1 });
  await all.waitFor(n + 1);
  for (const c of [m1, m2, all, pub]) await c.close();
});

test('a member that drops without PUBACK has its messages delivered to another member', async () => {
  const slow = await RawClient.connected(b.mqttPort, 5, 'slow-worker', { properties: { receiveMaximum: 5 } });
  slow.send({ type: 'subscribe', packetId: 1, subscriptions: [{ filter: '$share/failover/jobs/f', qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
  await slow.next('suback');
  const pub = await connectClient(b.url, { clientId: 'failover-pub' });
  for (let i = 0; i < 3; i++) await pub.client.publishAsync('jobs/f', `f${i}`, { qos: 1 });
  for (let i = 0; i < 3; i++) await slow.next('publish');
  const healthy = await connectClient(b.url, { clientId: 'healthy-worker', protocolVersion: 5 });
  await healthy.client.subscribeAsync('$share/failover/jobs/f', { qos: 1 });
  slow.destroy(); // nothing acknowledged
  const got = await healthy.waitFor(3);
  assert.deepEqual(got.map((r) => r.payload).sort(), ['f0', 'f1', 'f2']);
  await healthy.close();
  await pub.close();
});

test('messages wait while no member is connected, and the shared subscription survives a restart', async () => {
  const opts = { clientId: 'durable-worker', protocolVersion: 5 as const, clean: false, properties: { sessionExpiryInterval: 3600 } };
  const w = await connectClient(b.url, opts);
  await w.client.subscribeAsync('$share/durable/jobs/d', { qos: 1 });
  await w.close();
  const pub = await connectClient(b.url, { clientId: 'durable-pub' });
  await pub.client.publishAsync('jobs/d', 'before restart', { qos: 1 });
  await pub.close();
  b = await b.restart();
  const pub2 = await connectClient(b.url, { clientId: 'durable-pub' });
  await pub2.client.publishAsync('jobs/d', 'after restart', { qos: 1 });
  const back = await connectClient(b.url, { ...opts, resubscribe: false });
  assert.equal(back.sessionPresent, true);
  const got = await back.waitFor(2);
  assert.deepEqual(got.map((r) => r.payload), ['before restart', 'after restart']);
  await back.close();
  await pub2.close();
});
