// TaskManager and StreamThread, the parts of the Kafka runtime that turns an assignment into tasks and commits them, on real parts
// (a broker, the collector over a batch producer, the changelog reader, the group's offsets) without the
// processing loop: tasks are created per (sub-topology, partition) and start from the committed offsets; a commit
// publishes outputs and changelog writes before the offsets (with the changelog ends in their metadata); a new
// manager restores the stores from the changelog and resumes where the commit left off; and a partition taken
// away closes its task. StreamThread merges a join task's partitions by timestamp and commits on request.
// Each assertion reads the broker, so a wrong order or a lost write fails it.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BatchProducer, committedOffsets, createAdmin, createConsumer, createProducer, GroupOffsets } from '../../src/client/index.js';
import { App, int64, string, type KeyValueStore } from '../../src/streams/index.js';
import { decodeCommitMetadata } from '../../src/streams/engine/commit-metadata.js';
import { KafkaChangelogReader } from '../../src/streams/runtime/changelog-reader.js';
import { KafkaRecordCollector } from '../../src/streams/runtime/kafka-collector.js';
import { TaskManager } from '../../src/streams/runtime/task-manager.js';
import { StreamThread } from '../../src/streams/runtime/stream-thread.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics, produce, readTopic, waitFor } from './helpers/kafka.js';

const APP = 'tm-app';
const CHANGELOG = `${APP}-tm-counts-changelog`;
let broker: TestBroker;
before(async () => {
  broker = await startTestBroker();
  await createTopics(broker.bootstrap, { 'tm-in': 2, 'tm-out': 2, [CHANGELOG]: 2 }, { [CHANGELOG]: { 'cleanup.policy': 'compact' } });
});
after(async () => {
  await broker.close();
});

function topology() {
  const app = new App({ appId: APP });
  app.stream('tm-in', { key: string, value: string }).groupByKey().count({ store: 'tm-counts' }).toStream().to('tm-out', { key: string, value: int64 });
  return app.topology();
}

/** A TaskManager wired as the Kafka runtime wires it (at-least-once), its group member joined, with a way to close it. */
async function manager(): Promise<{ tm: TaskManager; close: () => Promise<void> }> {
  const client = { brokers: [broker.bootstrap], clientId: `${APP}-test` };
  const producer = createProducer(client);
  const restore = createConsumer(client, { groupId: `${APP}-restore`, autocommit: false });
  // Commits carry the member's generation, as the runtime's do: the member joins the app's group first.
  const group = createConsumer(client, { groupId: APP, autocommit: false });
  group.topics.trackAll('tm-in');
  await group.joinGroup({});
  const offsets = new GroupOffsets(group);
  const collector = new KafkaRecordCollector(new BatchProducer(producer), () => 2);
  const tm = new TaskManager(topology(), collector, new KafkaChangelogReader(restore), offsets, {});
  return {
    tm,
    close: async () => {
      await tm.closeAll();
      await offsets.close();
      await Promise.all([producer.close(), restore.close(), group.close()]);
    },
  };
}

/** What StreamThread does with fetched records: each to its partition's task, in order, then the position moves. */
async function feed(tm: TaskManager, partition: number, words: readonly string[], firstOffset: bigint): Promise<void> {
  const task = tm.byPartition.get(`tm-in:${partition}`);
  assert.ok(task, `no task reads tm-in:${partition}`);
  let offset = firstOffset;
  for (const w of words) {
    const wait = task.process({ topic: 'tm-in', partition, offset, timestamp: 1_000 + Number(offset), key: Buffer.from(w), value: Buffer.from(w) });
    if (wait) await wait;
    offset++;
  }
  tm.positions.set(`tm-in:${partition}`, offset);
}

