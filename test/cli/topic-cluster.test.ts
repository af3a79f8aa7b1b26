// `brook topic ...`, `brook cluster info`, help texts and the one-sentence error paths, as
// subprocesses against one in-process broker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startTestTarget, type TestTarget } from '../helpers/target.js';
import { expectSuccess } from '../helpers/processes.js';
import { brook, tableRows } from './cli-harness.js';

let tb: TestTarget;
before(async () => {
  tb = await startTestTarget({ privateCluster: true });
});
after(async () => {
  await tb.close();
});

test('topic create, list, describe, add-partitions, alter-config and delete', async () => {
  const created = await brook(tb.bootstrap, ['topic', 'create', 'payments', 'audit', '-p', '3', '-c', 'retention.ms=3600000']);
  expectSuccess(created, 'topic create');
  assert.deepEqual(tableRows(created.stdout), [
    ['TOPIC', 'PARTITIONS', 'STATUS'],
    ['payments', '3', 'created'],
    ['audit', '3', 'created'],
  ]);

  const produced = await brook(tb.bootstrap, ['produce', 'payments', '--partition', '1'], { input: 'a\nb\nc\n' });
  expectSuccess(produced, 'produce');

  const list = await brook(tb.bootstrap, ['topic', 'list']);
  expectSuccess(list, 'topic list');
  assert.deepEqual(tableRows(list.stdout), [
    ['NAME', 'PARTITIONS', 'REPLICAS'],
    ['audit', '3', '1'],
    ['payments', '3', '1'],
  ]);

  const described = await brook(tb.bootstrap, ['topic', 'describe', 'payments']);
  expectSuccess(described, 'topic describe');
  assert.match(described.stdout, /^Name\s+payments$/m);
  assert.match(described.stdout, /^Partitions\s+3$/m);
  const rows = tableRows(described.stdout);
  const header = rows.findIndex((r) => r[0] === 'PARTITION');
  assert.deepEqual(rows[header], ['PARTITION', 'LEADER', 'REPLICAS', 'LOG-START-OFFSET', 'LOG-END-OFFSET', 'RECORDS', 'SIZE']);
  assert.deepEqual(rows[header + 2]!.slice(0, 6), ['1', '0', '[0]', '0', '3', '3']);
  assert.match(rows[header + 2]![6]!, /^\d+ B$/);
  assert.equal(rows[header + 1]![4], '0');
  assert.ok(rows.some((r) => r[0] === 'retention.ms' && r[1] === '3600000' && r[2] === 'DYNAMIC_TOPIC_CONFIG'), described.stdout);
  assert.ok(rows.some((r) => r[0] === 'cleanup.policy' && r[1] === 'delete' && r[2] === 'DEFAULT_CONFIG'), described.stdout);

  expectSuccess(await brook(tb.bootstrap, ['topic', 'add-partitions', 'payments', '--num', '2']), 'add-partitions --num');
  const grown = await brook(tb.bootstrap, ['topic', 'add-partitions', 'payments', '--total', '6']);
  expectSuccess(grown, 'add-partitions --total');
  assert.deepEqual(tableRows(grown.stdout)[1], ['payments', '6', 'added 1']);

  expectSuccess(await brook(tb.bootstrap, ['topic', 'alter-config', 'payments', '--set', 'retention.ms=7200000', '--set', 'cleanup.policy=compact']), 'alter-config --set');
  expectSuccess(await brook(tb.bootstrap, ['topic', 'alter-config', 'payments', '--delete', 'cleanup.policy']), 'alter-config --delete');
  const after = await brook(tb.bootstrap, ['topic', 'describe', 'payments']);
  const afterRows = tableRows(after.stdout);
  assert.ok(afterRows.some((r) => r[0] === 'retention.ms' && r[1] === '7200000' && r[2] === 'DYNAMIC_TOPIC_CONFIG'), after.stdout);
  assert.ok(afterRows.some((r) => r[0] === 'cleanup.policy' && r[1] === 'delete' && r[2] === 'DEFAULT_CONFIG'), after.stdout);
  assert.match(after.stdout, /^Partitions\s+6$/m);

  const deleted = await brook(tb.bootstrap, ['topic', 'delete', 'payments', 'audit']);
  expectSuccess(deleted, 'topic delete');
  const empty = await brook(tb.bootstrap, ['topic', 'list']);
  assert.deepEqual(tableRows(empty.stdout), [['NAME', 'PARTITIONS', 'REPLICAS']]);
});

test('cluster info names the cluster, the controller and the broker', async () => {
  const r = await brook(tb.bootstrap, ['cluster', 'info']);
  expectSuccess(r, 'cluster info');
  assert.match(r.stdout, new RegExp(`^Cluster ID\\s+${tb.clusterId}$`, 'm'));
  assert.match(r.stdout, /^Brokers\s+1$/m);
  assert.match(r.stdout, new RegExp(`^0\\*\\s+127\\.0\\.0\\.1\\s+${tb.port}\\s+-$`, 'm'));
});

