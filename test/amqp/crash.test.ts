// Durability of AMQP queues. A clean restart keeps durable exchanges, queues, bindings and
// persistent messages and drops transient queues. kill -9 of the broker (child process) in the
// middle of a confirmed publish and an acknowledging consume: after the restart every message
// whose publish was confirmed is there (or was acknowledged before the kill), and the messages the
// consumer held unacknowledged come back with redelivered=true.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConsumeMessage } from 'amqplib';
import { LiveProcess } from '../broker/groups/live-process.js';
import { channel, confirmChannel, connect, startAmqpBroker, waitFor } from './amqp-helpers.js';

test('a clean restart keeps durable definitions and persistent messages, not transient queues', async () => {
  let b = await startAmqpBroker();
  try {
    let c = await connect(b.amqpUrl);
    const ch = await confirmChannel(c);
    await ch.assertExchange('orders', 'topic', { durable: true });
    await ch.assertQueue('billing', { durable: true, arguments: { 'x-max-length': 100 } });
    await ch.bindQueue('billing', 'orders', 'order.*');
    await ch.assertQueue('scratch', { durable: false });
    ch.publish('orders', 'order.created', Buffer.from('o1'), { persistent: true, headers: { n: 1 } });
    ch.sendToQueue('scratch', Buffer.from('gone'));
    await ch.waitForConfirms();
    await c.close();
    b = Object.assign(await b.restart({ amqpPort: 0 }), { amqpUrl: '' });
    b.amqpUrl = `amqp://guest:guest@127.0.0.1:${b.broker.amqpPort!}`;
    c = await connect(b.amqpUrl);
    const ch2 = await confirmChannel(c);
    const q = await ch2.checkQueue('billing');
    assert.equal(q.messageCount, 1);
    ch2.publish('orders', 'order.paid', Buffer.from('o2'), { persistent: true });
    await ch2.waitForConfirms();
    const got = [await ch2.get('billing', { noAck: true }), await ch2.get('billing', { noAck: true })].map((m) => (m ? m.content.toString() : null));
    assert.deepEqual(got, ['o1', 'o2']);
    const probe = await channel(c);
    await assert.rejects(probe.checkQueue('scratch'), /404/);
    // Redeclaring with the stored arguments is fine; other arguments are refused.
    await ch2.assertQueue('billing', { durable: true, arguments: { 'x-max-length': 100 } });
    await c.close();
  } finally {
    await b.close();
  }
});

function startChild(dataDir: string): LiveProcess {
  const script = join(fileURLToPath(new URL('.', import.meta.url)), 'amqp-broker-child.js');
  return new LiveProcess(process.execPath, [script, dataDir, '0'], 'amqp-broker-child');
}

test('kill -9 mid-run: no confirmed persistent message lost, unacked ones redelivered', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-amqp-kill-'));
  let child = startChild(dataDir);
  try {
    const started = await child.waitFor((e) => e.ev === 'started');
    const url = `amqp://guest:guest@127.0.0.1:${String(started.amqpPort)}`;
    const c = await connect(url);
    const pub = await confirmChannel(c);
    await pub.assertQueue('kill', { durable: true });
    const confirmed = new Set<string>();
    const acked = new Set<string>();
    const held = new Set<string>();
    const cons = await channel(c);
    await cons.prefetch(20);
    await cons.consume('kill', (m: ConsumeMessage | null) => {
      if (!m) return;
      const body = m.content.toString();
      // Acknowledge two of every three; hold the third unacknowledged until the crash.
      if (Number(body) % 3 === 2) held.add(body);
      else {
        cons.ack(m);
        acked.add(body);
      }
    });
    let sent = 0;
    const publishing = (async () => {
      while (sent < 3000) {
        const body = String(sent++);
        pub.sendToQueue('kill', Buffer.from(body), { persistent: true }, (err) => {
          if (!err) confirmed.add(body);
        });
        if (sent % 100 === 0) await new Promise((r) => setImmediate(r));
      }
    })().catch(() => {});
    await waitFor(() => confirmed.size >= 500 && held.size >= 5, 'confirms and held deliveries', 60_000);
    child.kill();
    await child.exited;
    await publishing;
    await c.close().catch(() => {});
    const heldAtKill = new Set(held);
    const confirmedAtKill = new Set(confirmed);

    child = startChild(dataDir);
    const restarted = await child.waitFor((e) => e.ev === 'started');
    const c2 = await connect(`amqp://guest:guest@127.0.0.1:${String(restarted.amqpPort)}`);
    const after = await channel(c2);
    const seen = new Map<string, boolean>();
    const depth = (await after.checkQueue('kill')).messageCount;
    assert.ok(depth > 0);
    for (let m = await after.get('kill', { noAck: true }); m; m = await after.get('kill', { noAck: true })) seen.set(m.content.toString(), m.fields.redelivered);
    const lost = [...confirmedAtKill].filter((b) => !seen.has(b) && !acked.has(b));
    assert.deepEqual(lost, [], 'confirmed messages missing after the restart');
    for (const b of heldAtKill) {
      assert.ok(seen.has(b), `held message ${b} not redelivered`);
      assert.equal(seen.get(b), true, `held message ${b} redelivered without the redelivered flag`);
    }
    await c2.close();
  } finally {
    child.kill();
    await child.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('kill -9 while an exclusive durable queue is open: after the restart it is gone, an ordinary durable queue is not', async () => {
  // amqplib declares queues durable unless told otherwise, so `assertQueue('', { exclusive: true })`
  // is a durable exclusive queue. Its connection ends with the broker; RabbitMQ does not bring it back.
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-amqp-excl-'));
  let child = startChild(dataDir);
  try {
    const started = await child.waitFor((e) => e.ev === 'started');
    const c = await connect(`amqp://guest:guest@127.0.0.1:${String(started.amqpPort)}`);
    const ch = await confirmChannel(c);
    const excl = await ch.assertQueue('', { durable: true, exclusive: true });
    await ch.assertQueue('kept', { durable: true });
    await ch.bindQueue(excl.queue, 'amq.fanout', '');
    await ch.bindQueue('kept', 'amq.fanout', '');
    ch.publish('amq.fanout', '', Buffer.from('both'), { persistent: true });
    await ch.waitForConfirms();
    child.kill();
    await child.exited;
    await c.close().catch(() => {});

    child = startChild(dataDir);
    const restarted = await child.waitFor((e) => e.ev === 'started');
    const c2 = await connect(`amqp://guest:guest@127.0.0.1:${String(restarted.amqpPort)}`);
    try {
      const probe = await channel(c2);
      await assert.rejects(probe.checkQueue(excl.queue), /404/);
      const ch2 = await confirmChannel(c2);
      assert.equal((await ch2.checkQueue('kept')).messageCount, 1);
      // The fanout's binding to the exclusive queue went with it: a publish reaches only 'kept'.
      ch2.publish('amq.fanout', '', Buffer.from('again'), { persistent: true });
      await ch2.waitForConfirms();
      assert.equal((await ch2.checkQueue('kept')).messageCount, 2);
    } finally {
      await c2.close();
    }
  } finally {
    child.kill();
    await child.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
});
