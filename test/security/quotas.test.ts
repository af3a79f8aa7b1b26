// Client quotas (KIP-546 admin, KIP-13/124/219 enforcement, KIP-612 connection rates) with unmodified
// clients: @platformatic/kafka's Admin alterClientQuotas/describeClientQuotas, the `brook quota` CLI,
// a confluent-kafka (librdkafka) producer over its byte rate (throttle_cb reports throttle_time_ms and
// its average rate stays near the quota), and 10,000 connection attempts from one address against its
// connection_creation_rate while another client keeps being served. Quotas survive a restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { Admin } from '@platformatic/kafka';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { clients, skipUnless } from '../helpers/real-clients.js';
import { expectSuccess, jsonLines, runPython } from '../helpers/processes.js';
import { brook, tableRows } from '../cli/cli-harness.js';
import { WireClient } from '../broker/admin-wire.js';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { encodeRequestFrame } from '../../src/protocol/headers.js';

let b: TestBroker;

before(async () => {
  // Short windows so a throttled producer converges within seconds (Kafka's defaults are 11 x 1 s).
  b = await startTestBroker({ config: { 'quota.window.num': '4', 'quota.window.size.seconds': '1' } });
});
after(async () => {
  await b.close();
});

function admin(): Admin {
  return new Admin({ clientId: 'quota-admin', bootstrapBrokers: [b.bootstrap] });
}

type Entry = { entity: { entityType: string; entityName?: string | null }[]; values: { key: string; value: number }[] };
const flat = (entries: Entry[]): string[] =>
  entries
    .flatMap((e) => e.values.map((v) => `${e.entity.map((p) => `${p.entityType}=${p.entityName ?? '<default>'}`).sort().join(',')} ${v.key}=${v.value}`))
    .sort();

test('@platformatic/kafka Admin alters and describes quotas: exact, default and any-name filters, strict match, removal', async () => {
  const a = admin();
  try {
    await a.alterClientQuotas({
      entries: [
        { entities: [{ entityType: 'user', entityName: 'alice' }], ops: [{ key: 'producer_byte_rate', value: 1048576, remove: false }] },
        { entities: [{ entityType: 'user', entityName: 'alice' }, { entityType: 'client-id', entityName: 'etl' }], ops: [{ key: 'consumer_byte_rate', value: 2048, remove: false }] },
        { entities: [{ entityType: 'user', entityName: null }], ops: [{ key: 'request_percentage', value: 50.5, remove: false }] },
        { entities: [{ entityType: 'client-id', entityName: null }], ops: [{ key: 'producer_byte_rate', value: 4096, remove: false }] },
      ],
    });
    assert.deepEqual(flat(await a.describeClientQuotas({ components: [{ entityType: 'user', matchType: 0, match: 'alice' }] })), [
      'client-id=etl,user=alice consumer_byte_rate=2048',
      'user=alice producer_byte_rate=1048576',
    ]);
    assert.deepEqual(flat(await a.describeClientQuotas({ components: [{ entityType: 'user', matchType: 0, match: 'alice' }], strict: true })), ['user=alice producer_byte_rate=1048576']);
    assert.deepEqual(flat(await a.describeClientQuotas({ components: [{ entityType: 'user', matchType: 1 }] })), ['user=<default> request_percentage=50.5']);
    assert.deepEqual(flat(await a.describeClientQuotas({ components: [{ entityType: 'client-id', matchType: 2 }] })), ['client-id=etl,user=alice consumer_byte_rate=2048']);
    await a.alterClientQuotas({ entries: [{ entities: [{ entityType: 'user', entityName: 'alice' }, { entityType: 'client-id', entityName: 'etl' }], ops: [{ key: 'consumer_byte_rate', remove: true }] }] });
    assert.deepEqual(flat(await a.describeClientQuotas({ components: [{ entityType: 'client-id', matchType: 2 }] })), []);
  } finally {
    await a.close();
  }
});

