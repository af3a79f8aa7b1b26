// Producer-state snapshots and the aborted-transactions index across restarts (KafkaJS 2.2.4):
// - a roll of the log writes a snapshot (as Kafka does at segment roll), a clean shutdown another at
//   the log end, and the next clean start replays nothing;
// - an unclean start rebuilds the producer state in recovery's own pass from the newest snapshot (the
//   flushed segments between it and the recovery point read first), so the first use replays nothing,
//   and re-indexes ABORT markers of that tail whose index entries were lost (simulated: the entries at
//   or past the roll snapshot are cut from the .txnindex files, the clean-shutdown snapshot and marker
//   removed); read_committed still skips every aborted transaction.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { CLEAN_SHUTDOWN_FILE } from '../../src/storage/index.js';
import { decodeTxnIndexEntries, encodeTxnIndexEntry } from '../../src/storage/transaction-index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

const TOPIC = 'txn-snap';

let b: TestBroker;
before(async () => {
  b = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0', 'transaction.state.log.num.partitions': '2', 'offsets.topic.num.partitions': '2' } });
});
after(async () => {
  await b.close();
});

const kafka = () => new Kafka({ clientId: 'txn-snap', brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50 } });

async function readCommitted(group: string, last: string): Promise<string[]> {
  const consumer: Consumer = kafka().consumer({ groupId: group, maxWaitTimeInMs: 50 });
  const values: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  await consumer.run({
    eachMessage: async ({ message }) => {
      values.push(message.value!.toString());
      if (message.value!.toString() === last) resolveDone();
    },
  });
  await done;
  await consumer.disconnect();
  return values;
}

const dir = () => join(b.dataDir, `${TOPIC}-0`);
const snapshots = () =>
  readdirSync(dir())
    .filter((n) => n.endsWith('.snapshot'))
    .map((n) => Number(n.slice(0, 20)))
    .sort((x, y) => x - y);
const rebuiltFrom = () => b.logs.filter((r) => r.msg === 'rebuilt producer state during recovery' && r.fields.dir === dir()).map((r) => r.fields.snapshotOffset as number);
const loadedFrom = () => b.logs.filter((r) => r.msg === 'loaded producer state' && r.fields.dir === dir()).map((r) => r.fields.scannedFrom as number);

test('roll and shutdown snapshots; an unclean start rebuilds from the roll snapshot during recovery and re-indexes lost ABORT entries', async () => {
  const admin = kafka().admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1, configEntries: [{ name: 'segment.bytes', value: '4096' }] }] });
  await admin.disconnect();
  const p = kafka().producer({ transactionalId: 'txn-snap', maxInFlightRequests: 1, idempotent: true });
  await p.connect();
  const committed: string[] = [];
  for (let t = 0; t < 30; t++) {
    const txn = await p.transaction();
    const values = Array.from({ length: 5 }, (_, i) => `t${t}-${i}-${'x'.repeat(100)}`);
    await txn.send({ topic: TOPIC, messages: values.map((value) => ({ value, partition: 0 })) });
    if (t % 3 === 1) await txn.abort();
    else {
      await txn.commit();
      committed.push(...values);
    }
  }
  await p.disconnect();
  const last = committed[committed.length - 1]!;
  assert.deepEqual(await readCommitted('snap-rc-1', last), committed);

  await b.stop();
  const [rollSnapshot, shutdownSnapshot] = snapshots();
  const logEnd = shutdownSnapshot!;
  assert.ok(rollSnapshot! > 0 && rollSnapshot! < logEnd, `a roll snapshot (${rollSnapshot}) below the shutdown one (${logEnd})`);

  b = await b.restart();
  assert.deepEqual(await readCommitted('snap-rc-2', last), committed);
  assert.deepEqual(loadedFrom(), [], 'a clean start replays nothing (the shutdown snapshot is at the log end)');

  // Simulate a crash that lost the newest snapshot and the unsynced tail of the index.
  await b.stop();
  rmSync(join(b.dataDir, CLEAN_SHUTDOWN_FILE), { force: true });
  rmSync(join(dir(), `${String(logEnd).padStart(20, '0')}.snapshot`));
  let cut = 0;
  for (const name of readdirSync(dir()).filter((n) => n.endsWith('.txnindex'))) {
    const entries = decodeTxnIndexEntries(readFileSync(join(dir(), name)));
    const kept = entries.filter((e) => e.lastOffset < rollSnapshot!);
    cut += entries.length - kept.length;
    writeFileSync(join(dir(), name), Buffer.concat(kept.map((e) => encodeTxnIndexEntry(e))));
  }
  assert.ok(cut > 0, 'some ABORT markers after the roll snapshot lost their index entries');
  b = await b.restart();
  assert.deepEqual(await readCommitted('snap-rc-3', last), committed, 'read_committed still skips every aborted transaction');
  assert.deepEqual(rebuiltFrom(), [rollSnapshot], 'recovery rebuilt the state from the roll snapshot, not from the log start');
  assert.deepEqual(loadedFrom(), [], 'the first use after the crash replays nothing');
});
