// Producer state after kill -9 of a real `brook start` (child process, SIGKILL): recovery rebuilds it in
// its own pass over the unflushed log (storage/state-rebuild.ts), so the first use after the crash
// replays nothing, and it is exact:
// - idempotent retries of batches written before the kill are still answered as duplicates with their
//   original offsets, gaps are still refused, DescribeProducers answers as before the kill;
// - a transaction left open still holds the last stable offset (KafkaJS 2.2.4 for the transactions,
//   raw Produce frames for the retries and gaps, which no client sends on purpose);
// - with small segments, roll snapshots appear; when the newest is corrupt the rebuild starts from the
//   older one (logged), and a torn last batch is cut by recovery and is not in the rebuilt state: its
//   retry is appended again at the same offset.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ErrorCode } from '../../src/protocol/errors.js';
import { apis } from '../../src/protocol/messages/index.js';
import { buildRecordBatch } from '../../src/protocol/records/batch-builder.js';
import { LISTENING, killSpawned, spawnBrook, type RunningBrook } from '../helpers/brook-process.js';
import { RawClient } from './data-path-helpers.js';

const dirs: string[] = [];
after(() => {
  killSpawned();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<RunningBrook & { port: number }> {
  const s = await spawnBrook(
    [
      'start', '--port', '0', '--data-dir', dataDir, '--no-mqtt', '--no-amqp', '--no-http', '--log-level', 'info',
      '--set', 'transaction.state.log.num.partitions=2', '--set', 'offsets.topic.num.partitions=2', '--set', 'group.initial.rebalance.delay.ms=0',
    ],
    LISTENING,
  );
  return { ...s, port: Number(s.banner[1]) };
}

async function kill(s: RunningBrook): Promise<void> {
  s.child.kill('SIGKILL');
  assert.equal(await s.exited, null, 'ended by the signal');
}

/** Log lines (JSON on stderr) with this message about this partition directory. */
function logLines(s: RunningBrook, msg: string, dir: string, field = 'dir'): Array<Record<string, unknown>> {
  return s
    .stderr()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => r.msg === msg && r[field] === dir);
}

function batch(producerId: number, seq: number, n: number): Buffer {
  const records = Array.from({ length: n }, (_, i) => ({ value: Buffer.from(`v${seq + i}-${'p'.repeat(40)}`) }));
  return buildRecordBatch(records, { producerId, producerEpoch: 0, baseSequence: seq });
}

async function produce(c: RawClient, topic: string, records: Buffer) {
  const res = await c.request(apis.Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
  const p = res.responses[0]!.partitionResponses[0]!;
  return { errorCode: p.errorCode, baseOffset: Number(p.baseOffset) };
}

async function createTopic(c: RawClient, name: string, configs: Array<{ name: string; value: string }> = []) {
  const res = await c.request(apis.CreateTopics, 7, { topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs }], timeoutMs: 5000, validateOnly: false });
  assert.equal(res.topics[0]!.errorCode, 0);
}

async function initProducerId(c: RawClient): Promise<number> {
  const init = await c.request(apis.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
  assert.equal(init.errorCode, 0);
  return Number(init.producerId);
}

const lastStable = async (c: RawClient, topic: string) =>
  Number((await c.request(apis.ListOffsets, 5, { replicaId: -1, isolationLevel: 1, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }] })).topics[0]!.partitions[0]!.offset);

/** DescribeProducers of partition 0, without lastTimestamp (the live state keeps the wall clock, a replay the batch's). */
async function describe(c: RawClient, topic: string) {
  const res = await c.request(apis.DescribeProducers, 0, { topics: [{ name: topic, partitionIndexes: [0] }] });
  const p = res.topics[0]!.partitions[0]!;
  assert.equal(p.errorCode, 0);
  return p.activeProducers
    .map((a) => ({ producerId: Number(a.producerId), epoch: a.producerEpoch, lastSequence: a.lastSequence, txnStart: Number(a.currentTxnStartOffset) }))
    .sort((x, y) => x.producerId - y.producerId);
}

