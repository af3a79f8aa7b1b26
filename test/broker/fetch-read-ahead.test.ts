// Fetch read-ahead (src/broker/fetch/read-ahead.ts) through @platformatic/kafka's group-less Fetch,
// unmodified: a fetch answered with data starts reading the partition's next chunk, and the next
// fetch takes it. Whatever was read ahead, every fetch still honours its own limits (KIP-74: at most
// partition_max_bytes, but at least one whole batch), records come back once each and in order,
// and a read ahead of data that DeleteRecords removed meanwhile is not served; kcat (librdkafka,
// READ_COMMITTED by default) reading with a small partition limit gets every record once, in order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Admin, Consumer, Producer, stringSerializers } from '@platformatic/kafka';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { closeConsumer } from '../helpers/close-consumer.js';
import { expectSuccess, run } from '../helpers/processes.js';
import { clients, skipUnless } from '../helpers/real-clients.js';

const RECORDS = 40;
const VALUE_BYTES = 50_000; // one record per batch: batches of ~50 KB, 2 MB in all (past the 1 MiB tail cache)

let b: TestBroker;
before(async () => {
  b = await startTestBroker();
});
after(async () => {
  await b.close();
});

async function backlog(topic: string, recordsPerBatch = 1): Promise<void> {
  const admin = new Admin({ clientId: 'ra-admin', bootstrapBrokers: [b.bootstrap] });
  try {
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
  } finally {
    await admin.close();
  }
  const producer = new Producer({ clientId: 'ra-producer', bootstrapBrokers: [b.bootstrap], serializers: stringSerializers, acks: -1 });
  try {
    for (let i = 0; i < RECORDS; i += recordsPerBatch) {
      const messages = Array.from({ length: recordsPerBatch }, (_, j) => ({ topic, partition: 0, value: `${i + j}:`.padEnd(VALUE_BYTES / recordsPerBatch, 'x') }));
      await producer.send({ messages });
    }
  } finally {
    await producer.close();
  }
}

interface Fetched {
  errorCode: number;
  offsets: number[];
  /** Sum of the record values' lengths: a lower bound of the record bytes returned. */
  valueBytes: number;
}

type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>;

/** Fetches of partition 0 of `topic` at READ_UNCOMMITTED (0) or READ_COMMITTED (1). */
async function withFetcher(topic: string, isolationLevel: 0 | 1, fn: (fetch: (offset: number, partitionMaxBytes: number) => Promise<Fetched>) => Promise<void>): Promise<void> {
  const consumer = new Consumer({ clientId: 'ra-consumer', groupId: 'unused', bootstrapBrokers: [b.bootstrap], retries: 0 });
  try {
    const md = await consumer.metadata({ topics: [topic] });
    const topicId = md.topics.get(topic)!.id;
    await fn(async (offset, partitionMaxBytes) => {
      let res: FetchResponse;
      try {
        res = await consumer.fetch({
          node: 0,
          maxWaitTime: 0,
          minBytes: 1,
          maxBytes: 16 << 20,
          isolationLevel,
          topics: [{ topicId, partitions: [{ partition: 0, fetchOffset: BigInt(offset), currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes }] }],
        });
      } catch (e) {
        // A partition error comes as a thrown error carrying the decoded response.
        const response = (e as { response?: FetchResponse }).response;
        if (!response) throw e;
        res = response;
      }
      const p = res.responses[0]!.partitions[0]!;
      const offsets: number[] = [];
      let valueBytes = 0;
      for (const batch of p.records ?? []) {
        for (const r of batch.records) {
          offsets.push(Number(batch.firstOffset + BigInt(r.offsetDelta)));
          valueBytes += r.value?.length ?? 0;
          assert.ok(r.value?.toString().startsWith(`${Number(batch.firstOffset) + r.offsetDelta}:`), 'each value names its offset');
        }
      }
      return { errorCode: p.errorCode, offsets, valueBytes };
    });
  } finally {
    await closeConsumer(consumer);
  }
}