test('wire: AlterClientQuotas refuses what Kafka refuses (INVALID_REQUEST per entry), validate_only stores nothing', async () => {
  const w = await WireClient.connect(b.port);
  try {
    const res = await w.request(apis.AlterClientQuotas, 1, {
      validateOnly: false,
      entries: [
        { entity: [{ entityType: 'ip', entityName: '10.0.0.1' }, { entityType: 'user', entityName: 'x' }], ops: [{ key: 'connection_creation_rate', value: 5, remove: false }] },
        { entity: [{ entityType: 'user', entityName: 'y' }], ops: [{ key: 'producer_byte_rate', value: 10.5, remove: false }] },
        { entity: [{ entityType: 'user', entityName: 'y' }, { entityType: 'client-id', entityName: 'c' }], ops: [{ key: 'connection_creation_rate', value: 5, remove: false }] },
        { entity: [{ entityType: 'group', entityName: 'g' }], ops: [] },
        { entity: [{ entityType: 'user', entityName: 'z' }], ops: [{ key: 'consumer_byte_rate', value: -1, remove: false }] },
        { entity: [{ entityType: 'ip', entityName: null }], ops: [{ key: 'connection_creation_rate', value: 7, remove: false }] },
      ],
    });
    assert.deepEqual(
      res.entries.map((e) => e.errorCode),
      [ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST, ErrorCode.NONE],
    );
    assert.match(res.entries[1]!.errorMessage ?? '', /fractional/);
    const dry = await w.request(apis.AlterClientQuotas, 1, { validateOnly: true, entries: [{ entity: [{ entityType: 'user', entityName: 'dry' }], ops: [{ key: 'producer_byte_rate', value: 100, remove: false }] }] });
    assert.equal(dry.entries[0]!.errorCode, ErrorCode.NONE);
    const described = await w.request(apis.DescribeClientQuotas, 1, { components: [{ entityType: 'user', matchType: 0, match: 'dry' }], strict: false });
    assert.deepEqual(described.entries, []);
    const badFilter = await w.request(apis.DescribeClientQuotas, 0, { components: [{ entityType: 'ip', matchType: 2, match: null }, { entityType: 'user', matchType: 2, match: null }], strict: false });
    assert.equal(badFilter.errorCode, ErrorCode.INVALID_REQUEST);
    await w.request(apis.AlterClientQuotas, 1, { validateOnly: false, entries: [{ entity: [{ entityType: 'ip', entityName: null }], ops: [{ key: 'connection_creation_rate', value: 0, remove: true }] }] });
  } finally {
    w.close();
  }
});

test('brook quota set|list|remove, and the quotas survive a restart (meta/client-quotas)', async () => {
  expectSuccess(await brook(b.bootstrap, ['quota', 'set', '--user', 'bob', '--default-client-id', 'producer_byte_rate=5000', 'request_percentage=25']), 'quota set');
  expectSuccess(await brook(b.bootstrap, ['quota', 'set', '--ip', '10.1.2.3', 'connection_creation_rate=3']), 'quota set ip');
  const bad = await brook(b.bootstrap, ['quota', 'set', '--ip', '10.1.2.3', 'producer_byte_rate=3']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /Invalid configuration key producer_byte_rate/);
  b = await b.restart();
  const list = await brook(b.bootstrap, ['quota', 'list', '--user', 'bob']);
  expectSuccess(list, 'quota list');
  assert.deepEqual(tableRows(list.stdout).slice(1), [
    ['bob', '<default>', 'producer_byte_rate', '5000'],
    ['bob', '<default>', 'request_percentage', '25'],
  ]);
  expectSuccess(await brook(b.bootstrap, ['quota', 'remove', '--user', 'bob', '--default-client-id', 'producer_byte_rate', 'request_percentage']), 'quota remove');
  expectSuccess(await brook(b.bootstrap, ['quota', 'remove', '--ip', '10.1.2.3', 'connection_creation_rate']), 'quota remove ip');
  const after = await brook(b.bootstrap, ['quota', 'list', '--user', 'bob']);
  assert.deepEqual(tableRows(after.stdout).slice(1), []);
});

// argv: bootstrap topic client-id total-bytes
const THROTTLED_PRODUCER = `
import json, sys, time
from confluent_kafka import Producer
bootstrap, topic, client_id, total = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
throttles = []
def on_throttle(e): throttles.append(e.throttle_time)
p = Producer({'bootstrap.servers': bootstrap, 'client.id': client_id, 'acks': 'all', 'linger.ms': 5, 'batch.size': 16384, 'throttle_cb': on_throttle})
value = b'x' * 1000
start = time.time()
sent = 0
while sent < total:
    try:
        p.produce(topic, value=value, partition=0)
        sent += len(value)
    except BufferError:
        p.poll(0.1)
    p.poll(0)
left = p.flush(120)
elapsed = time.time() - start
p.poll(0.5)
print(json.dumps({'throttles': throttles, 'elapsed': elapsed, 'sent': sent, 'left': left}))
`;

test('confluent-kafka producer over producer_byte_rate: throttle_time_ms > 0 reaches it and its average rate stays near the quota', { skip: skipUnless(clients.confluentKafka(), 'confluent-kafka') }, async () => {
  const quota = 50_000;
  const a = admin();
  try {
    await a.alterClientQuotas({ entries: [{ entities: [{ entityType: 'client-id', entityName: 'throttled-producer' }], ops: [{ key: 'producer_byte_rate', value: quota, remove: false }] }] });
  } finally {
    await a.close();
  }
  // Many requests (16 KB batches): a quota limits the next request, never the one that went over it.
  const total = 400_000;
  const r = await runPython(THROTTLED_PRODUCER, [b.bootstrap, 'quota-produce', 'throttled-producer', String(total)], { limitMs: 180_000 });
  expectSuccess(r, 'throttled producer');
  const out = jsonLines<{ throttles: number[]; elapsed: number; sent: number; left: number }>(r.stdout)[0]!;
  assert.equal(out.left, 0, 'every message is delivered');
  assert.ok(out.throttles.some((t) => t > 0), `librdkafka reports throttling (${JSON.stringify(out.throttles.slice(0, 5))})`);
  // Bytes on the wire exceed the values (headers, batches): the bound is generous, yet far below the
  // unthrottled rate (tens of MB/s here). Slowness of the machine can only lower the rate.
  const rate = out.sent / out.elapsed;
  console.log(`# throttled producer: ${Math.round(rate)} B/s against ${quota} B/s, ${out.throttles.length} throttle events`);
  assert.ok(rate < quota * 3, `average ${Math.round(rate)} B/s against a quota of ${quota} B/s`);
});

