// `brook produce` as a person uses it: lines typed at a terminal (a real pseudo-terminal through
// util-linux `script`) or arriving through a pipe that stays open are sent at once, Ctrl+C sends
// what was read and prints the summary, and the live progress line never draws over typed input.
// Also tombstones (JSON null, --null-literal) and topic auto-creation, which follows the broker's
// auto.create.topics.enable exactly as other Kafka producers do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { expectSuccess } from '../helpers/processes.js';
import { cliEntry } from '../helpers/paths.js';
import { killSpawned, launchBrook } from '../helpers/brook-process.js';
import { brook, followBrook, tableRows } from './cli-harness.js';

let tb: TestBroker;
before(async () => {
  tb = await startTestBroker();
});
after(async () => {
  killSpawned();
  await tb.close();
});

/** Resolves when `text` has appeared in what `read()` returns, checking whenever `onData` fires. */
function waitForText(read: () => string, subscribe: (wake: () => void) => void, text: string): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (read().includes(text)) resolve();
      else subscribe(check);
    };
    check();
  });
}

test('lines from a pipe that stays open are sent one by one, and SIGINT flushes and prints the summary', { timeout: 60_000 }, async () => {
  expectSuccess(await brook(tb.bootstrap, ['topic', 'create', 'live-pipe']), 'create');
  const producer = launchBrook(['produce', 'live-pipe'], { env: { BROOK_BROKERS: tb.bootstrap }, stdin: 'pipe' });
  const consumer = followBrook(tb.bootstrap, ['consume', 'live-pipe', '--follow']);
  try {
    producer.child.stdin!.write('first\n');
    assert.deepEqual(await consumer.lines(1), ['first'], 'the first line arrived while stdin was still open');
    producer.child.stdin!.write('second\n');
    assert.deepEqual(await consumer.lines(2), ['first', 'second']);
    producer.child.kill('SIGINT');
    assert.equal(await producer.exited, 0, producer.stderr());
    assert.match(producer.stdout(), /^Produced 2 records \(11 B\) to live-pipe in [\d.]+ s: /);
  } finally {
    producer.child.kill('SIGKILL');
    consumer.child.kill('SIGINT');
    await consumer.exited;
  }
});

test('at a terminal: a typed line is sent on Enter, Ctrl+C ends with the summary, and no progress line is drawn', { timeout: 60_000 }, async () => {
  expectSuccess(await brook(tb.bootstrap, ['topic', 'create', 'live-tty']), 'create');
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  // `script` runs the command on a new pseudo-terminal: stdin, stdout and stderr are all a terminal there, and a
  // \x03 written to it is turned into SIGINT by the terminal's line discipline, as a real Ctrl+C is.
  // `exec`: the shell script starts is replaced by brook, so the Ctrl+C reaches brook alone; a shell left waiting
  // in the terminal's foreground group would die of the SIGINT itself and `script` would report 130 for it.
  const terminal = spawn('script', ['-qfec', `exec ${quote(process.execPath)} ${quote(cliEntry)} produce live-tty`, '/dev/null'], {
    env: { ...process.env, BROOK_BROKERS: tb.bootstrap, TERM: 'xterm', SHELL: '/bin/sh' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  const wakers: (() => void)[] = [];
  terminal.stdout.on('data', (b: Buffer) => {
    screen += b.toString();
    for (const w of wakers.splice(0)) w();
  });
  const exited = new Promise<number | null>((resolve) => terminal.on('close', (code) => resolve(code)));
  const consumer = followBrook(tb.bootstrap, ['consume', 'live-tty', '--follow']);
  try {
    terminal.stdin.write('typed at a terminal\r');
    assert.deepEqual(await consumer.lines(1), ['typed at a terminal']);
    terminal.stdin.write('half a li');
    await waitForText(() => screen, (w) => wakers.push(w), 'half a li');
    terminal.stdin.write('\u0003');
    assert.equal(await exited, 0, screen);
    assert.match(screen, /Produced 1 record \(19 B\) to live-tty in /);
    assert.ok(!screen.includes('\u001b[K'), `a progress line was drawn over the input: ${JSON.stringify(screen)}`);
    assert.ok(!screen.includes('\r\u001b'), JSON.stringify(screen));
  } finally {
    terminal.kill('SIGKILL');
    consumer.child.kill('SIGINT');
    await consumer.exited;
  }
  const all = await brook(tb.bootstrap, ['consume', 'live-tty', '--exit']);
  assert.equal(all.stdout, 'typed at a terminal\n', 'the unfinished line was not sent');
});

test('tombstones: "value": null in JSON and --null-literal in text are null values, and consume shows them as null', async () => {
  expectSuccess(await brook(tb.bootstrap, ['topic', 'create', 'accounts', '-c', 'cleanup.policy=compact']), 'create');
  const json = [JSON.stringify({ key: 'alice', value: 'open' }), JSON.stringify({ key: 'alice', value: null }), JSON.stringify({ key: 'bob', value: '' })].join('\n');
  expectSuccess(await brook(tb.bootstrap, ['produce', 'accounts', '--format', 'json', '-q'], { input: json }), 'produce json');
  expectSuccess(await brook(tb.bootstrap, ['produce', 'accounts', '-k', ':', '--null-literal', 'NULL', '-q'], { input: 'carol:NULL\ndave:NULLABLE\n' }), 'produce text');
  const records = (await brook(tb.bootstrap, ['consume', 'accounts', '--exit', '--json'])).stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { key: string | null; value: string | null });
  assert.deepEqual(
    records.map((r) => [r.key, r.value]),
    [
      ['alice', 'open'],
      ['alice', null],
      ['bob', ''],
      ['carol', null],
      ['dave', 'NULLABLE'],
    ],
  );
  const text = await brook(tb.bootstrap, ['consume', 'accounts', '--exit', '--format', '%k=%v (%S)\\n']);
  assert.equal(text.stdout, 'alice=open (4)\nalice=null (-1)\nbob= (0)\ncarol=null (-1)\ndave=NULLABLE (8)\n');
  const marked = await brook(tb.bootstrap, ['consume', 'accounts', '--exit', '-n', '2', '--format', '%v\\n', '--null-literal', '<tombstone>']);
  assert.equal(marked.stdout, 'open\n<tombstone>\n');
});

test('a missing topic is created on first produce when the broker allows it, as for any Kafka producer', async () => {
  const r = await brook(tb.bootstrap, ['produce', 'created-by-produce'], { input: 'a\nb\n' });
  expectSuccess(r, 'produce to a new topic');
  assert.match(r.stdout, /^Produced 2 records /);
  const list = await brook(tb.bootstrap, ['topic', 'list']);
  assert.ok(tableRows(list.stdout).some((row) => row[0] === 'created-by-produce' && row[1] === '1'), list.stdout);
  assert.equal((await brook(tb.bootstrap, ['consume', 'created-by-produce', '--exit'])).stdout, 'a\nb\n');
});

test('with auto.create.topics.enable=false, produce names the topic and the setting', async () => {
  const strict = await startTestBroker({ config: { 'auto.create.topics.enable': 'false' } });
  try {
    const r = await brook(strict.bootstrap, ['produce', 'nope'], { input: 'x\n' });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, 'brook produce: Unknown topic "nope", and the broker does not create topics on first use (auto.create.topics.enable=false); create it with: brook topic create nope\n');
    const list = await brook(strict.bootstrap, ['topic', 'list']);
    assert.deepEqual(tableRows(list.stdout), [['NAME', 'PARTITIONS', 'REPLICAS']]);
  } finally {
    await strict.close();
  }
});