test('kill -9: the producer state is rebuilt during recovery and is exact (duplicates, gaps, open transaction, DescribeProducers)', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-pst-crash-'));
  dirs.push(dataDir);
  const topic = 'pst';
  const partitionDir = join(dataDir, `${topic}-0`);
  let s = await start(dataDir);
  let c = await RawClient.open(s.port);
  await createTopic(c, topic);

  const kafka = new Kafka({ clientId: 'pst', brokers: [`127.0.0.1:${s.port}`], logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 50 } });
  const txp = kafka.producer({ transactionalId: 'pst-tx', maxInFlightRequests: 1, idempotent: true });
  await txp.connect();
  for (const outcome of ['commit', 'abort'] as const) {
    const txn = await txp.transaction();
    await txn.send({ topic, messages: [{ value: `${outcome}-1`, partition: 0 }, { value: `${outcome}-2`, partition: 0 }] });
    await txn[outcome]();
  }
  const pid = await initProducerId(c);
  const written = [await produce(c, topic, batch(pid, 0, 3)), await produce(c, topic, batch(pid, 3, 2))];
  assert.deepEqual(written.map((w) => w.errorCode), [0, 0]);
  const open = await txp.transaction();
  await open.send({ topic, messages: [{ value: 'open-1', partition: 0 }] });
  const lso = await lastStable(c, topic);
  assert.equal(lso, written[1]!.baseOffset + 2, 'the open transaction starts after the idempotent batches');
  const producersBefore = await describe(c, topic);
  assert.equal(producersBefore.length, 2);
  c.close();
  await kill(s);
  await txp.disconnect().catch(() => undefined);

  s = await start(dataDir);
  c = await RawClient.open(s.port);
  assert.equal(await lastStable(c, topic), lso, 'the open transaction still holds the last stable offset');
  assert.deepEqual(await describe(c, topic), producersBefore, 'DescribeProducers answers as before the kill');
  const dup = await produce(c, topic, batch(pid, 3, 2));
  assert.deepEqual(dup, { errorCode: 0, baseOffset: written[1]!.baseOffset }, 'a retry of a batch written before the kill is a duplicate');
  assert.equal((await produce(c, topic, batch(pid, 9, 1))).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'a gap is still refused');
  assert.equal((await produce(c, topic, batch(pid, 5, 1))).errorCode, 0, 'the next sequence is accepted');
  c.close();
  assert.equal(logLines(s, 'rebuilt producer state during recovery', partitionDir).length, 1, 'recovery rebuilt the state');
  assert.deepEqual(logLines(s, 'loaded producer state', partitionDir), [], 'the first use replayed nothing');
  await kill(s);
});

test('kill -9 with roll snapshots: a corrupt newest snapshot falls back to the older one, a torn last batch is cut and not in the state', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-pst-roll-'));
  dirs.push(dataDir);
  const topic = 'pst-roll';
  const partitionDir = join(dataDir, `${topic}-0`);
  let s = await start(dataDir);
  let c = await RawClient.open(s.port);
  await createTopic(c, topic, [{ name: 'segment.bytes', value: '2048' }]);
  const pid = await initProducerId(c);
  const written: number[] = [];
  for (let seq = 0; seq < 120; seq += 3) {
    const r = await produce(c, topic, batch(pid, seq, 3));
    assert.equal(r.errorCode, 0);
    written.push(r.baseOffset);
  }
  c.close();
  await kill(s);

  const snapshots = readdirSync(partitionDir)
    .filter((n) => n.endsWith('.snapshot'))
    .map((n) => Number(n.slice(0, 20)))
    .sort((x, y) => y - x);
  // Two are kept; a kill between writing a new one and deleting the oldest leaves three.
  assert.ok(snapshots.length >= 2, `roll snapshots were written (${snapshots.join(', ')})`);
  const [newest, older] = snapshots as [number, number];
  // Corrupt the newest snapshot's payload (its CRC no longer matches).
  const newestPath = join(partitionDir, `${String(newest).padStart(20, '0')}.snapshot`);
  const bytes = readFileSync(newestPath);
  bytes[bytes.length - 1]! ^= 0xff;
  writeFileSync(newestPath, bytes);
  // Tear the last batch (seq 117..119): recovery must cut it.
  const active = readdirSync(partitionDir).filter((n) => n.endsWith('.log')).sort().pop()!;
  truncateSync(join(partitionDir, active), statSync(join(partitionDir, active)).size - 7);

  s = await start(dataDir);
  c = await RawClient.open(s.port);
  const retried = await produce(c, topic, batch(pid, 117, 3));
  assert.deepEqual(retried, { errorCode: 0, baseOffset: written[written.length - 1]! }, 'the torn batch is gone: its retry is appended at the same offset');
  const dup = await produce(c, topic, batch(pid, 114, 3));
  assert.deepEqual(dup, { errorCode: 0, baseOffset: written[written.length - 2]! }, 'the batch before it is still a duplicate');
  assert.deepEqual((await describe(c, topic)).map((p) => p.lastSequence), [119]);
  c.close();
  assert.equal(logLines(s, 'recovery truncated a torn or corrupt log tail', join(partitionDir, active), 'segment').length, 1, 'recovery cut the torn batch');
  assert.deepEqual(
    logLines(s, 'a producer-state snapshot is unreadable; trying an older one', partitionDir).map((r) => r.offset),
    [newest],
    'the corrupt snapshot was reported',
  );
  assert.deepEqual(
    logLines(s, 'rebuilt producer state during recovery', partitionDir).map((r) => r.snapshotOffset),
    [older],
    `rebuilt from the older snapshot\n${s.stderr()}`,
  );
  assert.deepEqual(logLines(s, 'loaded producer state', partitionDir), [], 'the first use replayed nothing');
  await kill(s);
});