/** One connection attempt from `localAddress`: true when the broker answered ApiVersions, false when it closed first. */
function attempt(port: number, localAddress: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s: Socket = connect({ host: '127.0.0.1', port, localAddress });
    let answered = false;
    s.on('connect', () => s.write(encodeRequestFrame({ apiKey: 18, apiVersion: 0, correlationId: 1, clientId: 'flood' }, apis.ApiVersions.request, {})));
    s.on('data', () => {
      answered = true;
      s.destroy();
    });
    s.on('error', () => undefined);
    s.on('close', () => resolve(answered));
  });
}

test('10,000 connection attempts from one address over its connection_creation_rate are bounded and logged; another client keeps being served', async () => {
  const rate = 50;
  expectSuccess(await brook(b.bootstrap, ['quota', 'set', '--ip', '127.0.0.2', `connection_creation_rate=${rate}`]), 'quota set ip');
  const attempts = 10_000;
  const concurrency = 100;
  let next = 0;
  let admitted = 0;
  const started = Date.now();
  const worker = async (): Promise<void> => {
    while (next < attempts) {
      next++;
      if (await attempt(b.port, "127.0.0.2")) admitted++;

    }
  };
  const flood = Promise.all(Array.from({ length: concurrency }, worker));
  // Meanwhile an ordinary client from 127.0.0.1 is served.
  const a = admin();
  let served = 0;
  try {
    while (next < attempts) {
      // forceUpdate: a cached answer would resolve without I/O and starve the flood's sockets.
      const md = await a.metadata({ topics: [], forceUpdate: true });
      assert.ok(md.brokers.size >= 1);
      served++;
    }
  } finally {
    await a.close();
  }
  await flood;
  const elapsedS = (Date.now() - started) / 1000;
  assert.ok(served >= 1, 'the other client was served during the flood');
  // At most the rate over the elapsed time plus one measurement window of burst (4 x 1 s here); a slower
  // machine only raises the bound.
  const bound = rate * (elapsedS + 4) + 1;
  assert.ok(admitted <= bound, `${admitted} of ${attempts} admitted in ${elapsedS.toFixed(1)} s (bound ${Math.round(bound)})`);
  assert.ok(admitted >= 1, 'connections within the rate are admitted');
  const rejected = b.logs.filter((l) => l.msg === 'rejected connection' && String(l.fields?.client ?? '').startsWith('127.0.0.2'));
  assert.ok(rejected.length >= attempts - admitted - 10, `${rejected.length} rejections logged`);
  assert.match(String(rejected[0]!.fields?.reason), /connection_creation_rate/);
});

test('request_percentage: under a tight quota a request (sync Metadata, async validate-only CreateTopics) is answered with throttle_time_ms', async () => {
  // WireClient's client id is "wire-test" and its principal User:ANONYMOUS; 0.0001 % of the event loop is far
  // below what any request costs. The quota names both: Kafka's most specific level, so the <default> user
  // quota an earlier test leaves does not take precedence over it (as a client-id-only quota would not).
  const a = admin();
  const set = (remove: boolean) =>
    a.alterClientQuotas({ entries: [{ entities: [{ entityType: 'user', entityName: 'ANONYMOUS' }, { entityType: 'client-id', entityName: 'wire-test' }], ops: [{ key: 'request_percentage', value: 0.0001, remove }] }] });
  await set(false);
  try {
    // Each request on its own connection: a throttled connection reads nothing more for the throttle time.
    const metadata = await WireClient.connect(b.port);
    try {
      const r = await metadata.request(apis.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      assert.ok(r.throttleTimeMs > 0, `Metadata throttle_time_ms ${r.throttleTimeMs}`);
    } finally {
      metadata.close();
    }
    const create = await WireClient.connect(b.port);
    try {
      const r = await create.request(apis.CreateTopics, 7, { topics: [{ name: 'rp-dry', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: true });
      assert.equal(r.topics[0]!.errorCode, ErrorCode.NONE);
      assert.ok(r.throttleTimeMs > 0, `CreateTopics throttle_time_ms ${r.throttleTimeMs}`);
    } finally {
      create.close();
    }
  } finally {
    await set(true);
    await a.close();
  }
});
