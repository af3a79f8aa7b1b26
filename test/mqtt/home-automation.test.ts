// The examples/home-automation app end to end: MQTT.js sensors publish temperatures, Brook maps them
// to a Kafka topic, the brook/streams app keeps a per-room moving average and writes heating commands,
// and Brook delivers those over MQTT to the heaters subscribed to home/+/heating.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '../../src/streams/index.js';
import { buildHomeAutomation, roomOf } from '../../examples/home-automation/topology.js';
import { connectClient, startMqttBroker, type MqttTestBroker } from './mqtt-helpers.js';

const topics = { temperatures: 'ha-temperatures', heating: 'ha-heating' };
let b: MqttTestBroker;
before(async () => {
  b = await startMqttBroker({
    'brook.mqtt.topic.mappings': `home/+/temperature=${topics.temperatures};home/+/heating=${topics.heating}`,
    'group.initial.rebalance.delay.ms': '0',
  });
});
after(async () => {
  await b.close();
});

test('roomOf reads the room from a sensor topic', () => {
  assert.equal(roomOf('home/kitchen/temperature'), 'kitchen');
  assert.equal(roomOf('home/kitchen/humidity'), null);
  assert.equal(roomOf('garden/temperature'), null);
});

test('home-automation: sensors over MQTT, a moving average per room, heating commands back over MQTT', async () => {
  const heaters = await connectClient(b.url, { clientId: 'heaters', protocolVersion: 5 });
  await heaters.client.subscribeAsync('home/+/heating', { qos: 1 });
  const app = new App({ appId: 'home-automation-test', brokers: [b.bootstrap], commitIntervalMs: 200 });
  buildHomeAutomation(app, topics, { target: 20, band: 0.5, window: 3 });
  const running = await app.start();
  try {
    const kitchen = await connectClient(b.url, { clientId: 'sensor-kitchen' });
    const study = await connectClient(b.url, { clientId: 'sensor-study' });
    // Kitchen: averages 18, 18.5, 19 -> on (once); then 22, 24 lift the average past 20.5 -> off.
    for (const c of ['18', '19', '20']) await kitchen.client.publishAsync('home/kitchen/temperature', c, { qos: 1 });
    // Study: 21 turns it off at once; 20.5, 20.5 (averages 20.75, 20.67) change nothing.
    for (const c of ['21', '20.5', '20.5']) await study.client.publishAsync('home/study/temperature', c, { qos: 1 });
    const first = await heaters.waitFor(2, 60_000);
    assert.deepEqual(first.map((m) => [m.topic, m.payload]).sort(), [
      ['home/kitchen/heating', 'on'],
      ['home/study/heating', 'off'],
    ]);
    for (const c of ['24', '25']) await kitchen.client.publishAsync('home/kitchen/temperature', c, { qos: 1 });
    const all = await heaters.waitFor(3, 60_000);
    assert.deepEqual([all[2]!.topic, all[2]!.payload], ['home/kitchen/heating', 'off']);
    await kitchen.close();
    await study.close();
  } finally {
    await running.close();
  }
  await heaters.close();
});
