// Transactions through @platformatic/kafka 1.35, unmodified: Producer.beginTransaction() with a
// transactionalId (idempotent producer), Transaction.send/commit/abort, and consume-transform-produce
// with Transaction.addConsumer (AddOffsetsToTxn) + addOffset (TxnOffsetCommit carrying the member's
// generation and id, KIP-447), read back with read_committed (isolationLevel 1) and read_uncommitted.
//
// Client limits found reading its dist (consumer.js #filterUncommittedMessages), which the tests keep
// clear of: it keeps one aborted range per producer id per fetch response (a second aborted transaction
// of the same producer in one response replaces the first), and it ignores an aborted range whose
// ABORT marker is not in the same response (so aborted records before a marker that falls into the next
// fetch are delivered). Kafka's Java client keeps a queue of aborted transactions across batches.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers, type Message } from '@platformatic/kafka';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

let b: TestBroker;
before(async () => {
  b = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0', 'transaction.state.log.num.partitions': '4', 'offsets.topic.num.partitions': '4' } });
});
after(async () => {
  await b.close();
});

async function createTopic(topic: string, partitions: number): Promise<void> {
  const admin = new Admin({ clientId: 'pt-txn-admin', bootstrapBrokers: [b.bootstrap] });
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

const producer = (transactionalId: string) =>
  new Producer({ clientId: transactionalId, bootstrapBrokers: [b.bootstrap], serializers: stringSerializers, idempotent: true, transactionalId, acks: -1 });

/** Reads `topic` from the earliest offset until a record with value `last` arrived on every partition listed. */
async function readUntil(topic: string, isolationLevel: 0 | 1, lastValues: string[], group: string): Promise<string[]> {
  const consumer = new Consumer({ clientId: group, groupId: group, bootstrapBrokers: [b.bootstrap], deserializers: stringDeserializers, isolationLevel, maxWaitTime: 100 });
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
  const values: string[] = [];
  const pending = new Set(lastValues);
  try {
    for await (const m of stream) {
      values.push(m.value);
      pending.delete(m.value);
      if (pending.size === 0) break;
    }
  } finally {
    await stream.close();
    await consumer.close();
  }
  return values;
}

test('platformatic: commit and abort; read_committed sees only committed records, read_uncommitted all', async () => {
  const topic = 'pt-txn-mixed';
  await createTopic(topic, 2);
  const p = producer('pt-mixed');
  const committed: string[] = [];
  const all: string[] = [];
  try {
    for (let t = 0; t < 3; t++) {
      const txn = await p.beginTransaction();
      const messages = Array.from({ length: 6 }, (_, i) => ({ topic, value: `t${t}-${i}`, partition: i % 2 }));
      await txn.send({ messages });
      all.push(...messages.map((m) => m.value));
      if (t === 1) await txn.abort();
      else {
        await txn.commit();
        committed.push(...messages.map((m) => m.value));
      }
    }
  } finally {
    await p.close();
  }
  const lasts = ['t2-4', 't2-5'];
  assert.deepEqual((await readUntil(topic, 1, lasts, 'pt-rc')).sort(), [...committed].sort());
  assert.deepEqual((await readUntil(topic, 0, lasts, 'pt-ru')).sort(), [...all].sort());
});

test('platformatic: consume-transform-produce with the input offsets in the transaction; an aborted round leaves no output and no offset', async () => {
  const input = 'pt-ctp-in';
  const output = 'pt-ctp-out';
  const group = 'pt-ctp-group';
  await createTopic(input, 1);
  await createTopic(output, 1);
  const seed = new Producer({ clientId: 'pt-seed', bootstrapBrokers: [b.bootstrap], serializers: stringSerializers });
  await seed.send({ messages: ['a', 'b', 'c'].map((value) => ({ topic: input, value, partition: 0 })) });
  await seed.close();

  const admin = new Admin({ clientId: 'pt-ctp-admin', bootstrapBrokers: [b.bootstrap] });
  const committedOffset = async (): Promise<bigint | undefined> => {
    const [g] = await admin.listConsumerGroupOffsets({ groups: [group] });
    return g?.topics.find((t) => t.name === input)?.partitions.find((q) => q.partitionIndex === 0)?.committedOffset;
  };
  const p = producer('pt-ctp');
  const consumer = new Consumer({ clientId: 'pt-ctp', groupId: group, bootstrapBrokers: [b.bootstrap], deserializers: stringDeserializers, isolationLevel: 1, maxWaitTime: 100 });
  try {
    const stream = await consumer.consume({ topics: [input], mode: 'committed', fallbackMode: 'earliest', autocommit: false });
    const inputs: Message<string, string, string, string>[] = [];
    for await (const m of stream) {
      inputs.push(m);
      if (inputs.length === 3) break;
    }
    await stream.close();
    for (const outcome of ['abort', 'commit'] as const) {
      const txn = await p.beginTransaction();
      await txn.addConsumer(consumer);
      for (const m of inputs) {
        await txn.send({ messages: [{ topic: output, value: `${outcome}:${m.value.toUpperCase()}`, partition: 0 }] });
        await txn.addOffset(m);
      }
      if (outcome === 'abort') {
        await txn.abort();
        const offset = await committedOffset();
        assert.ok(offset === undefined || offset < 0n, `aborted offsets are dropped (got ${offset})`);
      } else {
        await txn.commit();
        assert.equal(await committedOffset(), 3n, 'the input offsets commit with the transaction');
      }
    }
  } finally {
    await consumer.close();
    await p.close();
    await admin.close();
  }
  const out = await readUntil(output, 1, ['commit:C'], 'pt-ctp-check');
  assert.deepEqual(out, ['commit:A', 'commit:B', 'commit:C']);
});
