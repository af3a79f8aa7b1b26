// One transaction across 20 partitions (KafkaJS 2.2.4): AddPartitionsToTxn for all of them, one marker
// per partition on commit and on abort, and after a restart read_committed still skips the aborted one
// on every partition (each partition's aborted-transactions index is on disk: 20 `.txnindex` files).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

const PARTITIONS = 20;
const TOPIC = 'txn-wide';

let b: TestBroker;
before(async () => {
  b = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0', 'transaction.state.log.num.partitions': '4', 'offsets.topic.num.partitions': '4' } });
});
after(async () => {
  await b.close();
});

const kafka = () => new Kafka({ clientId: 'txn-wide', brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50 } });

/** Reads every partition until its `last-<p>` record arrived (partitions are read in order). */
async function readAll(group: string, readUncommitted: boolean): Promise<Map<number, string[]>> {
  const consumer: Consumer = kafka().consumer({ groupId: group, readUncommitted, maxWaitTimeInMs: 50 });
  const seen = new Map<number, string[]>(Array.from({ length: PARTITIONS }, (_, q) => [q, []]));
  const done = new Set<number>();
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let resolveDone!: () => void;
  const finished = new Promise<void>((r) => (resolveDone = r));
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const v = message.value!.toString();
      seen.get(partition)!.push(v);
      if (v === `last-${partition}`) done.add(partition);
      if (done.size === PARTITIONS) resolveDone();
    },
  });
  await finished;
  await consumer.disconnect();
  return seen;
}

const expected = (q: number, withAborted: boolean) => [
  ...[0, 1, 2].map((i) => `commit-${q}-${i}`),
  ...(withAborted ? [0, 1, 2].map((i) => `abort-${q}-${i}`) : []),
  `last-${q}`,
];

test('one transaction over 20 partitions: commit then abort; markers on every partition; read_committed skips the aborted one, also after a restart', async () => {
  const admin = kafka().admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
  await admin.disconnect();
  const p = kafka().producer({ transactionalId: 'txn-wide', maxInFlightRequests: 1, idempotent: true });
  await p.connect();
  for (const kind of ['commit', 'abort', 'last'] as const) {
    const txn = await p.transaction();
    const count = kind === 'last' ? 1 : 3;
    const messages = Array.from({ length: PARTITIONS * count }, (_, k) => {
      const q = k % PARTITIONS;
      return { partition: q, value: kind === 'last' ? `last-${q}` : `${kind}-${q}-${Math.floor(k / PARTITIONS)}` };
    });
    await txn.send({ topic: TOPIC, messages });
    if (kind === 'abort') await txn.abort();
    else await txn.commit();
  }
  await p.disconnect();

  const offsets = await (async () => {
    const a = kafka().admin();
    await a.connect();
    try {
      return await a.fetchTopicOffsets(TOPIC);
    } finally {
      await a.disconnect();
    }
  })();
  for (const o of offsets) assert.equal(o.high, '10', `partition ${o.partition}: 7 records + 3 markers`);

  const check = async (label: string) => {
    const rc = await readAll(`wide-rc-${label}`, false);
    const ru = await readAll(`wide-ru-${label}`, true);
    for (let q = 0; q < PARTITIONS; q++) {
      assert.deepEqual(rc.get(q), expected(q, false), `${label}: read_committed partition ${q}`);
      assert.deepEqual(ru.get(q), expected(q, true), `${label}: read_uncommitted partition ${q}`);
    }
  };
  await check('live');
  b = await b.restart();
  for (let q = 0; q < PARTITIONS; q++) {
    assert.ok(readdirSync(`${b.dataDir}/${TOPIC}-${q}`).some((n) => n.endsWith('.txnindex')), `partition ${q} has its aborted-transactions index`);
  }
  await check('restarted');
});
