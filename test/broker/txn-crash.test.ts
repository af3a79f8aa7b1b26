// The coordinator crashes (SIGKILL of a child broker) after PrepareCommit is durable and before any
// marker is written. After a restart on the same data dir, recovery writes the markers: the
// transaction's records become visible to read_committed consumers and its offsets are committed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { apis } from '../../src/protocol/messages/index.js';
import { RawClient } from './data-path-helpers.js';
import { LiveProcess } from './groups/live-process.js';

function startChild(dataDir: string, crash: boolean): LiveProcess {
  const script = join(fileURLToPath(new URL('.', import.meta.url)), 'txn-broker-child.js');
  return new LiveProcess(process.execPath, [script, dataDir, ...(crash ? ['crash-on-prepare-commit'] : [])], 'txn-broker-child');
}

test('SIGKILL during prepare-commit: after restart the transaction completes (records and offsets)', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-txn-kill-'));
  let child = startChild(dataDir, true);
  try {
    let port = (await child.waitFor((e) => typeof e.port === 'number', 30_000)).port as number;
    let kafka = new Kafka({ clientId: 'crash', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'crash-txn', numPartitions: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer({ transactionalId: 'crash-tx', maxInFlightRequests: 1, idempotent: true });
    await producer.connect();
    const txn = await producer.transaction();
    await txn.send({ topic: 'crash-txn', messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, partition: i % 2 })) });
    await txn.sendOffsets({ consumerGroupId: 'crash-group', topics: [{ topic: 'crash-txn', partitions: [{ partition: 0, offset: '7' }] }] });
    await assert.rejects(txn.commit()); // the broker dies while committing
    assert.equal(await child.exited, null, 'killed by a signal');
    await producer.disconnect().catch(() => undefined);

    child = startChild(dataDir, false);
    port = (await child.waitFor((e) => typeof e.port === 'number', 30_000)).port as number;
    const raw = await RawClient.open(port);
    const described = await raw.request(apis.DescribeTransactions, 0, { transactionalIds: ['crash-tx'] });
    assert.equal(described.transactionStates[0]!.transactionState, 'CompleteCommit');
    raw.close();
    kafka = new Kafka({ clientId: 'crash2', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING });
    const admin2 = kafka.admin();
    await admin2.connect();
    const offsets = await admin2.fetchOffsets({ groupId: 'crash-group', topics: ['crash-txn'] });
    assert.equal(offsets[0]!.partitions.find((p) => p.partition === 0)!.offset, '7');
    await admin2.disconnect();
    const consumer = kafka.consumer({ groupId: 'crash-reader', maxWaitTimeInMs: 50 });
    const values: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'crash-txn', fromBeginning: true });
    let done!: () => void;
    const all = new Promise<void>((r) => (done = r));
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value!.toString());
        if (values.length === 10) done();
      },
    });
    await all;
    await consumer.disconnect();
    assert.deepEqual(values.sort(), Array.from({ length: 10 }, (_, i) => `v${i}`).sort());
  } finally {
    child.kill();
    await child.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
});
