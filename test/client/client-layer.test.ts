import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAdmin, createConsumer, createProducer, parseBrokerList, resolveBrokers, stringDeserializers, stringSerializers } from '../../src/client/index.js';
import { closeConsumer } from '../helpers/close-consumer.js';
import { startTestTarget } from '../helpers/target.js';

test('broker lists: ports default to 9092, BROOK_BROKERS applies when no flag is given', () => {
  assert.deepEqual(parseBrokerList('a, b:1234 ,'), ['a:9092', 'b:1234']);
  assert.deepEqual(resolveBrokers(undefined, { BROOK_BROKERS: 'x:1' }), ['x:1']);
  assert.deepEqual(resolveBrokers('y:2', { BROOK_BROKERS: 'x:1' }), ['y:2']);
  assert.deepEqual(resolveBrokers(undefined, {}), ['localhost:9092']);
  assert.throws(() => parseBrokerList(' , '), /no brokers/);
});

test('the client layer produces and consumes through a real broker', async () => {
  const b = await startTestTarget();
  const topic = b.name('client-layer');
  const opts = { brokers: [b.bootstrap], clientId: 'client-layer-test' };
  const admin = createAdmin(opts);
  const producer = createProducer(opts, { serializers: stringSerializers });
  const consumer = createConsumer(opts, { groupId: b.name('client-layer-group'), deserializers: stringDeserializers });
  try {
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    await producer.send({ messages: [{ topic, key: 'k1', value: 'v1' }, { topic, key: 'k2', value: 'v2' }] });
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest' });
    const seen: string[] = [];
    for await (const m of stream) {
      seen.push(`${m.key}=${m.value}`);
      if (seen.length === 2) break;
    }
    await stream.close();
    assert.deepEqual(seen, ['k1=v1', 'k2=v2']);
  } finally {
    await closeConsumer(consumer);
    await producer.close();
    await admin.close();
    await b.close();
  }
});
