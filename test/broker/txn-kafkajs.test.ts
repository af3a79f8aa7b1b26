// Transactions through KafkaJS 2.2.4, unmodified: commit and abort across partitions read back by
// read_committed and read_uncommitted consumer groups, offsets sent in a transaction (visible only
// after commit), and fencing of a producer by a second one with the same transactionalId.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

let b: TestBroker;
before(async () => {
  b = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0', 'transaction.state.log.num.partitions': '4', 'offsets.topic.num.partitions': '4' } });
});
after(async () => {
  await b.close();
});

const kafka = () => new Kafka({ clientId: 'kjs-txn', brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50 } });

async function createTopic(name: string, partitions: number): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }] });
  } finally {
    await admin.disconnect();
  }
}

/** Consumes `topic` from the beginning in a fresh group until `count` values arrived; then a short quiet check. */
async function collect(topic: string, group: string, readUncommitted: boolean, count: number): Promise<string[]> {
  const consumer: Consumer = kafka().consumer({ groupId: group, readUncommitted, maxWaitTimeInMs: 50 });
  const values: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  await consumer.run({
    eachMessage: async ({ message }) => {
      values.push(message.value!.toString());
      if (values.length >= count) resolveDone();
    },
  });
  await done;
  await consumer.disconnect();
  return values;
}

test('kafkajs: committed and aborted transactions over 3 partitions; read_committed sees only committed records', async () => {
  const topic = 'kjs-txn-mixed';
  await createTopic(topic, 3);
  const producer = kafka().producer({ transactionalId: 'kjs-mixed', maxInFlightRequests: 1, idempotent: true });
  await producer.connect();
  const committed: string[] = [];
  const all: string[] = [];
  for (let t = 0; t < 6; t++) {
    const txn = await producer.transaction();
    const messages = Array.from({ length: 10 }, (_, i) => ({ value: `t${t}-${i}`, partition: i % 3 }));
    await txn.send({ topic, messages });
    all.push(...messages.map((m) => m.value));
    if (t % 3 === 1) await txn.abort();
    else {
      await txn.commit();
      committed.push(...messages.map((m) => m.value));
    }
  }
  // A marker of a committed transaction after the last aborted one: read_committed reaches every record.
  await producer.disconnect();
  const rc = await collect(topic, 'kjs-rc', false, committed.length);
  assert.deepEqual([...rc].sort(), [...committed].sort());
  const ru = await collect(topic, 'kjs-ru', true, all.length);
  assert.deepEqual([...ru].sort(), [...all].sort());
});

test('kafkajs: sendOffsets in a transaction become the group offset only on commit', async () => {
  const topic = 'kjs-txn-offsets';
  await createTopic(topic, 1);
  const producer = kafka().producer({ transactionalId: 'kjs-offsets', maxInFlightRequests: 1, idempotent: true });
  await producer.connect();
  const admin = kafka().admin();
  await admin.connect();
  const offsetOf = async () => (await admin.fetchOffsets({ groupId: 'kjs-eos-group', topics: [topic] }))[0]!.partitions[0]!.offset;
  try {
    let txn = await producer.transaction();
    await txn.send({ topic, messages: [{ value: 'a' }] });
    await txn.sendOffsets({ consumerGroupId: 'kjs-eos-group', topics: [{ topic, partitions: [{ partition: 0, offset: '10' }] }] });
    assert.equal(await offsetOf(), '-1', 'not visible before the commit');
    await txn.commit();
    assert.equal(await offsetOf(), '10');
    txn = await producer.transaction();
    await txn.sendOffsets({ consumerGroupId: 'kjs-eos-group', topics: [{ topic, partitions: [{ partition: 0, offset: '20' }] }] });
    await txn.abort();
    assert.equal(await offsetOf(), '10', 'aborted offsets are dropped');
  } finally {
    await admin.disconnect();
    await producer.disconnect();
  }
  // The committed transactional offset survives a restart (replayed from __consumer_offsets with its marker).
  b = await b.restart();
  const admin2 = kafka().admin();
  await admin2.connect();
  try {
    assert.equal((await admin2.fetchOffsets({ groupId: 'kjs-eos-group', topics: [topic] }))[0]!.partitions[0]!.offset, '10');
  } finally {
    await admin2.disconnect();
  }
});

test('kafkajs: a second producer with the same transactionalId fences the first', async () => {
  const topic = 'kjs-txn-fence';
  await createTopic(topic, 1);
  const p1 = kafka().producer({ transactionalId: 'kjs-zombie', maxInFlightRequests: 1, idempotent: true });
  const p2 = kafka().producer({ transactionalId: 'kjs-zombie', maxInFlightRequests: 1, idempotent: true });
  await p1.connect();
  const t1 = await p1.transaction();
  await t1.send({ topic, messages: [{ value: 'zombie' }] });
  await p2.connect();
  const t2 = await p2.transaction();
  await t2.send({ topic, messages: [{ value: 'fresh' }] });
  await t2.commit();
  await assert.rejects(t1.commit(), (e: Error & { type?: string }) => /FENCED|INVALID_PRODUCER_EPOCH/.test(String(e.type ?? e.message)));
  await p1.disconnect();
  await p2.disconnect();
  assert.deepEqual(await collect(topic, 'kjs-fence-rc', false, 1), ['fresh']);
});
