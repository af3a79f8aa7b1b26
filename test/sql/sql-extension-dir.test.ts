// The UDF directory as a config key: `brook.sql.extension.dir` (--set, --config) or the
// BROOK_SQL_EXTENSION_DIR variable (which wins, and is not taken for an unknown Kafka key);
// a path that is not a directory stops `brook start` with one sentence; `brook start --set
// brook.sql.extension.dir=...` loads the modules there (SHOW FUNCTIONS lists them).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveStartOptions } from '../../src/cli/commands/start-options.js';
import { brokerConfigByName } from '../../src/broker/config/definitions.js';
import { killSpawned, spawnBrook } from '../helpers/brook-process.js';
import { http, until } from '../gateway/gateway-harness.js';

const root = mkdtempSync(join(tmpdir(), 'brook-udf-key-'));
after(() => {
  killSpawned();
  rmSync(root, { recursive: true, force: true });
});

const MODULE = `export const udfs = [{ name: 'triple', params: ['INT'], returns: 'INT', evaluate: (a) => a * 3 }];\n`;

test('brook.sql.extension.dir: a config key, BROOK_SQL_EXTENSION_DIR before it, a directory required', () => {
  const a = mkdtempSync(join(root, 'a-'));
  const b = mkdtempSync(join(root, 'b-'));
  assert.equal(brokerConfigByName.get('brook.sql.extension.dir')?.type, 'STRING');
  assert.equal(resolveStartOptions({}, {}).sqlExtensionDir, undefined);
  assert.equal(resolveStartOptions({ set: [`brook.sql.extension.dir=${a}`] }, {}).sqlExtensionDir, a);
  const config = join(root, 'server.properties');
  writeFileSync(config, `brook.sql.extension.dir=${b}\n`);
  assert.equal(resolveStartOptions({ config }, {}).sqlExtensionDir, b);
  const fromEnv = resolveStartOptions({ set: [`brook.sql.extension.dir=${a}`] }, { BROOK_SQL_EXTENSION_DIR: b });
  assert.equal(fromEnv.sqlExtensionDir, b, 'the variable wins over the key');
  assert.deepEqual(fromEnv.unknownKeys, [], 'BROOK_SQL_EXTENSION_DIR is not read as a Kafka key sql.extension.dir');
  assert.equal(resolveStartOptions({}, { BROOK_BROOK_SQL_EXTENSION_DIR: a }).sqlExtensionDir, a, 'the key through the generic BROOK_<KEY> mapping');
  assert.equal(resolveStartOptions({ set: ['brook.sql.extension.dir=relative'] }, { BROOK_SQL_EXTENSION_DIR: a }).sqlExtensionDir, resolve(a));
  const missing = join(root, 'nowhere');
  assert.throws(() => resolveStartOptions({ set: [`brook.sql.extension.dir=${missing}`] }, {}), { name: 'UsageError', message: `brook.sql.extension.dir must name a directory of UDF modules, and ${missing} is not one.` });
  assert.throws(() => resolveStartOptions({}, { BROOK_SQL_EXTENSION_DIR: config }), { name: 'UsageError', message: `BROOK_SQL_EXTENSION_DIR must name a directory of UDF modules, and ${config} is not one.` });
});

test('brook start --set brook.sql.extension.dir loads the UDFs there', async () => {
  const udfs = mkdtempSync(join(root, 'udfs-'));
  writeFileSync(join(udfs, 'triple.mjs'), MODULE);
  const args = ['start', '--port', '0', '--http-port', '0', '--no-mqtt', '--no-amqp', '--data-dir', join(root, 'data'), '--set', `brook.sql.extension.dir=${udfs}`];
  const s = await spawnBrook(args, /http\s+(http:\/\/\S+:\d+)/, { BROOK_SQL_EXTENSION_DIR: '' });
  const url = s.banner[1]!;
  const listed = await until('SHOW FUNCTIONS', async () => {
    const r = await http(url, 'POST', '/ksql', { body: { ksql: 'SHOW FUNCTIONS;' } });
    return r.status === 200 ? (r.json as Array<{ functions: Array<{ name: string }> }>) : undefined;
  }, 60_000);
  assert.ok(listed[0]!.functions.some((f) => f.name === 'TRIPLE'), s.stdout() + s.stderr());
  s.child.kill('SIGTERM');
  assert.equal(await s.exited, 0);
});
