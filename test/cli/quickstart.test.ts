// Runs the README's quickstart exactly as written: the commands are read from the fenced block
// under "## Quickstart", so the README cannot drift from what works. Two adaptations, both
// about the test machine rather than the commands: `npm install` is skipped (the test suite
// runs from an installed, built checkout), and the broker listens on a free port in a temp
// data dir, which the other steps find through BROOK_BROKERS.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LISTENING, killSpawned, spawnBrook, type RunningBrook } from '../helpers/brook-process.js';
import { cliEntry, repoRoot } from '../helpers/paths.js';
import { expectSuccess, run } from '../helpers/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'brook-quickstart-'));
after(() => {
  killSpawned();
  rmSync(dir, { recursive: true, force: true });
});

/** The commands of the quickstart's first ```sh block, without their trailing comments. */
function quickstartCommands(): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quickstart'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, 'README has a ```sh block under ## Quickstart');
  return block
    .split('\n')
    .map((l) => l.replace(/\s+#\s.*$/, '').trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

function startBroker(command: string): Promise<RunningBrook> {
  const args = command.replace(/^npx brook /, '').split(/\s+/);
  return spawnBrook([...args, '--port', '0', '--data-dir', join(dir, 'data')], LISTENING);
}

test('the README quickstart works as written', async () => {
  const commands = quickstartCommands();
  assert.deepEqual(
    commands.map((c) => /npx brook (\w+(?: \w+)?)/.exec(c)?.[1] ?? c),
    ['npm install', 'start', 'topic create', 'produce orders', 'consume orders', 'group describe'],
  );
  const broker = await startBroker(commands[1]!);
  const env = { BROOK_BROKERS: `127.0.0.1:${broker.banner[1]!}` };
  const brook = `'${process.execPath}' '${cliEntry}'`;
  const outputs: string[] = [];
  for (const command of commands.slice(2)) {
    const r = await run('/bin/sh', ['-c', command.replaceAll('npx brook', brook)], { env, limitMs: 60_000 });
    expectSuccess(r, command);
    outputs.push(r.stdout);
  }
  const [created, produced, consumed, described] = outputs;
  assert.match(created!, /^orders\s+3\s+created$/m);
  assert.match(produced!, /^Produced 3 records /);
  const lines = consumed!.trim().split('\n');
  assert.equal(lines.length, 2);
  for (const l of lines) assert.ok(['alice: signed up', 'bob: ordered a book', 'alice: paid'].includes(l), l);
  assert.match(described!, /^Group\s+billing$/m);
  assert.match(described!, /^Total lag\s+1$/m);

  broker.child.kill('SIGTERM');
  assert.equal(await broker.exited, 0);
});
