// TaskManager, the part of the Kafka runtime that turns an assignment into tasks and commits them, on real parts
// (a broker, the collector over a batch producer, the changelog reader, the group's offsets) without the
// processing loop: tasks are created per (sub-topology, partition) and start from the committed offsets; a commit
// publishes outputs and changelog writes before the offsets (with the changelog ends in their metadata); a new
// manager restores the stores from the changelog and resumes where the commit left off; and a partition taken
// away closes its task. Each assertion reads the broker, so a wrong order or a lost write fails it.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BatchProducer, committedOffsets, createAdmin, createConsumer, createProducer, GroupOffsets } from '../../src/client/index.js';
import { App, int64, string, type KeyValueStore } from '../../src/streams/index.js';
import { decodeCommitMetadata } from '../../src/streams/engine/commit-metadata.js';
import { KafkaChangelogReader } from '../../src/streams/runtime/changelog-reader.js';
import { KafkaRecordCollector } from '../../src/streams/runtime/kafka-collector.js';
import { TaskManager } from '../../src/streams/runtime/task-manager.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics, readTopic } from './helpers/kafka.js';

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
  await first.tm.reconcile([{ topic: 'tm-in', partitions: [0, 1] }]);
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
  await second.tm.reconcile([{ topic: 'tm-in', partitions: [0, 1] }]);
  assert.equal(second.tm.positions.get('tm-in:0'), 3n);
  const counts = second.tm.tasks.get('0_0')!.store('tm-counts') as KeyValueStore<string, number>;
  assert.equal(counts.get('a'), 2);
  assert.equal(counts.get('b'), 1);
  await feed(second.tm, 0, ['a'], 3n);
  await second.tm.commit(() => false);
  assert.deepEqual((await readTopic(broker.bootstrap, 'tm-out')).filter((r) => r.key!.toString() === 'a').map((r) => r.value!.readBigInt64BE()), [1n, 2n, 3n]);

  // Partition 0 is taken away: its task closes, partition 1's stays.
  await second.tm.reconcile([{ topic: 'tm-in', partitions: [1] }]);
  assert.deepEqual([...second.tm.tasks.keys()], ['0_1']);
  assert.equal(second.tm.byPartition.has('tm-in:0'), false);
  assert.equal(second.tm.positions.has('tm-in:0'), false);
  await second.close();
  await admin.close();
});