for (const isolationLevel of [0, 1] as const) {
  test(`a backlog read with changing limits (isolation ${isolationLevel}): each fetch within its own limits, every record once and in order`, async () => {
    const topic = `ra-limits-${isolationLevel}`;
    await backlog(topic);
    await withFetcher(topic, isolationLevel, async (fetch) => {
      const first = await fetch(0, 120_000);
      assert.deepEqual(first.offsets, [0, 1], 'two ~50 KB batches fit in 120,000 bytes, a third does not');
      assert.equal(b.broker.state.readAhead.size, 1, 'the next chunk is being read ahead');

      // Smaller than the read ahead's limit: the fetch gets what its own limit allows, not the read-ahead's.
      const smaller = await fetch(2, 60_000);
      assert.deepEqual(smaller.offsets, [2]);

      // KIP-74: a first batch larger than the limit still comes back, alone.
      const tiny = await fetch(3, 1_000);
      assert.deepEqual(tiny.offsets, [3]);

      const seen = [...first.offsets, ...smaller.offsets, ...tiny.offsets];
      let next = 4;
      const limits = [300_000, 300_000, 120_000, 1 << 20];
      for (let i = 0; next < RECORDS; i++) {
        const limit = limits[i % limits.length]!;
        const r = await fetch(next, limit);
        assert.equal(r.errorCode, 0);
        assert.ok(r.offsets.length > 0, `fetch at ${next} returned records`);
        assert.ok(r.offsets.length === 1 || r.valueBytes <= limit, `fetch at ${next} with limit ${limit} returned ${r.valueBytes} value bytes in ${r.offsets.length} batches`);
        seen.push(...r.offsets);
        next = r.offsets[r.offsets.length - 1]! + 1;
      }
      assert.deepEqual(seen, Array.from({ length: RECORDS }, (_, i) => i));
      const end = await fetch(RECORDS, 1 << 20);
      assert.deepEqual(end.offsets, [], 'nothing past the high watermark');
    });
  });
}

test('a chunk read ahead is not served once DeleteRecords moved the log start past it', async () => {
  const topic = 'ra-deleted';
  await backlog(topic);
  await withFetcher(topic, 0, async (fetch) => {
    const first = await fetch(0, 120_000);
    assert.deepEqual(first.offsets, [0, 1]);
    // Offset 2 is being read ahead; delete up to 10.
    const admin = new Admin({ clientId: 'ra-admin', bootstrapBrokers: [b.bootstrap] });
    try {
      await admin.deleteRecords({ topics: [{ name: topic, partitions: [{ partition: 0, offset: 10n }] }] });
    } finally {
      await admin.close();
    }
    const gone = await fetch(2, 120_000);
    assert.equal(gone.errorCode, 1, 'OFFSET_OUT_OF_RANGE');
    const after = await fetch(10, 120_000);
    assert.deepEqual(after.offsets, [10, 11]);
  });
});

test('kcat (librdkafka) reading with a partition limit of two and a half batches gets every record once, in order', { skip: skipUnless(clients.kcat(), 'kcat') }, async () => {
  const topic = 'ra-cut';
  await backlog(topic, 10); // 4 batches of 10 records, ~50 KB each
  // 120,000 bytes: two whole batches per fetch, the read-ahead taking over from the second fetch on.
  const limits = ['-X', 'max.partition.fetch.bytes=120000'];
  const r = await run('kcat', ['-b', b.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', ...limits, '-f', '%o %S\n'], { limitMs: 60_000 });
  expectSuccess(r, 'kcat');
  const got = r.stdout.trim().split('\n').map((line) => line.split(' ').map(Number));
  assert.deepEqual(got.map(([offset]) => offset), Array.from({ length: RECORDS }, (_, i) => i));
  assert.ok(got.every(([, size]) => size === VALUE_BYTES / 10), 'every value whole');
});
