// `brook start` as a subprocess: a free port, a real client, clean shutdown on SIGTERM, exit 2
// on bad input, and config precedence flags > BROOK_* env > --config file.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { CLEAN_SHUTDOWN_FILE } from '../../src/storage/index.js';
import { LISTENING, killSpawned, spawnBrook, type RunningBrook } from '../helpers/brook-process.js';
import { cliEntry } from '../helpers/paths.js';
import { run } from '../helpers/processes.js';

const { ConfigResourceTypes, Kafka, logLevel } = kafkajs;

const dirs: string[] = [];
after(() => {
  killSpawned();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'brook-cli-'));
  dirs.push(d);
  return d;
}

/** Spawns `brook start` and resolves once its banner names the bound port. */
async function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunningBrook & { port: number }> {
  const s = await spawnBrook(['start', ...args], LISTENING, env);
  return { ...s, port: Number(s.banner[1]) };
}

test('brook start --port 0 serves a real client and shuts down cleanly on SIGTERM', async () => {
  const dataDir = join(tempDir(), 'data');
  const s = await startCli(['--port', '0', '--data-dir', dataDir]);
  assert.ok(s.port > 0);
  assert.match(s.stdout(), new RegExp(`data dir\\s+${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.match(s.stdout(), /Brook \d+\.\d+\.\d+/);
  const admin = new Kafka({ clientId: 'cli-test', brokers: [`127.0.0.1:${s.port}`], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: 'cli-topic', numPartitions: 2 }] });
    const cluster = await admin.describeCluster();
    assert.equal(cluster.brokers[0]!.port, s.port);
  } finally {
    await admin.disconnect();
  }
  s.child.kill('SIGTERM');
  assert.equal(await s.exited, 0);
  assert.ok(existsSync(join(dataDir, CLEAN_SHUTDOWN_FILE)), 'clean-shutdown marker written');
  assert.ok(existsSync(join(dataDir, 'cli-topic-1')));
});

test('bad flags and bad config values exit 2 with one sentence', async () => {
  const cases: [string[], RegExp][] = [
    [['--port', 'abc'], /--port must be a whole number from 0 to 65535/],
    [['--port', '70000'], /--port must be/],
    [['--set', 'num.partitions=0'], /num\.partitions must be at least 1, not 0/],
    [['--set', 'nonsense'], /--set expects key=value/],
    [['--config', '/nonexistent/brook.properties'], /Cannot read the config file/],
    [['--log-level', 'loud'], /--log-level must be one of/],
    [['--no-such-flag'], /unknown option/],
  ];
  for (const [args, message] of cases) {
    const r = await run(process.execPath, [cliEntry, 'start', '--data-dir', join(tempDir(), 'd'), ...args], { limitMs: 30_000 });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
  }
  const env = await run(process.execPath, [cliEntry, 'start', '--data-dir', join(tempDir(), 'd')], { env: { BROOK_PORT: '-1' }, limitMs: 30_000 });
  assert.equal(env.code, 2);
});

test('config precedence: --set flags over BROOK_* environment over the --config file', async () => {
  const dir = tempDir();
  const file = join(dir, 'server.properties');
  writeFileSync(file, ['# a Kafka-style file', 'num.partitions=2', 'log.retention.ms=1000', 'message.max.bytes=5000', ''].join('\n'));
  const s = await startCli(['--port', '0', '--data-dir', join(dir, 'data'), '--config', file, '--set', 'message.max.bytes=7000'], {
    BROOK_LOG_RETENTION_MS: '2000',
    BROOK_MESSAGE_MAX_BYTES: '6000',
  });
  const admin = new Kafka({ clientId: 'cli-precedence', brokers: [`127.0.0.1:${s.port}`], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const d = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.BROKER, name: '0', configNames: ['num.partitions', 'log.retention.ms', 'message.max.bytes', 'log.segment.bytes'] }],
      includeSynonyms: true,
    });
    const got = Object.fromEntries(d.resources[0]!.configEntries.map((e) => [e.configName, [e.configValue, (e as { configSource?: number }).configSource]]));
    assert.deepEqual(got, {
      'num.partitions': ['2', 4], // file (STATIC_BROKER_CONFIG)
      'log.retention.ms': ['2000', 4], // env beats file
      'message.max.bytes': ['7000', 4], // flag beats env and file
      'log.segment.bytes': ['1073741824', 5], // DEFAULT_CONFIG
    });
  } finally {
    await admin.disconnect();
  }
  s.child.kill('SIGINT');
  assert.equal(await s.exited, 0);
});
