// `brook consume --group` and `brook group list|describe|seek|delete` as subprocesses: commits
// match what was printed, lag is log end minus committed, seek previews and applies, and a
// group with a live member refuses seek and delete.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestTarget, type TestTarget } from '../helpers/target.js';
import { expectSuccess } from '../helpers/processes.js';
import { brook, followBrook, tableRows } from './cli-harness.js';

let tb: TestTarget;
before(async () => {
  // No 3 s wait for more members before a new group's first rebalance: each join is one process.
  tb = await startTestTarget({ config: { 'group.initial.rebalance.delay.ms': '0' }, privateCluster: true });
});
after(async () => {
  await tb.close();
});

/** Rows of the PARTITIONS table: [topic, partition, current, end, lag, ...]. */
function partitionRows(stdout: string): string[][] {
  const rows = tableRows(stdout);
  const header = rows.findIndex((r) => r[0] === 'TOPIC');
  return rows.slice(header + 1);
}

function totalLag(stdout: string): number {
  return Number(/^Total lag\s+(\d+)$/m.exec(stdout)?.[1]);
}

test('a group consumes, commits what it printed, shows lag, seeks and is deleted', async () => {
  expectSuccess(await brook(tb.bootstrap, ['topic', 'create', 'ledger', '-p', '2']), 'create');
  const input = Array.from({ length: 10 }, (_, i) => `${i % 2}:entry-${i}`).join('\n');
  expectSuccess(await brook(tb.bootstrap, ['produce', 'ledger', '-k', ':', '-q'], { input }), 'produce');

  const consumed = await brook(tb.bootstrap, ['consume', 'ledger', '--group', 'billing', '--exit', '-n', '6']);
  expectSuccess(consumed, 'consume --group');
  assert.equal(consumed.stdout.trim().split('\n').length, 6);

  const list = await brook(tb.bootstrap, ['group', 'list']);
  expectSuccess(list, 'group list');
  assert.deepEqual(tableRows(list.stdout), [
    ['GROUP', 'TYPE', 'STATE', 'PROTOCOL-TYPE'],
    ['billing', 'classic', 'Empty', 'consumer'],
  ]);

  const described = await brook(tb.bootstrap, ['group', 'describe', 'billing']);
  expectSuccess(described, 'group describe');
  assert.match(described.stdout, /^State\s+Empty$/m);
  assert.equal(totalLag(described.stdout), 4);
  const rows = partitionRows(described.stdout);
  assert.equal(rows.length, 2);
  let committed = 0;
  for (const [topic, , current, end, lag] of rows) {
    assert.equal(topic, 'ledger');
    assert.equal(Number(end) - Number(current), Number(lag));
    committed += Number(current);
  }
  assert.equal(committed, 6);

  // The rest, from where the group stopped: exactly the 4 records not yet printed.
  const rest = await brook(tb.bootstrap, ['consume', 'ledger', '--group', 'billing', '--exit']);
  const printed = new Set([...consumed.stdout.trim().split('\n'), ...rest.stdout.trim().split('\n')]);
  assert.equal(printed.size, 10);

  const preview = await brook(tb.bootstrap, ['group', 'seek', 'billing', '--to', 'earliest', '--dry-run']);
  expectSuccess(preview, 'seek --dry-run');
  assert.match(preview.stdout, /Dry run: no offsets were changed\./);
  assert.deepEqual(tableRows(preview.stdout)[0], ['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET']);
  assert.ok(tableRows(preview.stdout).slice(1, 3).every((r) => r[3] === '0'));
  assert.equal(totalLag((await brook(tb.bootstrap, ['group', 'describe', 'billing'])).stdout), 0, 'a dry run changes nothing');

  expectSuccess(await brook(tb.bootstrap, ['group', 'seek', 'billing', '--to', 'earliest']), 'seek earliest');
  assert.equal(totalLag((await brook(tb.bootstrap, ['group', 'describe', 'billing'])).stdout), 10);
  expectSuccess(await brook(tb.bootstrap, ['group', 'seek', 'billing', '--to', '-1']), 'seek -1');
  assert.equal(totalLag((await brook(tb.bootstrap, ['group', 'describe', 'billing'])).stdout), 2);
  expectSuccess(await brook(tb.bootstrap, ['group', 'seek', 'billing', '--to', 'latest', '--topic', 'ledger']), 'seek latest');
  assert.equal(totalLag((await brook(tb.bootstrap, ['group', 'describe', 'billing'])).stdout), 0);
  expectSuccess(await brook(tb.bootstrap, ['group', 'seek', 'billing', '--to', '1']), 'seek 1');
  assert.equal(totalLag((await brook(tb.bootstrap, ['group', 'describe', 'billing'])).stdout), 8);

  // A live member: describe shows it with its assignment; seek and delete refuse.
  const member = followBrook(tb.bootstrap, ['consume', 'ledger', '--group', 'billing', '--follow']);
  try {
    await member.lines(8);
    const live = await brook(tb.bootstrap, ['group', 'describe', 'billing']);
    expectSuccess(live, 'describe live');
    assert.match(live.stdout, /^State\s+Stable$/m);
    assert.match(live.stdout, /^Members\s+1$/m);
    assert.match(live.stdout, /ledger\[0,1\]/);
    assert.ok(partitionRows(live.stdout).every((r) => r[5] !== '-'), 'every partition names its member');
    const seek = await brook(tb.bootstrap, ['group', 'seek', 'billing', '--to', 'earliest']);
    assert.equal(seek.code, 1);
    assert.match(seek.stderr, /^brook group seek: Group "billing" has 1 active member \(state Stable\); stop them before seeking/);
    const del = await brook(tb.bootstrap, ['group', 'delete', 'billing']);
    assert.equal(del.code, 1);
    assert.equal(del.stderr.trim().split('\n').length, 1, del.stderr);
  } finally {
    member.child.kill('SIGINT');
  }
  assert.equal(await member.exited, 0);

  const deleted = await brook(tb.bootstrap, ['group', 'delete', 'billing']);
  expectSuccess(deleted, 'group delete');
  const gone = await brook(tb.bootstrap, ['group', 'describe', 'billing']);
  assert.equal(gone.code, 1);
  assert.equal(gone.stderr, 'brook group describe: Unknown group "billing".\n');
});

test('group errors: unknown groups, nothing to seek, bad targets', async () => {
  const cases: [string[], number, RegExp][] = [
    [['group', 'describe', 'nobody'], 1, /Unknown group "nobody"/],
    [['group', 'delete', 'nobody'], 1, /Unknown group "nobody"/],
    [['group', 'seek', 'nobody', '--to', 'earliest'], 1, /has no committed offsets; name the topics to seek with --topic/],
    [['group', 'seek', 'nobody', '--to', 'whenever'], 2, /--to must be beginning, end/],
    [['group', 'seek', 'nobody'], 2, /required option '--to <where>'/],
    [['group', 'seek', 'nobody', '--to', 'earliest', '--topic', 'missing'], 1, /Unknown topic "missing"/],
  ];
  const results = await Promise.all(cases.map(([args]) => brook(tb.bootstrap, args)));
  cases.forEach(([args, code, message], i) => {
    assert.equal(results[i]!.code, code, `${args.join(' ')}: ${results[i]!.stderr}`);
    assert.match(results[i]!.stderr, message);
    assert.equal(results[i]!.stderr.trim().split('\n').length, 1);
  });
});