test('errors are one sentence with a non-zero status', async () => {
  await brook(tb.bootstrap, ['topic', 'create', 'exists', '-p', '1']);
  const cases: [string[], number, RegExp][] = [
    [['topic', 'create', 'exists'], 1, /^brook topic create: Topic 'exists' already exists\.$/],
    [['topic', 'create', 'bad', '-c', 'retention.ms=abc'], 1, /retention\.ms/], // the broker's own sentence (Kafka's differs)
    [['topic', 'create', 'bad', '-c', 'min.insync.replicas=0'], 1, /min\.insync\.replicas.* at least 1/],
    [['topic', 'create', 'bad', '-p', 'zero'], 2, /--partitions must be a whole number of at least 1/],
    [['topic', 'describe', 'missing'], 1, /^brook topic describe: Unknown topic "missing"\.$/],
    [['topic', 'delete', 'missing'], 1, /Unknown topic "missing"/],
    [['topic', 'alter-config', 'missing', '--set', 'retention.ms=1'], 1, /Unknown topic "missing"/],
    [['topic', 'alter-config', 'exists', '--set', 'retention.ms=-5'], 1, /retention\.ms/],
    [['topic', 'alter-config', 'exists'], 2, /at least one --set/],
    [['topic', 'add-partitions', 'exists', '--total', '1'], 2, /already has 1 partition;/],
    [['consume', 'missing', '--exit'], 1, /Unknown topic "missing"/],
    [['consume', 'exists', '--offset', 'soon'], 2, /--offset must be beginning, end/],
    [['consume', 'exists', '--format', '%x'], 2, /unknown escape "%x"/],
    [['consume', 'exists', '--group', 'g', '--partition', '0'], 2, /--partition cannot be used with --group/],
    [['produce', 'exists', '--acks', '2'], 2, /--acks must be all, -1, 0 or 1/],
    [['produce', 'exists', '--compression', 'brotli'], 2, /--compression must be one of/],
    [['produce', 'exists', '--partition', '5'], 1, /has 1 partition \(0-0\); there is no partition 5/],
    [['topic', 'frobnicate'], 2, /unknown command/],
    [['consume'], 2, /missing required argument/],
  ];
  // Four CLI processes at a time: nineteen node start-ups at once on a small, busy machine can pass the harness's
  // per-process limit.
  const results: Awaited<ReturnType<typeof brook>>[] = [];
  for (let i = 0; i < cases.length; i += 4) {
    results.push(...(await Promise.all(cases.slice(i, i + 4).map(([args]) => brook(tb.bootstrap, args, { input: '' })))));
  }
  cases.forEach(([args, code, message], i) => {
    const r = results[i]!;
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.trim(), message, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
  });
  const badJson = await brook(tb.bootstrap, ['produce', 'exists', '--format', 'json'], { input: '{"value":"ok"}\n{oops\n' });
  assert.equal(badJson.code, 1);
  assert.match(badJson.stderr, /^brook produce: Line 2 is not valid JSON\.\n$/);
});

test('a closed port fails fast with "Broker unreachable at host:port"', async () => {
  // A port that was free a moment ago: nothing listens there.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const commands = [['topic', 'list'], ['cluster', 'info'], ['group', 'list'], ['consume', 't', '--exit'], ['produce', 't']];
  const results = await Promise.all(commands.map((c) => brook('unused:1', [...c, '--brokers', `127.0.0.1:${port}`], { input: 'x\n', limitMs: 20_000 })));
  results.forEach((r, i) => {
    assert.equal(r.code, 1, commands[i]!.join(' '));
    assert.equal(r.stderr, `brook ${commands[i]!.slice(0, commands[i]![0] === 'consume' || commands[i]![0] === 'produce' ? 1 : 2).join(' ')}: Broker unreachable at 127.0.0.1:${port}.\n`);
  });
  const env = await brook(`127.0.0.1:${port}`, ['topic', 'list'], { limitMs: 20_000 });
  assert.equal(env.stderr, `brook topic list: Broker unreachable at 127.0.0.1:${port}.\n`);
});

test('every command has help with examples', async () => {
  const commands = [
    ['start'],
    ['topic'],
    ['topic', 'create'],
    ['topic', 'list'],
    ['topic', 'describe'],
    ['topic', 'alter-config'],
    ['topic', 'add-partitions'],
    ['topic', 'delete'],
    ['produce'],
    ['consume'],
    ['group'],
    ['group', 'list'],
    ['group', 'describe'],
    ['group', 'seek'],
    ['group', 'delete'],
    ['cluster', 'info'],
  ];
  const results = await Promise.all(commands.map((c) => brook(tb.bootstrap, [...c, '--help'])));
  results.forEach((r, i) => {
    const name = commands[i]!.join(' ');
    assert.equal(r.code, 0, name);
    assert.match(r.stdout, new RegExp(`Usage: brook ${name}`), name);
    assert.match(r.stdout, /Examples?:\n {2}\S*.*brook /, name);
    if (commands[i]!.length > 1 || ['produce', 'consume'].includes(name)) assert.match(r.stdout, /--brokers/, name);
    assert.ok(!r.stdout.includes('\u001b'), 'no colour in a pipe');
  });
});
