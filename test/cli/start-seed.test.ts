// `brook start --seed-topic`: topics exist as soon as the banner is printed, a restart keeps
// them as they are, and a malformed seed is a usage error.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LISTENING, killSpawned, spawnBrook } from '../helpers/brook-process.js';
import { cliEntry } from '../helpers/paths.js';
import { expectSuccess, run } from '../helpers/processes.js';
import { brook, tableRows } from './cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'brook-seed-'));
after(() => {
  killSpawned();
  rmSync(dir, { recursive: true, force: true });
});

async function withBroker(args: string[], use: (bootstrap: string) => Promise<void>): Promise<void> {
  // --no-mqtt: the MQTT listener creates its default topic `mqtt` at start, and these tests list topics.
  const s = await spawnBrook(['start', '--port', '0', '--no-mqtt', '--data-dir', join(dir, 'data'), ...args], LISTENING);
  try {
    await use(`127.0.0.1:${s.banner[1]!}`);
  } finally {
    s.child.kill('SIGTERM');
  }
  assert.equal(await s.exited, 0);
}

test('--seed-topic creates topics at start and leaves existing ones alone', async () => {
  await withBroker(['--seed-topic', 'orders:3', '--seed-topic', 'audit'], async (bootstrap) => {
    const list = await brook(bootstrap, ['topic', 'list']);
    expectSuccess(list, 'topic list');
    assert.deepEqual(tableRows(list.stdout).slice(1), [
      ['audit', '1', '1'],
      ['orders', '3', '1'],
    ]);
  });
  await withBroker(['--seed-topic', 'orders:5'], async (bootstrap) => {
    const list = await brook(bootstrap, ['topic', 'list']);
    assert.deepEqual(tableRows(list.stdout).slice(1), [
      ['audit', '1', '1'],
      ['orders', '3', '1'],
    ]);
  });
});

test('a malformed --seed-topic exits 2 with one sentence', async () => {
  const r = await run(process.execPath, [cliEntry, 'start', '--port', '0', '--data-dir', join(dir, 'bad'), '--seed-topic', 'orders:none'], { limitMs: 30_000 });
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'brook start: --seed-topic expects name:partitions with at least 1 partition (e.g. orders:3), not "orders:none".\n');
});