test('every roll writes a snapshot named by the new segment base, whether or not the producer state was loaded; kill -9 rebuilds from the newest', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-pst-rolls-'));
  dirs.push(dataDir);
  let s = await start(dataDir);
  let c = await RawClient.open(s.port);
  const plain = (seq: number) => buildRecordBatch([{ value: Buffer.from(`plain-${seq}-${'q'.repeat(120)}`) }]);
  // 'rolls-plain': plain appends only, nobody asks for its producer state. 'rolls-owned': one idempotent batch
  // first (the state is loaded), then plain appends.
  for (const topic of ['rolls-plain', 'rolls-owned']) await createTopic(c, topic, [{ name: 'segment.bytes', value: '2048' }]);
  const pid = await initProducerId(c);
  const idem = await produce(c, 'rolls-owned', batch(pid, 0, 2));
  assert.equal(idem.errorCode, 0);
  for (let i = 0; i < 60; i++) {
    for (const topic of ['rolls-plain', 'rolls-owned']) assert.equal((await produce(c, topic, plain(i))).errorCode, 0);
  }
  c.close();
  await kill(s);

  const newest = new Map<string, number>();
  for (const topic of ['rolls-plain', 'rolls-owned']) {
    const dir = join(dataDir, `${topic}-0`);
    const names = readdirSync(dir);
    const bases = new Set(names.filter((n) => n.endsWith('.log')).map((n) => Number(n.slice(0, 20))));
    const snaps = names.filter((n) => n.endsWith('.snapshot')).map((n) => Number(n.slice(0, 20))).sort((x, y) => y - x);
    assert.ok(bases.size >= 4, `${topic} rolled (${[...bases].join(', ')})`);
    assert.ok(snaps.length >= 2, `${topic}: roll snapshots were written (${snaps.join(', ')})`);
    for (const o of snaps) assert.ok(bases.has(o) && o > 0, `${topic}: snapshot ${o} is named by a segment base (${[...bases].join(', ')})`);
    newest.set(topic, snaps[0]!);
  }

  s = await start(dataDir);
  c = await RawClient.open(s.port);
  assert.deepEqual(await produce(c, 'rolls-owned', batch(pid, 0, 2)), idem, 'the idempotent batch is still a duplicate');
  c.close();
  for (const topic of ['rolls-plain', 'rolls-owned']) {
    const rebuilt = logLines(s, 'rebuilt producer state during recovery', join(dataDir, `${topic}-0`)).map((r) => r.snapshotOffset);
    assert.deepEqual(rebuilt, [newest.get(topic)], `${topic}: rebuilt from the newest roll snapshot`);
  }
  await kill(s);
});
