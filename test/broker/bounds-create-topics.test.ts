// Topic and partition creation is bounded and always answered (issue: one CreateTopics asking for
// 100,000,000 partitions was never answered, and the next all-topics Metadata grew RSS to 4.4 GiB).
// Kafka 4 refuses more than 10,000 partitions per request with POLICY_VIOLATION; Brook also caps the
// partitions it holds in all (brook.max.partitions) and answers a slow create at its timeoutMs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { WireClient } from './admin-wire.js';
import { createTopic, listTopics, until } from './bounds-wire.js';

let b: TestBroker;
let small: TestBroker;
before(async () => {
  b = await startTestBroker();
  small = await startTestBroker({ config: { 'brook.max.partitions': '60' } });
});
after(async () => {
  await b.close();
  await small.close();
});

test('CreateTopics for 100,000,000 partitions is answered POLICY_VIOLATION at once and lists nothing', async () => {
  const t = await createTopic(b.port, 'huge', 100_000_000);
  assert.equal(t.errorCode, ErrorCode.POLICY_VIOLATION);
  assert.equal(t.errorMessage, 'Excessively large number of partitions per request.');
  const topics = await listTopics(b.port);
  assert.equal(topics.has('huge'), false);
  assert.equal(b.broker.state.topics.totalPartitions(), [...topics.values()].reduce((a, n) => a + n, 0));
});

test('the 10,000-partition limit is per request, summed over its topics (Kafka validateTotalNumberOfPartitions)', async () => {
  const c = await WireClient.connect(b.port);
  try {
    const res = await c.request(apis.CreateTopics, 7, {
      topics: [
        { name: 'half-a', numPartitions: 6000, replicationFactor: -1, assignments: [], configs: [] },
        { name: 'half-b', numPartitions: 5000, replicationFactor: -1, assignments: [], configs: [] },
      ],
      timeoutMs: 60_000,
      validateOnly: true,
    });
    assert.deepEqual(res.topics.map((t) => [t.name, t.errorCode]), [['half-a', ErrorCode.POLICY_VIOLATION], ['half-b', ErrorCode.POLICY_VIOLATION]]);
  } finally {
    c.close();
  }
});

test('CreatePartitions growing by 100,000,000 is refused whole with POLICY_VIOLATION', async () => {
  assert.equal((await createTopic(b.port, 'grow-me', 1)).errorCode, ErrorCode.NONE);
  const c = await WireClient.connect(b.port);
  try {
    const res = await c.request(apis.CreatePartitions, 3, { topics: [{ name: 'grow-me', count: 100_000_001, assignments: null }], timeoutMs: 60_000, validateOnly: false });
    assert.equal(res.results[0]!.errorCode, ErrorCode.POLICY_VIOLATION);
    assert.equal(res.results[0]!.errorMessage, 'Unable to perform excessively large batch operation.');
  } finally {
    c.close();
  }
  assert.equal((await listTopics(b.port)).get('grow-me'), 1);
});

test('brook.max.partitions bounds what the broker holds: creates and grows past it get POLICY_VIOLATION', async () => {
  assert.equal((await createTopic(small.port, 'first', 40)).errorCode, ErrorCode.NONE);
  const over = await createTopic(small.port, 'second', 30);
  assert.equal(over.errorCode, ErrorCode.POLICY_VIOLATION);
  assert.match(over.errorMessage ?? '', /brook\.max\.partitions \(60\)/);
  assert.equal((await createTopic(small.port, 'third', 20)).errorCode, ErrorCode.NONE);
  const c = await WireClient.connect(small.port);
  try {
    const res = await c.request(apis.CreatePartitions, 3, { topics: [{ name: 'first', count: 41, assignments: null }], timeoutMs: 60_000, validateOnly: false });
    assert.equal(res.results[0]!.errorCode, ErrorCode.POLICY_VIOLATION);
  } finally {
    c.close();
  }
  const topics = await listTopics(small.port);
  assert.deepEqual([topics.get('first'), topics.get('second'), topics.get('third')], [40, undefined, 20]);
});

test('a creation still running at timeoutMs is answered REQUEST_TIMED_OUT and completes in the background', async () => {
  // 2,000 partitions cost at least 4,000 directory fsyncs: far more than 1 ms on any disk.
  const t = await createTopic(b.port, 'slow', 2000, {}, 1);
  assert.equal(t.errorCode, ErrorCode.REQUEST_TIMED_OUT);
  await until(async () => (await listTopics(b.port)).get('slow') === 2000, 'the topic to be created');
  assert.equal((await createTopic(b.port, 'slow', 1)).errorCode, ErrorCode.TOPIC_ALREADY_EXISTS);
});
