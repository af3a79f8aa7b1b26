// app.start() and output topics: like Kafka Streams it does not create the topics an app writes to, and a
// missing one fails the start with one error naming every missing topic (sinks and the dead-letter topic);
// `createOutputTopics` is the explicit opt-in that creates them instead.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { App, StreamsError, string } from '../../src/streams/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics, produce, readTopic, waitFor } from './helpers/kafka.js';

let broker: TestBroker;
before(async () => {
  broker = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '500' } });
});
after(async () => {
  await broker.close();
});

function fanOut(appId: string, options: Partial<ConstructorParameters<typeof App>[0]> = {}): App {
  const app = new App({ appId, brokers: [broker.bootstrap], commitIntervalMs: 200, sessionTimeoutMs: 3000, onDeserializationError: { deadLetterTopic: `${appId}-dead` }, ...options });
  const words = app.stream('fan-in', { key: string, value: string });
  words.filter((_k, v) => v.startsWith('a')).to(`${appId}-a`, { key: string, value: string });
  words.filter((_k, v) => !v.startsWith('a')).to(`${appId}-rest`, { key: string, value: string });
  return app;
}

test('a missing output topic fails app.start() with an error naming every missing one', async () => {
  await createTopics(broker.bootstrap, { 'fan-in': 2, 'strict-a': 2 });
  const error = await fanOut('strict').start().then(
    () => assert.fail('started without its output topics'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof StreamsError, String(error));
  assert.equal(error.code, 'TOPIC_NOT_FOUND');
  assert.match(error.message, /^output topics 'strict-rest', 'strict-dead' do not exist; create them before starting app 'strict' \(for example: brook topic create strict-rest strict-dead\), or pass createOutputTopics: true to App$/);
});

test('createOutputTopics creates them, with the partitions asked for, and the app runs', async () => {
  await createTopics(broker.bootstrap, { 'fan-in': 2 }).catch(() => undefined);
  const running = await fanOut('created', { createOutputTopics: { partitions: 3 } }).start();
  try {
    await running.ready;
    await produce(broker.bootstrap, 'fan-in', [{ key: 'k', value: 'apple', timestamp: 1 }, { key: 'k', value: 'pear', timestamp: 2 }], 2);
    await waitFor(async () => (await readTopic(broker.bootstrap, 'created-rest')).length === 1, 'the record reached the created topic');
    assert.deepEqual((await readTopic(broker.bootstrap, 'created-a')).map((r) => r.value?.toString()), ['apple']);
    const metadata = broker.broker.state.topics.get('created-a');
    assert.equal(metadata?.partitions, 3);
    assert.ok(broker.broker.state.topics.get('created-dead'), 'the dead-letter topic was created too');
  } finally {
    await running.close();
    await running.done;
  }
});
