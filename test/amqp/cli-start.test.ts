// `brook start` with the AMQP listener: --amqp-port 0 picks a free port and the banner prints it;
// rabbitmq-c's amqp-tools (Debian amqp-tools), unmodified, publish and consume through it; --no-amqp
// turns it off; a bad --amqp-port exits 2; an asked-for port in use fails the start, the default one
// in use (a RabbitMQ on 5672) leaves AMQP off and the Kafka broker running; --amqps-port adds the
// TLS listener and the banner names it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import amqplib from 'amqplib';
import { createTestPki } from '../helpers/certificates.js';
import { cliEntry } from '../helpers/paths.js';
import { startTestBroker } from '../helpers/broker.js';
import { killSpawned, spawnBrook, type RunningBrook } from '../helpers/brook-process.js';
import { expectSuccess, run } from '../helpers/processes.js';
import { hasCommand, requireOrSkip } from './real-amqp-clients.js';

const dirs: string[] = [];
after(() => {
  killSpawned();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** `brook start` on port 0 in a fresh data dir, once its banner is out. */
function startCli(args: string[]): Promise<RunningBrook> {
  const dir = mkdtempSync(join(tmpdir(), 'brook-amqp-cli-'));
  dirs.push(dir);
  return spawnBrook(['start', '--port', '0', '--data-dir', join(dir, 'data'), ...args], /Press Ctrl\+C/);
}

const amqpTools = hasCommand('amqp-publish') && hasCommand('amqp-get');

test('brook start --amqp-port 0: the banner names the port; amqp-tools publish and get through it', { skip: requireOrSkip(amqpTools, 'amqp-tools') }, async () => {
  const s = await startCli(['--amqp-port', '0']);
  const m = /AMQP 0-9-1\s+127\.0\.0\.1:(\d+)/.exec(s.stdout());
  assert.ok(m, `banner without an AMQP line:\n${s.stdout()}`);
  const url = `amqp://guest:guest@127.0.0.1:${m[1]!}`;
  expectSuccess(await run('amqp-declare-queue', ['--url', url, '--queue', 'cli-q', '--durable']), 'amqp-declare-queue');
  expectSuccess(await run('amqp-publish', ['--url', url, '--routing-key', 'cli-q', '--persistent', '--content-type', 'text/plain', '--body', 'hello from rabbitmq-c']), 'amqp-publish');
  const got = await run('amqp-get', ['--url', url, '--queue', 'cli-q']);
  expectSuccess(got, 'amqp-get');
  assert.equal(got.stdout, 'hello from rabbitmq-c');
  const empty = await run('amqp-get', ['--url', url, '--queue', 'cli-q']);
  assert.notEqual(empty.code, 0, 'the message was acknowledged by amqp-get, the queue is empty');
  expectSuccess(await run('amqp-publish', ['--url', url, '--routing-key', 'cli-q', '--body', 'second']), 'amqp-publish');
  const consumed = await run('amqp-consume', ['--url', url, '--queue', 'cli-q', '--count', '1', 'cat'], { limitMs: 20_000 });
  expectSuccess(consumed, 'amqp-consume');
  assert.equal(consumed.stdout, 'second');
  s.child.kill('SIGTERM');
  assert.equal(await s.exited, 0);
});

test('brook start --no-amqp starts no AMQP listener; a bad --amqp-port exits 2', async () => {
  const s = await startCli(['--no-amqp']);
  assert.doesNotMatch(s.stdout(), /AMQP/);
  s.child.kill('SIGTERM');
  assert.equal(await s.exited, 0);
  const bad = await run(process.execPath, [cliEntry, 'start', '--amqp-port', 'x'], { limitMs: 30_000 });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--amqp-port must be a whole number/);
});

test('an AMQP port in use: asked for, the start fails; the default one, AMQP stays off and Kafka runs', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as AddressInfo).port;
  try {
    const asked = await run(process.execPath, [cliEntry, 'start', '--port', '0', '--amqp-port', String(port), '--no-http', '--data-dir', mkdtempSync(join(tmpdir(), 'brook-amqp-cli-'))], { limitMs: 30_000 });
    assert.equal(asked.code, 1);
    assert.match(asked.stderr, /could not start the broker: .*EADDRINUSE/);
    // brook start passes amqpPortOptional when no port was asked for (resolveStartOptions).
    const b = await startTestBroker({ amqpPort: port, amqpPortOptional: true });
    try {
      assert.equal(b.broker.amqpPort, null);
      assert.ok(b.broker.port > 0);
      assert.ok(b.logs.some((l) => /AMQP listener not started/.test(JSON.stringify(l))), 'no warning logged');
    } finally {
      await b.close();
    }
  } finally {
    taken.close();
  }
});

test('brook start --amqps-port 0 with a PEM keystore: the banner names the amqps port and amqplib connects over TLS', async () => {
  const pki = createTestPki();
  try {
    const s = await startCli(['--amqp-port', '0', '--amqps-port', '0', '--no-http', '--set', `ssl.keystore.location=${pki.serverKeystore}`]);
    const m = /AMQP 0-9-1\s+127\.0\.0\.1:\d+ \(amqps: 127\.0\.0\.1:(\d+)\)/.exec(s.stdout());
    assert.ok(m, `banner without the amqps port:\n${s.stdout()}`);
    const c = await amqplib.connect(`amqps://guest:guest@localhost:${m[1]!}`, { ca: [readFileSync(pki.caCert)] });
    const ch = await c.createChannel();
    assert.equal((await ch.assertQueue('cli-tls')).queue, 'cli-tls');
    await c.close();
    s.child.kill('SIGTERM');
    assert.equal(await s.exited, 0);
  } finally {
    pki.remove();
  }
  const bad = await run(process.execPath, [cliEntry, 'start', '--amqps-port', '70000'], { limitMs: 30_000 });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--amqps-port must be a whole number/);
});
