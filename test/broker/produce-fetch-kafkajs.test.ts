// KafkaJS 2.2.4, unmodified: produce (acks 0/1/-1, gzip, idempotent) and ListOffsets through its
// admin client. KafkaJS has only gzip built in (snappy/lz4/zstd need codec packages the project does
// not ship), and it cannot consume without a consumer group, so its records are read back through
// @platformatic/kafka's group-less Fetch. Also: 200 concurrent producers on one topic, and a broker
// restart with everything read back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CompressionTypes, Kafka, logLevel, type Producer as KjsProducer } from 'kafkajs';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { readAllPlatformatic } from './data-path-helpers.js';

let b: TestBroker;
before(async () => {
  b = await startTestBroker();
});
after(async () => {
  await b.close();
});

const kafka = () => new Kafka({ clientId: 'kjs', brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } });

async function createTopic(name: string, partitions: number): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }] });
  } finally {
    await admin.disconnect();
  }
}

for (const [acks, gzip, idempotent] of [
  [1, false, false],
  [-1, true, false],
  [0, false, false],
  [-1, true, true],
] as const) {
  test(`kafkajs produce (acks ${acks}${gzip ? ', gzip' : ''}${idempotent ? ', idempotent' : ''}) and read back every field`, async () => {
    const topic = `kjs-${acks}-${gzip ? 'gz' : 'none'}-${idempotent ? 'idem' : 'plain'}`;
    await createTopic(topic, 2);
    const producer = kafka().producer({ idempotent, maxInFlightRequests: idempotent ? 5 : undefined });
    await producer.connect();
    const messages = Array.from({ length: 60 }, (_, i) => ({
      partition: i % 2,
      key: i % 4 === 0 ? null : `k${i}`,
      value: i % 6 === 0 ? null : `v${i}`,
      headers: i % 3 === 0 ? { a: `x${i}`, b: 'y' } : undefined,
      timestamp: String(1_600_000_000_000 + i),
    }));
    try {
      for (let i = 0; i < messages.length; i += 15) {
        await producer.send({ topic, acks, compression: gzip ? CompressionTypes.GZIP : CompressionTypes.None, messages: messages.slice(i, i + 15) });
      }
      if (acks === 0) await producer.send({ topic, acks: 1, messages: [{ partition: 0, key: 'fence', value: 'fence' }] });
    } finally {
      await producer.disconnect();
    }
    const got = (await readAllPlatformatic(b.bootstrap, topic, [0, 1], messages.length + (acks === 0 ? 1 : 0))).filter((r) => r.key !== 'fence');
    for (const p of [0, 1]) {
      const mine = messages.filter((m) => m.partition === p);
      const theirs = got.filter((r) => r.partition === p);
      assert.deepEqual(
        theirs.map((r) => [r.offset, r.key, r.value, r.timestamp, r.headers]),
        mine.map((m, i) => [i, m.key, m.value, Number(m.timestamp), Object.entries(m.headers ?? {})]),
      );
    }
    const admin = kafka().admin();
    await admin.connect();
    try {
      const byTs = await admin.fetchTopicOffsetsByTimestamp(topic, 1_600_000_000_000 + 20);
      assert.deepEqual(byTs.sort((x, y) => x.partition - y.partition), [{ partition: 0, offset: '10' }, { partition: 1, offset: '10' }]);
      const ends = await admin.fetchTopicOffsets(topic);
      assert.deepEqual(ends.map((o) => [o.partition, o.low, o.high]).sort(), [[0, '0', acks === 0 ? '31' : '30'], [1, '0', '30']]);
    } finally {
      await admin.disconnect();
    }
  });
}

test('200 concurrent producers (kafkajs and @platformatic, half idempotent) lose and duplicate nothing, across a restart', async () => {
  const topic = 'many-producers';
  await createTopic(topic, 4);
  const producers = 200;
  const perProducer = 20;
  const clients = kafka();
  const run = async (id: number): Promise<void> => {
    const idempotent = id % 2 === 0;
    const messages = Array.from({ length: perProducer }, (_, i) => ({ key: `p${id}`, value: `p${id}-m${i}` }));
    if (id < producers / 2) {
      const p: KjsProducer = clients.producer({ idempotent, maxInFlightRequests: idempotent ? 5 : undefined });
      await p.connect();
      try {
        for (let i = 0; i < perProducer; i += 5) await p.send({ topic, acks: -1, messages: messages.slice(i, i + 5) });
      } finally {
        await p.disconnect();
      }
    } else {
      const p = new Producer({ clientId: `pt-${id}`, bootstrapBrokers: [b.bootstrap], serializers: stringSerializers, idempotent, acks: idempotent ? -1 : 1 });
      try {
        for (let i = 0; i < perProducer; i += 5) await p.send({ messages: messages.slice(i, i + 5).map((m) => ({ ...m, topic })) });
      } finally {
        await p.close();
      }
    }
  };
  // Bounded concurrency: all 200 start at once (each is one client with its own connection).
  await Promise.all(Array.from({ length: producers }, (_, id) => run(id)));
  b = await b.restart();
  const got = await readAllPlatformatic(b.bootstrap, topic, [0, 1, 2, 3], producers * perProducer);
  assert.equal(got.length, producers * perProducer);
  const seen = new Set(got.map((r) => r.value));
  assert.equal(seen.size, producers * perProducer);
  // Per key (one producer, one partition by key hash): its records in the order sent.
  const byKey = new Map<string, string[]>();
  for (const r of got) byKey.set(r.key!, [...(byKey.get(r.key!) ?? []), r.value!]);
  for (const [key, values] of byKey) assert.deepEqual(values, Array.from({ length: perProducer }, (_, i) => `${key}-m${i}`));
});