test('tasks per assignment, commit order, restore from the changelog, and revocation', async () => {
  const first = await manager();
  await first.tm.reconcile(['0_0', '0_1'], []);
  assert.deepEqual([...first.tm.tasks.keys()].sort(), ['0_0', '0_1']);
  assert.equal(first.tm.positions.get('tm-in:0'), 0n, 'no commit yet: from the beginning');

  await feed(first.tm, 0, ['a', 'b', 'a'], 0n);
  await feed(first.tm, 1, ['c'], 0n);
  assert.equal(await first.tm.commit(() => false), true);
  // The commit barrier: by the time offsets are committed, outputs and changelog writes are in the log.
  const admin = createAdmin({ brokers: [broker.bootstrap], clientId: 'tm-admin' });
  const committed = await committedOffsets(admin, APP);
  assert.deepEqual([...committed].sort(), [
    ['tm-in:0', 3n],
    ['tm-in:1', 1n],
  ]);
  const out = (await readTopic(broker.bootstrap, 'tm-out')).map((r) => `${r.key}=${r.value!.readBigInt64BE()}`);
  assert.deepEqual(out.sort(), ['a=1', 'a=2', 'b=1', 'c=1']);
  const changelog = await readTopic(broker.bootstrap, CHANGELOG);
  assert.equal(changelog.length, 4);
  // The commit's metadata records each task's changelog end, which bounds a later restore (at-least-once).
  const group = createConsumer({ brokers: [broker.bootstrap], clientId: 'tm-meta' }, { groupId: APP, autocommit: false });
  const meta = await new GroupOffsets(group).fetch([{ topic: 'tm-in', partitions: [0] }]);
  await group.close();
  assert.equal(decodeCommitMetadata(meta.get('tm-in:0')?.metadata ?? null)?.changelogEnds?.get(CHANGELOG), 3n);
  // A second commit with nothing new processed commits nothing new.
  assert.equal(await first.tm.commit(() => false), true);
  assert.deepEqual(await committedOffsets(admin, APP), committed);
  await first.close();

  // A new instance restores the store from the changelog and resumes at the committed offsets.
  const second = await manager();
  await second.tm.reconcile(['0_0', '0_1'], []);
  assert.equal(second.tm.positions.get('tm-in:0'), 3n);
  const counts = second.tm.tasks.get('0_0')!.store('tm-counts') as KeyValueStore<string, number>;
  assert.equal(counts.get('a'), 2);
  assert.equal(counts.get('b'), 1);
  await feed(second.tm, 0, ['a'], 3n);
  await second.tm.commit(() => false);
  assert.deepEqual((await readTopic(broker.bootstrap, 'tm-out')).filter((r) => r.key!.toString() === 'a').map((r) => r.value!.readBigInt64BE()), [1n, 2n, 3n]);

  // Partition 0 is taken away: its task closes, partition 1's stays.
  await second.tm.reconcile(['0_1'], []);
  assert.deepEqual([...second.tm.tasks.keys()], ['0_1']);
  assert.equal(second.tm.byPartition.has('tm-in:0'), false);
  assert.equal(second.tm.positions.has('tm-in:0'), false);
  await second.close();
  await admin.close();
});

test('StreamThread feeds a join task the records of both its partitions in timestamp order, and commitNow() commits', async () => {
  const app = 'st-app';
  await createTopics(broker.bootstrap, { 'st-orders': 1, 'st-prices': 1, 'st-out': 1, [`${app}-prices-changelog`]: 1 });
  // Written before the thread starts, so one fetch returns both partitions whole: only a merge by timestamp
  // can show o1 the price of t=1 and o2 the price of t=10.
  await produce(broker.bootstrap, 'st-prices', [
    { key: 'k', value: '10', timestamp: 1 },
    { key: 'k', value: '20', timestamp: 10 },
  ], 1);
  await produce(broker.bootstrap, 'st-orders', [
    { key: 'k', value: 'o1', timestamp: 5 },
    { key: 'k', value: 'o2', timestamp: 15 },
  ], 1);
  const builder = new App({ appId: app });
  const prices = builder.table('st-prices', { key: string, value: string, store: 'prices' });
  builder.stream('st-orders', { key: string, value: string }).join(prices, (order, price) => `${order}@${price}`).to('st-out', { key: string, value: string });
  const client = { brokers: [broker.bootstrap], clientId: `${app}-test` };
  const producer = createProducer(client);
  const restore = createConsumer(client, { groupId: `${app}-restore`, autocommit: false });
  const consumer = createConsumer(client, { groupId: app, autocommit: false });
  const offsets = new GroupOffsets(consumer);
  const collector = new KafkaRecordCollector(new BatchProducer(producer), () => 1);
  const tm = new TaskManager(builder.topology(), collector, new KafkaChangelogReader(restore), offsets, {});
  const thread = new StreamThread(consumer, tm, collector, {
    commitIntervalMs: 3_600_000, // commits only when asked, so the test sees commitNow() do it
    fetch: { maxWaitMs: 100, maxBytes: 1 << 20, maxBytesPerPartition: 1 << 20 },
    isFenced: () => false,
    now: () => Date.now(),
  });
  consumer.topics.trackAll('st-orders', 'st-prices');
  await consumer.joinGroup({});
  const running = thread.run();
  thread.assign(['0_0'], []); // the group member hands the thread its tasks (one join task here)
  try {
    await thread.assigned;
    await waitFor(async () => (await readTopic(broker.bootstrap, 'st-out')).length === 2, 'both join results');
    assert.deepEqual((await readTopic(broker.bootstrap, 'st-out')).map((r) => r.value!.toString()), ['o1@10', 'o2@20']);
    const admin = createAdmin({ brokers: [broker.bootstrap], clientId: 'st-admin' });
    assert.equal((await committedOffsets(admin, app)).size, 0, 'committed before the interval or a request');
    await thread.commitNow();
    assert.deepEqual([...(await committedOffsets(admin, app))].sort(), [
      ['st-orders:0', 2n],
      ['st-prices:0', 2n],
    ]);
    await admin.close();
  } finally {
    thread.stop();
    await running;
    await tm.closeAll();
    await offsets.close();
    await Promise.all([producer.close(), restore.close(), consumer.close()]);
  }
});
