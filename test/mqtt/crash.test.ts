// kill -9 of the broker (a child process, no clean shutdown) while MQTT clients publish at QoS 1: after
// a restart on the same data dir every message that got its PUBACK is in the Kafka topic (read back
// with kcat), and a persistent session that was offline receives every one of them too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LiveProcess } from '../broker/groups/live-process.js';
import { run, expectSuccess } from '../helpers/processes.js';
import { clients, skipUnless } from '../helpers/real-clients.js';
import { connectClient } from './mqtt-helpers.js';

function startChild(dataDir: string): LiveProcess {
  const script = join(fileURLToPath(new URL('.', import.meta.url)), 'mqtt-broker-child.js');
  return new LiveProcess(process.execPath, [script, dataDir], 'mqtt-broker-child');
}

async function ports(child: LiveProcess): Promise<{ port: number; mqttPort: number }> {
  const e = await child.waitFor((x) => typeof x.mqttPort === 'number', 30_000);
  return { port: e.port as number, mqttPort: e.mqttPort as number };
}

const PUBLISHERS = 4;
const KILL_AFTER = 400;

test('kill -9 with QoS 1 publishers: no acknowledged message is lost', { skip: skipUnless(clients.kcat(), 'kcat') }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-mqtt-kill-'));
  let child = startChild(dataDir);
  try {
    const first = await ports(child);
    const url = `mqtt://127.0.0.1:${first.mqttPort}`;
    const subOptions = { clientId: 'crash-sub', clean: false, protocolVersion: 5 as const, properties: { sessionExpiryInterval: 3600 } };
    const sub = await connectClient(url, subOptions);
    await sub.client.subscribeAsync('crash/#', { qos: 1 });
    await sub.close();

    const acked = new Set<string>();
    let stop = false;
    const publishers = await Promise.all(Array.from({ length: PUBLISHERS }, (_, k) => connectClient(url, { clientId: `crash-pub-${k}` })));
    const loops = publishers.map(async (p, k) => {
      // MQTT.js keeps an unacknowledged publish pending when the connection drops: the close ends the loop.
      const closed = new Promise<'closed'>((resolve) => p.client.once('close', () => resolve('closed')));
      for (let i = 0; !stop && i < 100_000; i++) {
        const payload = `${k}-${i}`;
        try {
          if ((await Promise.race([p.client.publishAsync(`crash/p${k}`, payload, { qos: 1 }), closed])) === 'closed') return;
        } catch {
          return; // the broker is gone
        }
        acked.add(payload);
        if (acked.size >= KILL_AFTER && !stop) {
          stop = true;
          child.kill();
        }
      }
    });
    await Promise.all(loops);
    assert.equal(await child.exited, null, 'killed by a signal');
    for (const p of publishers) await p.close(true);
    assert.ok(acked.size >= KILL_AFTER);

    child = startChild(dataDir);
    const second = await ports(child);
    const r = await run('kcat', ['-b', `127.0.0.1:${second.port}`, '-C', '-t', 'mqtt', '-e', '-q', '-f', '%s\n'], { limitMs: 60_000 });
    expectSuccess(r, 'kcat');
    const stored = new Set(r.stdout.split('\n').filter(Boolean));
    const lost = [...acked].filter((v) => !stored.has(v));
    assert.deepEqual(lost, [], `${lost.length} of ${acked.size} acknowledged messages lost`);

    // The offline persistent session gets every acknowledged message (at least once).
    const back = await connectClient(`mqtt://127.0.0.1:${second.mqttPort}`, { ...subOptions, resubscribe: false });
    assert.equal(back.sessionPresent, true);
    const seen = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error(`the session got ${seen.size} distinct messages; missing e.g. ${[...acked].filter((v) => !seen.has(v)).slice(0, 5).join(', ')}`)), 60_000);
      const check = (): void => {
        for (const m of back.received.splice(0)) seen.add(m.payload);
        if ([...acked].every((v) => seen.has(v))) {
          clearTimeout(guard);
          resolve();
        }
      };
      back.client.on('message', check);
      check();
    });
    await back.close();
  } finally {
    child.kill();
    await child.exited;
    if (!process.env.KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
  }
});
