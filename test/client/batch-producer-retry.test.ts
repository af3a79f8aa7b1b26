// BatchProducer's retry path against a real broker. A topic with min.insync.replicas=2 answers acks=all with
// NOT_ENOUGH_REPLICAS (retriable) on a one-node cluster: the producer refreshes metadata and resends only the
// partitions that failed, gives up after `retries` resends with the broker's error, and succeeds once the
// condition clears, with every record written once. A non-retriable error fails at once.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { BatchProducer, createProducer, ProduceBatchError, type Producer } from '../../src/client/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { WireClient } from '../broker/admin-wire.js';
import { createTopics, readTopic } from '../streams/helpers/kafka.js';

let broker: TestBroker;
let wire: WireClient;
before(async () => {
  broker = await startTestBroker();
  wire = await WireClient.connect(broker.port);
});
after(async () => {
  wire.close();
  await broker.close();
});

const records = (tag: string, n: number) => Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`${tag}${i}`), value: Buffer.from(`${tag}-${i}`) }));

async function setMinInsync(topic: string, value: string): Promise<void> {
  const r = await wire.request(apis.IncrementalAlterConfigs, 1, { resources: [{ resourceType: 2, resourceName: topic, configs: [{ name: 'min.insync.replicas', configOperation: 0, value }] }], validateOnly: false });
  assert.equal(r.responses[0]!.errorCode, 0);
}

/** Counts the metadata lookups the producer makes (one per attempt) and runs `onRetry` before the n-th. */
function countAttempts(client: Producer, onAttempt?: (attempt: number) => Promise<void>): { attempts: () => number } {
  let attempts = 0;
  const metadata = client.metadata.bind(client) as (o: Parameters<Producer['metadata']>[0]) => ReturnType<Producer['metadata']>;
  (client as { metadata: unknown }).metadata = async (options: Parameters<Producer['metadata']>[0]) => {
    attempts++;
    await onAttempt?.(attempts);
    return metadata(options);
  };
  return { attempts: () => attempts };
}

test('a retriable error resends only the failed partition after a metadata refresh, and succeeds once it clears', async () => {
  await createTopics(broker.bootstrap, { 'retry-ok': 1, 'retry-blocked': 1 }, { 'retry-blocked': { 'min.insync.replicas': '2' } });
  const client = createProducer({ brokers: [broker.bootstrap], clientId: 'batch-retry' });
  // Before the second attempt the operator fixes the topic: the resend goes through.
  const counter = countAttempts(client, async (attempt) => {
    if (attempt === 2) await setMinInsync('retry-blocked', '1');
  });
  try {
    const bases = await new BatchProducer(client, { retries: 3 }).produce([
      { topic: 'retry-ok', partition: 0, records: records('ok', 3) },
      { topic: 'retry-blocked', partition: 0, records: records('blocked', 4) },
    ]);
    assert.equal(counter.attempts(), 2);
    assert.deepEqual([...bases].sort(), [
      ['retry-blocked:0', 0n],
      ['retry-ok:0', 0n],
    ]);
    // The partition that succeeded the first time was not sent again.
    assert.deepEqual((await readTopic(broker.bootstrap, 'retry-ok')).map((r) => r.value!.toString()), ['ok-0', 'ok-1', 'ok-2']);
    assert.deepEqual((await readTopic(broker.bootstrap, 'retry-blocked')).map((r) => r.value!.toString()), ['blocked-0', 'blocked-1', 'blocked-2', 'blocked-3']);
  } finally {
    await client.close();
  }
});

test('after `retries` resends the call fails with the broker error, and nothing was written', async () => {
  await createTopics(broker.bootstrap, { 'retry-never': 1 }, { 'retry-never': { 'min.insync.replicas': '3' } });
  const client = createProducer({ brokers: [broker.bootstrap], clientId: 'batch-retry-fail' });
  const counter = countAttempts(client);
  try {
    const error = await new BatchProducer(client, { retries: 2 }).produce([{ topic: 'retry-never', partition: 0, records: records('x', 2) }]).then(
      () => assert.fail('produced despite NOT_ENOUGH_REPLICAS'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ProduceBatchError, String(error));
    assert.equal(error.errorCode, ErrorCode.NOT_ENOUGH_REPLICAS);
    assert.match(error.message, /retry-never-0 failed with Kafka error 19: .*min\.insync\.replicas=3/);
    assert.equal(counter.attempts(), 3, 'one attempt and two resends');
    assert.equal((await readTopic(broker.bootstrap, 'retry-never')).length, 0);
  } finally {
    await client.close();
  }
});

test('a non-retriable error fails at once, without a resend', async () => {
  await createTopics(broker.bootstrap, { 'retry-too-large': 1 }, { 'retry-too-large': { 'max.message.bytes': '100' } });
  const client = createProducer({ brokers: [broker.bootstrap], clientId: 'batch-retry-large' });
  const counter = countAttempts(client);
  try {
    const error = await new BatchProducer(client, { retries: 3 }).produce([{ topic: 'retry-too-large', partition: 0, records: records('big', 20) }]).then(
      () => assert.fail('produced a batch over max.message.bytes'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ProduceBatchError);
    assert.equal(error.errorCode, ErrorCode.MESSAGE_TOO_LARGE);
    assert.equal(counter.attempts(), 1);
  } finally {
    await client.close();
  }
});
