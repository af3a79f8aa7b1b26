// `brook start` with its MQTT listener and the HTTP gateway: the banner names both, MQTT over
// WebSocket is served on the HTTP port at /mqtt (the path browsers' MQTT clients use), a message
// crosses from a WebSocket client to a TCP one and back, an upgrade to another path is refused, and
// SIGTERM with a WebSocket client still connected stops the broker cleanly. With the default MQTT port
// taken (a system mosquitto), the broker runs without MQTT and the banner says why.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killSpawned, spawnBrook } from '../helpers/brook-process.js';
import { cliEntry } from '../helpers/paths.js';
import { run } from '../helpers/processes.js';
import { connectClient } from './mqtt-helpers.js';

const dirs: string[] = [];
after(() => {
  killSpawned();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const BANNER = /mqtt\s+127\.0\.0\.1:(\d+) \(WebSocket: (ws:\/\/\S+\/mqtt)\)/;

test('brook start serves MQTT over TCP and over WebSocket at the HTTP port /mqtt', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'brook-mqtt-cli-'));
  dirs.push(dir);
  // Ready once the whole banner is out: the MQTT line, then the last line.
  const s = await spawnBrook(['start', '--port', '0', '--http-port', '0', '--mqtt-port', '0', '--data-dir', join(dir, 'data')], new RegExp(`${BANNER.source}[\\s\\S]*Press Ctrl\\+C`));
  const m = s.banner;
  const tcpUrl = `mqtt://127.0.0.1:${m[1]}`;
  const wsUrl = m[2]!;

  const browser = await connectClient(wsUrl, { clientId: 'browser', protocolVersion: 5 });
  const device = await connectClient(tcpUrl, { clientId: 'device' });
  await browser.client.subscribeAsync('lights/+/state', { qos: 1 });
  await device.client.subscribeAsync('lights/+/set', { qos: 1 });
  await device.client.publishAsync('lights/porch/state', 'on', { qos: 1 });
  await browser.client.publishAsync('lights/porch/set', 'off', { qos: 1 });
  assert.deepEqual((await browser.waitFor(1)).map((r) => [r.topic, r.payload]), [['lights/porch/state', 'on']]);
  assert.deepEqual((await device.waitFor(1)).map((r) => [r.topic, r.payload]), [['lights/porch/set', 'off']]);

  // Another path is not an MQTT endpoint.
  const status = await new Promise<number>((resolve, reject) => {
    const url = new URL(wsUrl.replace(/^ws:/, 'http:').replace(/\/mqtt$/, '/elsewhere'));
    const req = request(url, { headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
    req.on('response', (res) => resolve(res.statusCode ?? 0));
    req.on('upgrade', () => reject(new Error('upgraded on a path that is not /mqtt')));
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 404);

  await device.close();
  // SIGTERM while the WebSocket client is still connected: a clean stop, exit status 0.
  s.child.kill('SIGTERM');
  assert.equal(await s.exited, 0, s.stderr());
  await browser.close(true);
});

test('brook start runs without MQTT when the default port 1883 is taken, and says so; an explicit taken port fails', async () => {
  // Hold 1883 (if something else already holds it, it is taken all the same).
  const holder = createServer();
  await new Promise<void>((resolve) => {
    holder.once('error', () => resolve());
    holder.listen(1883, '127.0.0.1', () => resolve());
  });
  try {
    const kafkaPort = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const a = s.address();
        s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
      });
    });
    const dir = mkdtempSync(join(tmpdir(), 'brook-mqtt-cli-'));
    dirs.push(dir);
    const started = await spawnBrook(['start', '--port', String(kafkaPort), '--no-http', '--data-dir', join(dir, 'data')], /Press Ctrl\+C/);
    const out = started.stdout();
    assert.match(out, /mqtt\s+off \(port 1883 is in use; pass --mqtt-port N/);
    assert.match(out, new RegExp(`listening on\\s+127\\.0\\.0\\.1:${kafkaPort}`));
    started.child.kill('SIGTERM');
    assert.equal(await started.exited, 0);

    const r = await run(process.execPath, [cliEntry, 'start', '--port', '0', '--mqtt-port', '1883', '--no-http', '--data-dir', join(dir, 'data2')], { limitMs: 30_000 });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /brook start: could not start the broker: .*EADDRINUSE/);
  } finally {
    await new Promise<void>((resolve) => holder.close(() => resolve()));
  }
});
