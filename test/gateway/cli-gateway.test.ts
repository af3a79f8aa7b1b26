// The gateway from the command line: `brook start --http-port 0` serves it beside the broker (the
// banner prints the port), BROOK_HTTP_PORT and --no-http follow the rules of the other flags, and
// `brook gateway --brokers ...` runs it alone against a cluster (here a Brook started in-process,
// standing in for any Kafka cluster).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveStartOptions } from '../../src/cli/commands/start-options.js';
import { startTestBroker } from '../helpers/broker.js';
import { cliEntry } from '../helpers/paths.js';
import { run } from '../helpers/processes.js';
import { killSpawned, spawnBrook } from '../helpers/brook-process.js';
import { http, until } from './gateway-harness.js';

const dirs: string[] = [];
after(() => {
  killSpawned();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'brook-gw-cli-'));
  dirs.push(d);
  return join(d, 'data');
}

test('brook start --http-port 0 serves REST, the registry and metrics on the port in its banner', async () => {
  const s = await spawnBrook(['start', '--port', '0', '--http-port', '0', '--data-dir', dataDir()], /http\s+http:\/\/\S+:(\d+)/);
  const url = /http\s+(http:\/\/\S+:\d+)/.exec(s.stdout())![1]!;
  // Ready once the cluster answers and the registry has read `_schemas` (503 until then).
  await until('/ready', async () => ((await http(url, 'GET', '/ready')).status === 200 ? true : undefined));
  const produced = await http(url, 'POST', '/topics/from-cli', { body: { records: [{ value: { a: 1 } }] }, type: 'application/vnd.kafka.json.v2+json' });
  assert.equal(produced.status, 200, produced.text);
  const metrics = await http(url, 'GET', '/metrics');
  assert.match(metrics.text, /^kafka_server_brokertopicmetrics_messagesin_total\{topic="from-cli"\} 1$/m, 'the broker registry is handed to the gateway');
  s.child.kill('SIGTERM');
  assert.equal(await s.exited, 0);
});

test('--no-http, BROOK_HTTP_PORT and the brook.http.port key', async () => {
  const off = await spawnBrook(['start', '--port', '0', '--no-http', '--data-dir', dataDir()], /Press Ctrl\+C/);
  assert.doesNotMatch(off.stdout(), /\n\s+http\s/);
  off.child.kill('SIGTERM');
  assert.equal(await off.exited, 0);

  const env = { BROOK_HTTP_PORT: '0' };
  assert.equal(resolveStartOptions({}, env).httpPort, 0);
  assert.equal(resolveStartOptions({ httpPort: '8181' }, env).httpPort, 8181, 'the flag wins over the environment');
  assert.equal(resolveStartOptions({ set: ['brook.http.port=9191'] }, {}).httpPort, 9191);
  assert.equal(resolveStartOptions({ set: ['brook.http.port=9191'] }, env).httpPort, 0, 'the environment wins over --set keys');
  assert.equal(resolveStartOptions({}, {}).httpPort, 8080);
  assert.equal(resolveStartOptions({}, {}).httpPortExplicit, false);
  assert.equal(resolveStartOptions({ http: false, httpPort: '1' }, {}).httpPort, null);
  assert.throws(() => resolveStartOptions({ httpPort: '70000' }, {}), /--http-port must be a whole number/);
});

test('an explicitly asked port that is taken fails the start with one sentence', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
  const port = (blocker.address() as { port: number }).port;
  try {
    const r = await run(process.execPath, [cliEntry, 'start', '--port', '0', '--http-port', String(port), '--data-dir', dataDir()]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`brook start: could not start the HTTP gateway on port ${port}`));
  } finally {
    blocker.close();
  }
});

test('brook gateway --brokers runs the gateway alone against a cluster', async () => {
  const cluster = await startTestBroker();
  try {
    const g = await spawnBrook(['gateway', '--brokers', cluster.bootstrap, '--http-port', '0'], /Brook gateway: (http:\/\/\S+) ->/);
    const url = /Brook gateway: (http:\/\/\S+) ->/.exec(g.stdout())![1]!;
    const clusters = await http(url, 'GET', '/v3/clusters');
    assert.equal((clusters.json as { data: { cluster_id: string }[] }).data[0]!.cluster_id, cluster.broker.state.clusterId);
    assert.equal((await http(url, 'POST', '/subjects/s/versions', { body: { schema: '"string"' }, type: 'application/vnd.schemaregistry.v1+json' })).status, 200);
    g.child.kill('SIGTERM');
    assert.equal(await g.exited, 0);
    const unreachable = await run(process.execPath, [cliEntry, 'gateway', '--brokers', '127.0.0.1:1', '--http-port', '0']);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /brook gateway: Broker unreachable at 127\.0\.0\.1:1\./);
  } finally {
    await cluster.close();
  }
});
