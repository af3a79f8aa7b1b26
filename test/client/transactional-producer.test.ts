// The transactional producer against the test target (Brook, or Kafka with BROOK_TEST_TARGET=kafka): committed transactions are visible to
// read_committed readers together with their offsets, aborted ones never are, and a second
// InitProducerId for the same transactional id fences the first producer (KIP-98).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createConsumer, createProducer, GroupOffsets, TransactionalProducer, TransactionError } from '../../src/client/index.js';
import { startTestTarget, type TestTarget } from '../helpers/target.js';
import { createTopics, readTopic, waitFor } from '../streams/helpers/kafka.js';

let broker: TestTarget;
before(async () => {
  broker = await startTestTarget();
});
after(async () => {
  await broker.close();
});

const rec = (s: string) => ({ key: Buffer.from(s), value: Buffer.from(s) });
const text = (rs: ReadonlyArray<{ value: Buffer | null }>) => rs.map((r) => r.value?.toString()).sort();

/**
 * Asserts what a read_committed reader sees once a commit is complete. Brook writes the commit
 * markers before EndTxn answers; Kafka writes them just after (KIP-98), so there visibility comes
 * a moment later: wait for it (bounded), then compare.
 */
async function assertCommitted(topic: string, expected: string[], message?: string): Promise<void> {
  let seen: Array<string | undefined> = [];
  await waitFor(async () => {
    seen = text(await readTopic(broker.bootstrap, topic, true));
    return JSON.stringify(seen) === JSON.stringify(expected);
  }, `read_committed view of ${topic}`, 10_000).catch(() => undefined);
  assert.deepEqual(seen, expected, message);
}

test('commit makes records and offsets visible together; abort hides records; a new incarnation fences the old', async () => {
  const [out, inTopic, groupId, txId] = ['txp-out', 'txp-in', 'txp-group', 'txp-1'].map((n) => broker.name(n)) as [string, string, string, string];
  await createTopics(broker.bootstrap, { [out]: 2, [inTopic]: 1 });
  const client = { brokers: [broker.bootstrap], clientId: 'txp-test' };
  const lib = createProducer(client);
  const lib2 = createProducer(client);
  const consumer = createConsumer(client, { groupId, autocommit: false });
  const offsets = new GroupOffsets(consumer);
  const group = { groupId, generationId: -1, memberId: '', groupInstanceId: null };
  try {
    const p = new TransactionalProducer(lib, { transactionalId: txId });
    await p.init();
    await p.send([{ topic: out, partition: 0, records: [rec('a'), rec('b')] }]);
    await p.send([{ topic: out, partition: 0, records: [rec('c')] }, { topic: out, partition: 1, records: [rec('d')] }]);
    assert.deepEqual(text(await readTopic(broker.bootstrap, out, true)), [], 'nothing visible before the commit');
    await p.commit(group, [{ topic: inTopic, partition: 0, offset: 7n, metadata: 'm1' }]);
    await assertCommitted(out, ['a', 'b', 'c', 'd']);
    assert.deepEqual(await offsets.fetch([{ topic: inTopic, partitions: [0] }]), new Map([[`${inTopic}:0`, { offset: 7n, metadata: 'm1' }]]));

    await p.send([{ topic: out, partition: 1, records: [rec('x')] }]);
    await p.abort();
    await p.send([{ topic: out, partition: 1, records: [rec('e')] }]);
    await p.commit(group, [{ topic: inTopic, partition: 0, offset: 9n, metadata: 'm2' }]);
    await assertCommitted(out, ['a', 'b', 'c', 'd', 'e'], 'the aborted record is skipped');
    assert.ok(text(await readTopic(broker.bootstrap, out, false)).includes('x'), 'it is in the log for read_uncommitted readers');

    // A second incarnation with the same transactional id: the first is fenced.
    await p.send([{ topic: out, partition: 0, records: [rec('zombie')] }]);
    const q = new TransactionalProducer(lib2, { transactionalId: txId });
    await q.init();
    await assert.rejects(
      p.commit(group, [{ topic: inTopic, partition: 0, offset: 99n, metadata: 'z' }]),
      (e: unknown) => e instanceof TransactionError && e.fenced === 'producer',
    );
    await q.send([{ topic: out, partition: 0, records: [rec('f')] }]);
    await q.commit(group, [{ topic: inTopic, partition: 0, offset: 10n, metadata: 'm3' }]);
    await assertCommitted(out, ['a', 'b', 'c', 'd', 'e', 'f'], "the zombie's open transaction was aborted by the new incarnation's init");
    assert.equal((await offsets.fetch([{ topic: inTopic, partitions: [0] }])).get(`${inTopic}:0`)?.offset, 10n);
  } finally {
    await offsets.close();
    await consumer.close();
    await lib.close();
    await lib2.close();
  }
});

test('KIP-447: offsets from a member whose generation is not the group\'s are refused as a group fencing; the transaction can be aborted', async () => {
  const [out, groupId, txId] = ['txp-gen-out', 'txp-gen-group', 'txp-gen-1'].map((n) => broker.name(n)) as [string, string, string];
  await createTopics(broker.bootstrap, { [out]: 1 });
  const lib = createProducer({ brokers: [broker.bootstrap], clientId: 'txp-gen' });
  try {
    const p = new TransactionalProducer(lib, { transactionalId: txId });
    await p.init();
    await p.send([{ topic: out, partition: 0, records: [rec('stale')] }]);
    await assert.rejects(
      p.commit({ groupId, generationId: 42, memberId: 'no-such-member', groupInstanceId: null }, [{ topic: out, partition: 0, offset: 1n, metadata: '' }]),
      (e: unknown) => e instanceof TransactionError && e.fenced === 'group',
    );
    await p.abort();
    await p.send([{ topic: out, partition: 0, records: [rec('fresh')] }]);
    await p.commit({ groupId, generationId: -1, memberId: '', groupInstanceId: null }, []);
    await assertCommitted(out, ['fresh']);
  } finally {
    await lib.close();
  }
});
