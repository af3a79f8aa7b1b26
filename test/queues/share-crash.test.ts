// kill -9 of the broker in the middle of a share-group run (child process, SIGKILL: no clean
// shutdown). After a restart on the same data dir the consumer carries on: every record is
// accepted in the end (nothing lost), no record whose acceptance the broker confirmed is ever
// delivered again, and the records it held unacknowledged when the broker died come back with a
// higher delivery count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAdmin, createProducer, ShareConsumer, type ShareRecord } from '../../src/client/index.js';
import { LiveProcess } from '../broker/groups/live-process.js';
import { setGroupConfig, until } from './share-helpers.js';

function startChild(dataDir: string, port = 0): LiveProcess {
  const script = join(fileURLToPath(new URL('.', import.meta.url)), 'share-broker-child.js');
  return new LiveProcess(process.execPath, [script, dataDir, String(port)], 'share-broker-child');
}

const TOTAL = 1500;

test('broker SIGKILL mid-run: no confirmed acknowledgement is undone, no record lost, held records redelivered', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-share-kill-'));
  let child = startChild(dataDir);
  let consumer: ShareConsumer | null = null;
  try {
    const port = (await child.waitFor((e) => typeof e.port === 'number', 30_000)).port as number;
    const client = { brokers: [`127.0.0.1:${port}`], clientId: 'share-kill' };
    const admin = createAdmin(client);
    await admin.createTopics({ topics: ['kill'], partitions: 1, replicas: 1 });
    await admin.close();
    const producer = createProducer(client);
    for (let i = 0; i < TOTAL; i += 50) {
      await producer.send({ messages: Array.from({ length: 50 }, (_, k) => ({ topic: 'kill', partition: 0, value: Buffer.from(`v${i + k}`) })), acks: -1 });
    }
    await producer.close();
    await setGroupConfig(port, 'g-kill', { 'share.auto.offset.reset': 'earliest' });

    consumer = new ShareConsumer({ ...client, groupId: 'g-kill', acknowledgementMode: 'explicit', maxRecords: 40, maxWaitMs: 200, retries: 1, timeoutMs: 5000 });
    await consumer.subscribe(['kill']);
    const confirmed = new Set<number>();
    const violations: string[] = [];
    let heldAtKill: ShareRecord[] = [];
    const redeliveredAfterRestart = new Map<number, number>();
    let killed = false;
    let restarted = false;
    await until(
      'every record accepted',
      async () => {
        try {
          const records = await consumer!.poll();
          for (const r of records) {
            const o = Number(r.offset);
            if (confirmed.has(o)) violations.push(`offset ${o} delivered again (count ${r.deliveryCount}) after its acceptance was confirmed`);
            if (restarted) redeliveredAfterRestart.set(o, r.deliveryCount);
          }
          if (!killed && confirmed.size >= TOTAL / 3 && records.length > 0) {
            // The broker dies while this member holds `records`, unacknowledged.
            heldAtKill = records;
            killed = true;
            child.kill();
            assert.equal(await child.exited, null, 'killed by a signal');
            child = startChild(dataDir, port);
            await child.waitFor((e) => typeof e.port === 'number', 30_000);
            restarted = true;
            return false;
          }
          for (const r of records) consumer!.acknowledge(r, 'accept');
          for (const res of await consumer!.commit()) if (res.errorCode === 0) for (const o of res.offsets) confirmed.add(o);
        } catch {
          // The broker is gone or just came back: the next round retries (connections are re-made).
        }
        return confirmed.size === TOTAL;
      },
      90_000,
    );
    if (process.env.KEEP_DATA) process.stderr.write(`--- restarted broker stderr ---\n${child.stderrTail}\n`);
    assert.deepEqual(violations, []);
    assert.ok(heldAtKill.length > 0);
    for (const r of heldAtKill) {
      const count = redeliveredAfterRestart.get(Number(r.offset));
      assert.ok(count !== undefined && count > r.deliveryCount, `held offset ${r.offset} came back with a higher delivery count (${count})`);
    }
  } finally {
    await consumer?.close().catch(() => undefined);
    child.kill();
    await child.exited;
    if (process.env.KEEP_DATA) process.stderr.write(`data dir kept: ${dataDir}\n`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
});
