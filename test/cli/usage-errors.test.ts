// What a newcomer meets first when something is off: a malformed --brokers, a mistyped command or
// flag, a port where something other than Kafka listens. Each is one sentence prefixed
// "brook <command>:" with exit status 2 (usage) or 1 (failure), promptly, never a raw Node error
// or a 30-second hang. Plus counts in words ("1 record") and internal topics' partition counts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { expectSuccess } from '../helpers/processes.js';
import { brook, tableRows } from './cli-harness.js';

let tb: TestBroker;
before(async () => {
  // A small __consumer_offsets: its creation (by the group test below) is what this suite waits for, not what it tests.
  tb = await startTestBroker({ config: { 'offsets.topic.num.partitions': '5' } });
});
after(async () => {
  await tb.close();
});

async function listen(onConnection: (socket: Socket) => void): Promise<{ server: Server; address: string; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => undefined);
    onConnection(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, address: `127.0.0.1:${(server.address() as { port: number }).port}`, sockets };
}

test('a malformed broker list is a usage mistake named in one sentence', async () => {
  const cases: [string[], Record<string, string>, string][] = [
    [['topic', 'list', '--brokers', 'localhost:abc'], {}, 'brook topic list: --brokers: "localhost:abc" is not host:port: the port must be a number from 1 to 65535.\n'],
    [['consume', 't', '--brokers', 'a:9092,b:70000'], {}, 'brook consume: --brokers: "b:70000" is not host:port: the port must be a number from 1 to 65535.\n'],
    [['cluster', 'info'], { BROOK_BROKERS: ':9092' }, 'brook cluster info: BROOK_BROKERS: ":9092" has no host; give host:port, e.g. localhost:9092.\n'],
    [['group', 'list', '--brokers', ' , '], {}, 'brook group list: --brokers: " , " names no brokers; give host:port, e.g. localhost:9092.\n'],
  ];
  const results = await Promise.all(cases.map(([args, env]) => brook(tb.bootstrap, args, { env })));
  results.forEach((r, i) => {
    assert.equal(r.code, 2, cases[i]![0].join(' '));
    assert.equal(r.stderr, cases[i]![2]);
  });
});

test('unknown commands and options carry the "brook <command>:" prefix', async () => {
  const cases: [string[], RegExp][] = [
    [['lst'], /^brook: unknown command 'lst'\n/],
    [['topic', 'lst'], /^brook topic: unknown command 'lst'\n\(Did you mean one of list, ls\?\)\n$/],
    [['produce', 't', '--bogus'], /^brook produce: unknown option '--bogus'\n$/],
    [['topic', 'create'], /^brook topic create: missing required argument 'topics'\n$/],
    [['consume', 't', '--count'], /^brook consume: option '-n, --count <n>' argument missing\n$/],
    [['start', '--prot', '1'], /^brook start: unknown option '--prot'\n/],
  ];
  const results = await Promise.all(cases.map(([args]) => brook(tb.bootstrap, args)));
  results.forEach((r, i) => {
    assert.equal(r.code, 2, cases[i]![0].join(' '));
    assert.match(r.stderr, cases[i]![1]);
  });
});

test('a port where something other than Kafka listens fails with a sentence saying so', async () => {
  const silent = await listen(() => undefined);
  const http = await listen((s) => s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')));
  const closing = await listen((s) => s.destroy());
  try {
    const [a, b, c] = await Promise.all([
      brook(silent.address, ['topic', 'list'], { limitMs: 25_000 }),
      brook(http.address, ['produce', 't'], { input: 'x\n', limitMs: 25_000 }),
      brook(closing.address, ['group', 'list'], { limitMs: 25_000 }),
    ]);
    assert.equal(a.code, 1);
    assert.equal(a.stderr, `brook topic list: ${silent.address} is not a Kafka broker: it accepted the connection but did not answer a Kafka request within 3 s. Check --brokers (or BROOK_BROKERS).\n`);
    assert.equal(b.code, 1);
    assert.equal(b.stderr, `brook produce: ${http.address} is not a Kafka broker: it answered, but not in the Kafka protocol. Check --brokers (or BROOK_BROKERS).\n`);
    assert.equal(c.code, 1);
    assert.equal(c.stderr, `brook group list: ${closing.address} is not a Kafka broker: it closed the connection without answering a Kafka request. Check --brokers (or BROOK_BROKERS).\n`);
  } finally {
    for (const l of [silent, http, closing]) {
      for (const s of l.sockets) s.destroy();
      l.server.close();
    }
  }
});

test('counts read as words: 1 record, 2 records, 1 partition', async () => {
  expectSuccess(await brook(tb.bootstrap, ['topic', 'create', 'counted']), 'create');
  const one = await brook(tb.bootstrap, ['produce', 'counted'], { input: 'x\n' });
  assert.match(one.stdout, /^Produced 1 record \(1 B\) to counted in [\d.]+ s: /);
  const two = await brook(tb.bootstrap, ['produce', 'counted'], { input: 'x\ny\n' });
  assert.match(two.stdout, /^Produced 2 records \(2 B\) /);
  const none = await brook(tb.bootstrap, ['produce', 'counted'], { input: '' });
  assert.match(none.stdout, /^Produced 0 records \(0 B\) /);
  const bad = await brook(tb.bootstrap, ['consume', 'counted', '--partition', '3', '--exit']);
  assert.match(bad.stderr, /has 1 partition \(0-0\); there is no partition 3/);
});

test('topic list --internal counts the partitions of internal topics', async () => {
  expectSuccess(await brook(tb.bootstrap, ['topic', 'create', 'for-a-group']), 'create');
  expectSuccess(await brook(tb.bootstrap, ['produce', 'for-a-group'], { input: 'x\n' }), 'produce');
  expectSuccess(await brook(tb.bootstrap, ['consume', 'for-a-group', '--group', 'g-internal', '--exit']), 'consume in a group');
  const r = await brook(tb.bootstrap, ['topic', 'list', '--internal']);
  expectSuccess(r, 'topic list --internal');
  const rows = tableRows(r.stdout);
  assert.deepEqual(
    rows.find((row) => row[0] === '__consumer_offsets'),
    ['__consumer_offsets', tb.broker.state.config.get('offsets.topic.num.partitions'), '1'],
  );
  assert.ok(!rows.some((row) => row.includes('-')), r.stdout);
});
