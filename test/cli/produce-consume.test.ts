// `brook produce` and `brook consume` as subprocesses: input formats, keys, headers,
// partitions, codecs, every --offset form, --count, --format/--json, --follow until Ctrl-C, and
// a 100,000-line round trip through `brook produce | brook consume`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestTarget, type TestTarget } from '../helpers/target.js';
import { expectSuccess } from '../helpers/processes.js';
import { brook, followBrook } from './cli-harness.js';

let tb: TestTarget;
before(async () => {
  tb = await startTestTarget({ privateCluster: true });
});
after(async () => {
  await tb.close();
});

async function createTopic(name: string, partitions: number): Promise<void> {
  expectSuccess(await brook(tb.bootstrap, ['topic', 'create', name, '-p', String(partitions)]), `create ${name}`);
}

test('produce | consume round-trips 100,000 lines exactly', async () => {
  await createTopic('bulk', 1);
  const lines = Array.from({ length: 100_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`);
  const input = lines.join('\n') + '\n';
  const produced = await brook(tb.bootstrap, ['produce', 'bulk', '--compression', 'lz4'], { input, limitMs: 120_000 });
  expectSuccess(produced, 'produce');
  assert.match(produced.stdout, /^Produced 100,000 records \(.+\) to bulk in [\d.]+ s: [\d,]+ records\/s, .+\/s\.\n$/);
  const consumed = await brook(tb.bootstrap, ['consume', 'bulk', '--exit'], { limitMs: 120_000 });
  expectSuccess(consumed, 'consume');
  assert.equal(consumed.stdout, input);
});

test('keys, headers, partitions and the format escapes', async () => {
  await createTopic('keyed', 3);
  const produced = await brook(tb.bootstrap, ['produce', 'keyed', '-k', '=', '-H', 'source=cli', '-H', 'v=1', '--partition', '2', '--acks', '1', '-z', 'gzip'], {
    input: 'alice=signed up\nbob=paid=twice\nno key here\n',
  });
  expectSuccess(produced, 'produce');
  const r = await brook(tb.bootstrap, ['consume', 'keyed', '--exit', '--format', '%t|%p|%o|%k|%v|%h|%K|%S\\n']);
  expectSuccess(r, 'consume');
  assert.equal(r.stdout, ['keyed|2|0|alice|signed up|source=cli,v=1|5|9', 'keyed|2|1|bob|paid=twice|source=cli,v=1|3|10', 'keyed|2|2|null|no key here|source=cli,v=1|-1|11', ''].join('\n'));
  const ts = await brook(tb.bootstrap, ['consume', 'keyed', '--exit', '-n', '1', '-f', '%T']);
  const ms = Number(ts.stdout);
  assert.ok(Math.abs(ms - Date.now()) < 10 * 60_000, `timestamp ${ts.stdout}`);
});

test('--format json in, --json out, and per-record partitions', async () => {
  await createTopic('json', 2);
  const input = [
    JSON.stringify({ key: 'k1', value: 'v1', headers: { trace: 'a' }, partition: 1 }),
    JSON.stringify({ value: { nested: true }, partition: 0 }),
    JSON.stringify({ key: 'k3', value: 'v3', partition: 1 }),
  ].join('\n');
  expectSuccess(await brook(tb.bootstrap, ['produce', 'json', '--format', 'json', '-q'], { input }), 'produce json');
  const r = await brook(tb.bootstrap, ['consume', 'json', '--exit', '--json']);
  expectSuccess(r, 'consume --json');
  const records = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map(({ timestamp, ...rest }) => {
      assert.equal(typeof timestamp, 'number');
      return rest;
    });
  assert.deepEqual(records, [
    { topic: 'json', partition: 0, offset: 0, key: null, value: '{"nested":true}', headers: {} },
    { topic: 'json', partition: 1, offset: 0, key: 'k1', value: 'v1', headers: { trace: 'a' } },
    { topic: 'json', partition: 1, offset: 1, key: 'k3', value: 'v3', headers: {} },
  ]);
  const one = await brook(tb.bootstrap, ['consume', 'json', '--exit', '--partition', '1', '-f', '%v,']);
  assert.equal(one.stdout, 'v1,v3,');
});

test('--offset beginning, end, n, -n and @time; --count', async () => {
  await createTopic('offsets', 1);
  expectSuccess(await brook(tb.bootstrap, ['produce', 'offsets'], { input: '0\n1\n2\n3\n4\n' }), 'produce first');
  expectSuccess(await brook(tb.bootstrap, ['produce', 'offsets'], { input: '5\n6\n7\n8\n9\n' }), 'produce second');
  // Records 5-9 came from a later process than 0-4, so their timestamps are later.
  const fifth = await brook(tb.bootstrap, ['consume', 'offsets', '--exit', '-o', '5', '-n', '1', '-f', '%T']);
  const fifthAt = Number(fifth.stdout);
  const at = (args: string[]) => brook(tb.bootstrap, ['consume', 'offsets', '--exit', '-f', '%v ', ...args]);
  const [all, end, abs, last, count, beyond, iso, ms, mid, midIso] = await Promise.all([
    at(['-o', 'beginning']),
    at(['-o', 'end']),
    at(['-o', '7']),
    at(['-o', '-3']),
    at(['-o', '2', '-n', '4']),
    at(['-o', '1000']),
    at(['-o', `@${new Date(Date.now() + 3_600_000).toISOString()}`]),
    at(['-o', '@0']),
    at(['-o', `@${fifthAt}`]),
    at(['-o', `@${new Date(fifthAt).toISOString()}`]),
  ]);
  assert.equal(all.stdout, '0 1 2 3 4 5 6 7 8 9 ');
  assert.equal(end.stdout, '');
  assert.equal(abs.stdout, '7 8 9 ');
  assert.equal(last.stdout, '7 8 9 ');
  assert.equal(count.stdout, '2 3 4 5 ');
  assert.equal(beyond.stdout, '', 'an offset past the end starts at the end');
  assert.equal(iso.stdout, '', 'a time after every record starts at the end');
  assert.equal(ms.stdout, '0 1 2 3 4 5 6 7 8 9 ');
  assert.equal(mid.stdout, '5 6 7 8 9 ');
  assert.equal(midIso.stdout, '5 6 7 8 9 ');
  for (const r of [all, end, abs, last, count, beyond, iso, ms, mid, midIso]) assert.equal(r.code, 0, r.stderr);
});

test('--follow prints new records as they arrive and stops cleanly on Ctrl-C', async () => {
  await createTopic('tail', 2);
  // The topic is empty, so the follower waits at offset 0 whenever it starts: no race.
  const follower = followBrook(tb.bootstrap, ['consume', 'tail', '--follow', '-f', '%p:%v\\n']);
  try {
    expectSuccess(await brook(tb.bootstrap, ['produce', 'tail', '-q', '-p', '1'], { input: 'first\nsecond\n' }), 'produce');
    assert.deepEqual(await follower.lines(2), ['1:first', '1:second']);
    expectSuccess(await brook(tb.bootstrap, ['produce', 'tail', '-q', '-p', '0'], { input: 'third\n' }), 'produce more');
    assert.deepEqual((await follower.lines(3))[2], '0:third');
  } finally {
    follower.child.kill('SIGINT');
  }
  assert.equal(await follower.exited, 0, follower.stderr());
});
