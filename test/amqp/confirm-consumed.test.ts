// A persistent message that a consumer received and acknowledged before its queue log's fdatasync
// ended is confirmed without waiting for the sync (RabbitMQ's rule: on disk, or consumed on every
// queue); one nobody consumed still waits for it. The broker runs as a child process whose queue
// log syncs the test holds (held-sync-fs.ts), and is then killed with SIGKILL: after the restart
// the acknowledged messages do not come back and the confirmed unconsumed one is there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LiveProcess } from '../broker/groups/live-process.js';
import { channel, confirmChannel, connect, waitFor } from './amqp-helpers.js';

function startChild(dataDir: string, hold: boolean): LiveProcess {
  const script = join(fileURLToPath(new URL('.', import.meta.url)), 'amqp-broker-child.js');
  return new LiveProcess(process.execPath, [script, dataDir, '0', ...(hold ? ['hold-queue-syncs'] : [])], 'amqp-broker-child');
}

test('consumed and acknowledged before the sync: confirmed at once, not redelivered after kill -9', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-amqp-consumed-'));
  let child = startChild(dataDir, true);
  try {
    const started = await child.waitFor((e) => e.ev === 'started');
    const c = await connect(`amqp://guest:guest@127.0.0.1:${String(started.amqpPort)}`);
    const admin = await channel(c);
    await admin.assertQueue('taken', { durable: true });
    await admin.assertQueue('auto', { durable: true });
    await admin.assertQueue('waits', { durable: true });
    child.send('hold');
    await child.waitFor((e) => e.ev === 'held');

    // Nobody consumes `waits`: its confirm needs the held sync.
    const pubWaits = await confirmChannel(c);
    let waitsConfirmed = false;
    pubWaits.sendToQueue('waits', Buffer.from('w1'), { persistent: true }, (err) => {
      if (!err) waitsConfirmed = true;
    });

    const acked: string[] = [];
    const cons = await channel(c);
    await cons.prefetch(10);
    await cons.consume('taken', (m) => {
      if (!m) return;
      acked.push(m.content.toString());
      cons.ack(m);
    });
    const autoSeen: string[] = [];
    await cons.consume('auto', (m) => {
      if (m) autoSeen.push(m.content.toString());
    }, { noAck: true });

    const pub = await confirmChannel(c);
    let confirmed = 0;
    const counted = (err: unknown): void => {
      if (!err) confirmed++;
    };
    for (let i = 0; i < 50; i++) pub.sendToQueue('taken', Buffer.from(`t${i}`), { persistent: true }, counted);
    for (let i = 0; i < 20; i++) pub.sendToQueue('auto', Buffer.from(`a${i}`), { persistent: true }, counted);
    // Every queue log sync is held, so these confirms can only come from the consumers' acknowledgements. A bounded
    // wait, so that a broker that never confirms fails here and the finally below still kills the child.
    await waitFor(() => confirmed === 70, 'the confirms of the consumed messages', 60_000);
    assert.equal(acked.length, 50);
    assert.equal(autoSeen.length, 20);
    assert.equal(waitsConfirmed, false, 'an unconsumed persistent message was confirmed before its sync');
    // "hold" again (still held) reports how many queue log syncs are waiting.
    const from = child.events.length;
    child.send('hold');
    const held = await child.waitFor((e) => e.ev === 'held', 60_000, from);
    assert.ok(Number(held.heldSyncs) > 0, 'no queue log sync was held');

    child.send('release');
    await waitFor(() => waitsConfirmed, 'the confirm of the unconsumed message once the sync is released', 60_000);

    child.kill();
    await child.exited;
    await c.close().catch(() => {});

    child = startChild(dataDir, false);
    const restarted = await child.waitFor((e) => e.ev === 'started');
    const c2 = await connect(`amqp://guest:guest@127.0.0.1:${String(restarted.amqpPort)}`);
    const after = await channel(c2);
    assert.equal((await after.checkQueue('taken')).messageCount, 0, 'acknowledged messages came back');
    assert.equal((await after.checkQueue('auto')).messageCount, 0, 'messages delivered with no-ack came back');
    const w = await after.get('waits', { noAck: true });
    assert.equal(w ? w.content.toString() : null, 'w1');
    await c2.close();
  } finally {
    child.kill();
    await child.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
});
