// Produce and fetch through @platformatic/kafka 1.35 (Produce v11, Fetch v17 by topic id,
// ListOffsets v9, InitProducerId v5), unmodified. zstd is not offered: 1.35 on Node 20 has no zstd.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Admin, Consumer, Producer, stringSerializers, type MessageToProduce } from '@platformatic/kafka';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { readAllPlatformatic } from './data-path-helpers.js';
import { closeConsumer } from '../helpers/close-consumer.js';

let b: TestBroker;
before(async () => {
  b = await startTestBroker();
});
after(async () => {
  await b.close();
});

async function createTopic(name: string, partitions: number): Promise<void> {
  const admin = new Admin({ clientId: 'pt-admin', bootstrapBrokers: [b.bootstrap] });
  try {
    await admin.createTopics({ topics: [name], partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

for (const compression of ['none', 'gzip', 'snappy', 'lz4'] as const) {
  for (const acks of [0, 1, -1]) {
    test(`produce (compression ${compression}, acks ${acks}) and read back keys, values, headers, timestamps, offsets`, async () => {
      const topic = `pt-${compression}-${acks === -1 ? 'all' : acks}`;
      await createTopic(topic, 2);
      const producer = new Producer({ clientId: 'pt', bootstrapBrokers: [b.bootstrap], serializers: stringSerializers, acks, compression });
      const base = 1_700_000_000_000;
      const sent: (MessageToProduce<string, string, string, string> & { partition: number; timestamp: bigint; headers: Record<string, string> })[] = Array.from({ length: 40 }, (_, i) => ({
        topic,
        partition: i % 2,
        key: i % 5 === 0 ? undefined : `k${i}`,
        value: i % 7 === 0 ? undefined : `value-${i}-${'x'.repeat(i)}`,
        headers: i % 3 === 0 ? { h1: `v${i}`, h2: '' } : ({} as Record<string, string>),
        timestamp: BigInt(base + i),
      }));
      try {
        // Several sends so partitions hold several batches.
        for (let i = 0; i < sent.length; i += 10) await producer.send({ messages: sent.slice(i, i + 10) });
        if (acks === 0) {
          // acks=0 has no response: flush ordering through a later acks=1 request on the same connection.
          await producer.send({ messages: [{ topic, partition: 0, key: 'fence', value: 'fence' }], acks: 1 });
        }
      } finally {
        await producer.close();
      }
      const got = (await readAllPlatformatic(b.bootstrap, topic, [0, 1], sent.length + (acks === 0 ? 1 : 0))).filter((r) => r.key !== 'fence');
      assert.equal(got.length, sent.length);
      for (const p of [0, 1]) {
        const mine = sent.filter((m) => m.partition === p);
        const theirs = got.filter((r) => r.partition === p);
        assert.deepEqual(theirs.map((r) => r.offset), mine.map((_, i) => i));
        for (let i = 0; i < mine.length; i++) {
          const m = mine[i]!;
          const r = theirs[i]!;
          assert.equal(r.key, m.key ?? null);
          assert.equal(r.value, m.value ?? null);
          assert.equal(r.timestamp, Number(m.timestamp));
          assert.deepEqual(r.headers, Object.entries(m.headers));
        }
      }
    });
  }
}

test('idempotent producer: ids from InitProducerId, records exactly once, offsets by timestamp', async () => {
  const topic = 'pt-idem';
  await createTopic(topic, 1);
  const producer = new Producer({ clientId: 'pt-idem', bootstrapBrokers: [b.bootstrap], serializers: stringSerializers, idempotent: true, acks: -1 });
  try {
    for (let i = 0; i < 5; i++) {
      await producer.send({ messages: Array.from({ length: 20 }, (_, j) => ({ topic, key: `k${i}-${j}`, value: `v${i * 20 + j}`, timestamp: BigInt(1_000 + i * 20 + j) })) });
    }
    assert.ok(producer.producerId !== undefined && producer.producerId >= 0n);
  } finally {
    await producer.close();
  }
  const got = await readAllPlatformatic(b.bootstrap, topic, [0], 100);
  assert.deepEqual(got.map((r) => r.value), Array.from({ length: 100 }, (_, i) => `v${i}`));
  assert.deepEqual(got.map((r) => r.offset), Array.from({ length: 100 }, (_, i) => i));

  const consumer = new Consumer({ clientId: 'pt-lo', groupId: 'unused', bootstrapBrokers: [b.bootstrap] });
  try {
    const byTs = await consumer.listOffsetsWithTimestamps({ topics: [topic], timestamp: 1_042n });
    assert.equal(byTs.get(topic)!.get(0)!.offset, 42n);
    assert.equal(byTs.get(topic)!.get(0)!.timestamp, 1_042n);
    const latest = await consumer.listOffsets({ topics: [topic], timestamp: -1n });
    assert.deepEqual(latest.get(topic), [100n]);
    const earliest = await consumer.listOffsets({ topics: [topic], timestamp: -2n });
    assert.deepEqual(earliest.get(topic), [0n]);
    const none = await consumer.listOffsets({ topics: [topic], timestamp: 5_000n });
    assert.deepEqual(none.get(topic), [-1n]);
  } finally {
    await closeConsumer(consumer);
  }
});

test('a fetch over partitions at their high watermark and one with data reports every partition; a caught-up one parks until an acks=all append', async () => {
  const topic = 'pt-caught-up';
  await createTopic(topic, 3);
  const consumer = new Consumer({ clientId: 'pt-cu', groupId: 'unused', bootstrapBrokers: [b.bootstrap] });
  const producer = new Producer({ clientId: 'pt-cu', bootstrapBrokers: [b.bootstrap], serializers: stringSerializers, acks: -1 });
  try {
    // Partition 0 holds two records, 1 holds one, 2 none.
    await producer.send({ messages: [0, 0, 1].map((partition, i) => ({ topic, partition, key: 'k', value: `v${i}` })) });
    const t = (await consumer.metadata({ topics: [topic] })).topics.get(topic)!;
    const fetchAt = (offsets: bigint[], maxWaitTime: number) =>
      consumer.fetch({
        node: 0,
        maxWaitTime,
        minBytes: 1,
        maxBytes: 1 << 20,
        topics: [{ topicId: t.id, partitions: offsets.map((fetchOffset, partition) => ({ partition, fetchOffset, currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: 1 << 20 })) }],
      });
    // 1 and 2 are at their high watermarks, 0 is one record behind.
    const mixed = (await fetchAt([1n, 1n, 0n], 20_000)).responses[0]!.partitions;
    const byIndex = new Map(mixed.map((p) => [p.partitionIndex, p]));
    assert.deepEqual(
      [0, 1, 2].map((i) => [byIndex.get(i)!.errorCode, byIndex.get(i)!.highWatermark, byIndex.get(i)!.lastStableOffset, byIndex.get(i)!.logStartOffset]),
      [
        [0, 2n, 2n, 0n],
        [0, 1n, 1n, 0n],
        [0, 0n, 0n, 0n],
      ],
    );
    assert.equal(byIndex.get(0)!.records?.[0]?.records.at(-1)?.value?.toString(), 'v1');
    assert.equal(byIndex.get(1)!.records?.length ?? 0, 0);
    // Every partition at its high watermark: the fetch parks, and an acks=all append wakes it.
    const fetching = fetchAt([2n, 1n, 0n], 20_000);
    for (let i = 0; i < 1000 && b.broker.state.fetchWaiters.size === 0; i++) await new Promise((r) => setImmediate(r));
    assert.equal(b.broker.state.fetchWaiters.size, 1);
    await producer.send({ messages: [{ topic, partition: 2, key: 'k', value: 'woke' }] });
    const woken = (await fetching).responses[0]!.partitions.find((p) => p.partitionIndex === 2)!;
    assert.equal(woken.records?.[0]?.records[0]?.value?.toString(), 'woke');
    assert.equal(woken.highWatermark, 1n);
  } finally {
    await producer.close();
    await closeConsumer(consumer);
  }
});

test('a long-poll fetch is woken by an append, and returns the new record', async () => {
  const topic = 'pt-longpoll';
  await createTopic(topic, 1);
  const consumer = new Consumer({ clientId: 'pt-lp', groupId: 'unused', bootstrapBrokers: [b.bootstrap] });
  const producer = new Producer({ clientId: 'pt-lp', bootstrapBrokers: [b.bootstrap], serializers: stringSerializers });
  try {
    const md = await consumer.metadata({ topics: [topic] });
    const t = md.topics.get(topic)!;
    const fetching = consumer.fetch({
      node: 0,
      maxWaitTime: 20_000,
      minBytes: 1,
      maxBytes: 1 << 20,
      topics: [{ topicId: t.id, partitions: [{ partition: 0, fetchOffset: 0n, currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: 1 << 20 }] }],
    });
    // The fetch is parked before the produce is sent (the broker counts parked fetches).
    for (let i = 0; i < 1000 && b.broker.state.fetchWaiters.size === 0; i++) await new Promise((r) => setImmediate(r));
    assert.equal(b.broker.state.fetchWaiters.size, 1);
    await producer.send({ messages: [{ topic, key: 'k', value: 'woke' }] });
    const res = await fetching;
    const p = res.responses[0]!.partitions[0]!;
    assert.equal(p.records?.[0]?.records[0]?.value?.toString(), 'woke');
    assert.equal(p.highWatermark, 1n);
  } finally {
    await producer.close();
    await closeConsumer(consumer);
  }
});
