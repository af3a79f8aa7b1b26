// MQTT and Kafka on one log: a device publishes over MQTT and a Kafka consumer (kcat) and a
// brook/streams app read it -- MQTT topic as the key, properties as headers; the app's output and a
// Kafka producer's records (KafkaJS) reach MQTT subscribers, headers as user properties.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { App, string } from '../../src/streams/index.js';
import { expectSuccess, run } from '../helpers/processes.js';
import { clients, skipUnless } from '../helpers/real-clients.js';
import { connectClient, eventually, startMqttBroker, type MqttTestBroker } from './mqtt-helpers.js';

let b: MqttTestBroker;
before(async () => {
  b = await startMqttBroker({
    'brook.mqtt.topic.mappings': 'home/+/temperature=home-temperature;home/+/heating=home-heating',
    'group.initial.rebalance.delay.ms': '0',
    'num.partitions': '2',
  });
});
after(async () => {
  await b.close();
});

test('MQTT publishes reach a Kafka consumer with the MQTT topic as key and properties as headers', { skip: skipUnless(clients.kcat(), 'kcat') }, async () => {
  const device = await connectClient(b.url, { clientId: 'thermo-1', protocolVersion: 5 });
  await device.client.publishAsync('home/kitchen/temperature', '21.5', { qos: 1, properties: { userProperties: { unit: 'C' }, contentType: 'text/plain' } });
  await device.client.publishAsync('home/attic/temperature', '27.0', { qos: 2 });
  await device.close();
  const r = await run('kcat', ['-b', b.bootstrap, '-C', '-t', 'home-temperature', '-e', '-q', '-f', '%k|%s|%h\n'], { limitMs: 30_000 });
  expectSuccess(r, 'kcat');
  const lines = r.stdout.trim().split('\n').sort();
  assert.deepEqual(lines, [
    'home/attic/temperature|27.0|mqtt.qos=2,mqtt.client.id=thermo-1',
    'home/kitchen/temperature|21.5|mqtt.qos=1,mqtt.client.id=thermo-1,mqtt.content.type=text/plain,unit=C',
  ]);
});

test('a brook/streams app reads MQTT messages and its output reaches MQTT subscribers; so do Kafka producer records', async () => {
  const app = new App({ appId: 'thermostat', brokers: [b.bootstrap], commitIntervalMs: 200 });
  app
    .stream('home-temperature', { key: string, value: string })
    .map((topic, celsius): [string, string] => [topic.replace(/temperature$/, 'heating'), Number(celsius) < 19 ? 'on' : 'off'])
    .to('home-heating', { key: string, value: string });
  const heaters = await connectClient(b.url, { clientId: 'heaters', protocolVersion: 5 });
  // The rooms of this test only: the app reads home-temperature from the start, so the previous
  // test's rooms get heating commands too.
  const rooms = ['cellar', 'office', 'garage', 'hall'];
  await heaters.client.subscribeAsync(rooms.map((r) => `home/${r}/heating`), { qos: 1 });
  const running = await app.start();
  try {
    const device = await connectClient(b.url, { clientId: 'thermo-2' });
    await device.client.publishAsync('home/cellar/temperature', '12.0', { qos: 1 });
    await device.client.publishAsync('home/office/temperature', '22.0', { qos: 1 });
    const got = await heaters.waitFor(2, 60_000);
    assert.deepEqual(got.map((m) => [m.topic, m.payload]).sort(), [
      ['home/cellar/heating', 'on'],
      ['home/office/heating', 'off'],
    ]);
    // Kafka-produced records carry no mqtt.qos header: delivered at brook.mqtt.kafka.qos (1).
    assert.deepEqual(got.map((m) => m.packet.qos), [1, 1]);
    await device.close();
  } finally {
    await running.close();
  }
  // A Kafka producer writing to a mapped topic: its headers become user properties.
  const producer = new Kafka({ clientId: 'cross', brokers: [b.bootstrap], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  await producer.send({ topic: 'home-heating', acks: -1, messages: [{ key: 'home/garage/heating', value: 'on', headers: { origin: 'kafkajs' } }] });
  // A key that is not an MQTT topic of this mapping stays Kafka-only.
  await producer.send({ topic: 'home-heating', acks: -1, messages: [{ key: 'not-a-heating-topic', value: 'x' }] });
  await producer.send({ topic: 'home-heating', acks: -1, messages: [{ key: 'home/hall/heating', value: 'off' }] });
  await producer.disconnect();
  const all = await heaters.waitFor(4);
  assert.deepEqual(all.slice(2).map((m) => [m.topic, m.payload]), [
    ['home/garage/heating', 'on'],
    ['home/hall/heating', 'off'],
  ]);
  assert.deepEqual({ ...all[2]!.packet.properties!.userProperties }, { origin: 'kafkajs' });
  await eventually('no more deliveries', () => heaters.received.length === 4);
  await heaters.close();
});
