// MQTT.js (npm `mqtt`, unmodified) against Brook's MQTT listener: QoS 0/1/2 round trips in 3.1.1 and
// 5.0, wildcard routing, retained messages, wills on an abrupt disconnect, session takeover.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connectClient, eventually, startMqttBroker, type MqttTestBroker } from './mqtt-helpers.js';

let b: MqttTestBroker;
before(async () => {
  b = await startMqttBroker({ 'brook.mqtt.topic.mappings': 'home/+/temperature=home-temperature' });
});
after(async () => {
  await b.close();
});

for (const protocolVersion of [4, 5] as const) {
  test(`QoS 0, 1 and 2 round trips (MQTT ${protocolVersion === 4 ? '3.1.1' : '5.0'})`, async () => {
    const sub = await connectClient(b.url, { protocolVersion, clientId: `rt-sub-${protocolVersion}` });
    const pub = await connectClient(b.url, { protocolVersion, clientId: `rt-pub-${protocolVersion}` });
    try {
      await sub.client.subscribeAsync(`rt${protocolVersion}/#`, { qos: 2 });
      for (const qos of [0, 1, 2] as const) await pub.client.publishAsync(`rt${protocolVersion}/q${qos}`, `hello ${qos}`, { qos });
      const got = await sub.waitFor(3);
      assert.deepEqual(
        got.map((r) => [r.topic, r.payload, r.packet.qos]),
        [
          [`rt${protocolVersion}/q0`, 'hello 0', 0],
          [`rt${protocolVersion}/q1`, 'hello 1', 1],
          [`rt${protocolVersion}/q2`, 'hello 2', 2],
        ],
      );
      // The subscription's QoS caps the delivery (QoS 2 published, QoS 1 subscribed).
      await sub.client.subscribeAsync(`cap${protocolVersion}`, { qos: 1 });
      await pub.client.publishAsync(`cap${protocolVersion}`, 'capped', { qos: 2 });
      const [capped] = (await sub.waitFor(4)).slice(3);
      assert.equal(capped!.packet.qos, 1);
    } finally {
      await pub.close();
      await sub.close();
    }
  });
}

test('wildcards route by level (+, #, $-topics) and a mapped topic lands in its Kafka topic', async () => {
  const plus = await connectClient(b.url, { clientId: 'wc-plus' });
  const hash = await connectClient(b.url, { clientId: 'wc-hash' });
  const dollar = await connectClient(b.url, { clientId: 'wc-dollar' });
  const pub = await connectClient(b.url, { clientId: 'wc-pub' });
  try {
    await plus.client.subscribeAsync('home/+/temperature', { qos: 1 });
    await hash.client.subscribeAsync('#', { qos: 1 });
    await dollar.client.subscribeAsync('$app/#', { qos: 1 });
    await pub.client.publishAsync('home/kitchen/temperature', '21.5', { qos: 1 });
    await pub.client.publishAsync('home/kitchen/humidity', '40', { qos: 1 });
    await pub.client.publishAsync('$app/status', 'up', { qos: 1 });
    assert.deepEqual((await plus.waitFor(1)).map((r) => r.topic), ['home/kitchen/temperature']);
    // '#' does not match '$app/status' ([MQTT-4.7.2-1]).
    assert.deepEqual((await hash.waitFor(2)).map((r) => r.topic).sort(), ['home/kitchen/humidity', 'home/kitchen/temperature']);
    assert.deepEqual((await dollar.waitFor(1)).map((r) => r.topic), ['$app/status']);
    const temperature = b.broker.state.logs.getLog('home-temperature', 0)!;
    const unmapped = b.broker.state.logs.getLog('mqtt', 0)!;
    await eventually('records in both topics', () => temperature.highWatermark >= 1 && unmapped.highWatermark >= 2);
    // Nothing else arrived at the narrow subscription meanwhile.
    assert.equal(plus.received.length, 1);
    assert.equal(hash.received.length, 2);
  } finally {
    for (const c of [plus, hash, dollar, pub]) await c.close();
  }
});

test('retained messages: delivered on subscribe with RETAIN set, replaced, cleared by an empty payload', async () => {
  const pub = await connectClient(b.url, { clientId: 'ret-pub', protocolVersion: 5 });
  try {
    await pub.client.publishAsync('ret/a', 'first', { qos: 1, retain: true });
    await pub.client.publishAsync('ret/a', 'second', { qos: 1, retain: true });
    await pub.client.publishAsync('ret/b', 'other', { qos: 0, retain: true });
    await eventually('two retained topics', () => b.broker.mqtt!.retained.size >= 2);
    const sub = await connectClient(b.url, { clientId: 'ret-sub', protocolVersion: 5 });
    await sub.client.subscribeAsync('ret/+', { qos: 1 });
    const got = (await sub.waitFor(2)).map((r) => [r.topic, r.payload, r.packet.retain]).sort();
    assert.deepEqual(got, [
      ['ret/a', 'second', true],
      ['ret/b', 'other', true],
    ]);
    // A live publish to the subscriber has RETAIN cleared (no Retain As Published).
    await pub.client.publishAsync('ret/a', 'third', { qos: 1, retain: true });
    const [live] = (await sub.waitFor(3)).slice(2);
    assert.deepEqual([live!.payload, live!.packet.retain], ['third', false]);
    await pub.client.publishAsync('ret/a', '', { qos: 1, retain: true });
    await sub.close();
    const late = await connectClient(b.url, { clientId: 'ret-late', protocolVersion: 5 });
    await late.client.subscribeAsync('ret/+', { qos: 1 });
    assert.deepEqual((await late.waitFor(1)).map((r) => r.topic), ['ret/b']);
    // Retain Handling 2: no retained messages at subscribe.
    const none = await connectClient(b.url, { clientId: 'ret-rh2', protocolVersion: 5 });
    await none.client.subscribeAsync('ret/#', { qos: 1, rh: 2 });
    await pub.client.publishAsync('ret/marker', 'live', { qos: 1 });
    assert.deepEqual((await none.waitFor(1)).map((r) => r.topic), ['ret/marker']);
    await late.close();
    await none.close();
  } finally {
    await pub.close();
  }
});

test('a will is published when a client drops without DISCONNECT, not after a clean one', async () => {
  const watcher = await connectClient(b.url, { clientId: 'will-watch' });
  try {
    await watcher.client.subscribeAsync('wills/#', { qos: 1 });
    const clean = await connectClient(b.url, { clientId: 'will-clean', will: { topic: 'wills/clean', payload: Buffer.from('gone'), qos: 1, retain: false } });
    await clean.close();
    const abrupt = await connectClient(b.url, { clientId: 'will-abrupt', will: { topic: 'wills/abrupt', payload: Buffer.from('lost'), qos: 1, retain: false } });
    abrupt.client.stream.destroy();
    const [w] = await watcher.waitFor(1);
    assert.deepEqual([w!.topic, w!.payload], ['wills/abrupt', 'lost']);
    // A marker published after both shows that the clean one sent nothing.
    const pub = await connectClient(b.url, { clientId: 'will-marker' });
    await pub.client.publishAsync('wills/marker', 'm', { qos: 1 });
    assert.deepEqual((await watcher.waitFor(2)).map((r) => r.topic), ['wills/abrupt', 'wills/marker']);
    await pub.close();
  } finally {
    await watcher.close();
  }
});

test('a second connection with the same client id takes the session over (DISCONNECT 0x8E on 5.0)', async () => {
  const first = await connectClient(b.url, { clientId: 'takeover', protocolVersion: 5 });
  const reason = new Promise<number | undefined>((resolve) => first.client.once('disconnect', (p) => resolve(p.reasonCode)));
  const second = await connectClient(b.url, { clientId: 'takeover', protocolVersion: 5 });
  assert.equal(await reason, 0x8e);
  await second.client.subscribeAsync('takeover/t', { qos: 1 });
  await second.client.publishAsync('takeover/t', 'x', { qos: 1 });
  assert.equal((await second.waitFor(1))[0]!.payload, 'x');
  await first.close(true);
  await second.close();
});
