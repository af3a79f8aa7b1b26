// Produce and fetch through librdkafka 2.0.2, unmodified: python3-confluent-kafka (every codec,
// acks 0/1/all, idempotence, offsets_for_times). Header values are never None here: confluent-kafka
// 2.0.2 crashes the interpreter on a None header value (a refcount bug in its C extension, fixed in 2.1). and kcat (produce with keys and headers, consume with
// -C -o beginning -e). Consumers assign partitions; no consumer group is involved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { clients, skipUnless } from '../helpers/real-clients.js';
import { expectSuccess, jsonLines, run, runPython } from '../helpers/processes.js';

let b: TestBroker;
before(async () => {
  b = await startTestBroker();
});
after(async () => {
  await b.close();
});

// argv: bootstrap topic partitions codec acks idempotent count
const CONFLUENT_PRODUCE_CONSUME = `
import json, sys, time
from confluent_kafka import Producer, Consumer, TopicPartition, OFFSET_BEGINNING
from confluent_kafka.admin import AdminClient, NewTopic
bootstrap, topic, parts, codec, acks, idem, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6] == '1', int(sys.argv[7])
admin = AdminClient({'bootstrap.servers': bootstrap})
for f in admin.create_topics([NewTopic(topic, parts, 1)]).values(): f.result(30)
p = Producer({'bootstrap.servers': bootstrap, 'compression.codec': codec, 'acks': acks, 'enable.idempotence': idem, 'linger.ms': 5})
errors = []
def report(err, msg):
    if err is not None: errors.append(str(err))
base = 1700000000000
for i in range(count):
    key = None if i % 5 == 0 else ('k%d' % i).encode()
    value = None if i % 7 == 0 else ('value-%d-' % i + 'x' * (i % 50)).encode()
    headers = [('h1', ('v%d' % i).encode()), ('h2', b'')] if i % 3 == 0 else None
    p.produce(topic, value=value, key=key, partition=i % parts, timestamp=base + i, headers=headers, on_delivery=report)
    p.poll(0)
assert p.flush(30) == 0, 'unflushed messages'
print(json.dumps({'produceErrors': errors}))
c = Consumer({'bootstrap.servers': bootstrap, 'enable.auto.commit': False, 'group.id': 'unused-assign-only', 'fetch.wait.max.ms': 100})
c.assign([TopicPartition(topic, q, OFFSET_BEGINNING) for q in range(parts)])
got = 0
deadline = time.time() + 30
while got < count and time.time() < deadline:
    m = c.poll(0.5)
    if m is None: continue
    if m.error(): print(json.dumps({'consumeError': str(m.error())})); continue
    hs = [[k, None if v is None else v.decode()] for k, v in (m.headers() or [])]
    print(json.dumps({'p': m.partition(), 'o': m.offset(), 'ts': m.timestamp()[1], 'k': None if m.key() is None else m.key().decode(), 'v': None if m.value() is None else m.value().decode(), 'h': hs}))
    got += 1
ts = c.offsets_for_times([TopicPartition(topic, 0, base + 10)], 10)
print(json.dumps({'forTimes': [[t.partition, t.offset] for t in ts]}))
lo, hi = c.get_watermark_offsets(TopicPartition(topic, 0), 10)
print(json.dumps({'watermarks': [lo, hi]}))
c.close()
`;

interface Line {
  p?: number;
  o?: number;
  ts?: number;
  k?: string | null;
  v?: string | null;
  h?: [string, string | null][];
  produceErrors?: string[];
  consumeError?: string;
  forTimes?: [number, number][];
  watermarks?: [number, number];
}

function expected(i: number, parts: number) {
  return {
    p: i % parts,
    ts: 1_700_000_000_000 + i,
    k: i % 5 === 0 ? null : `k${i}`,
    v: i % 7 === 0 ? null : `value-${i}-${'x'.repeat(i % 50)}`,
    h: i % 3 === 0 ? ([['h1', `v${i}`], ['h2', '']] as [string, string | null][]) : [],
  };
}

const skip = skipUnless(clients.confluentKafka(), 'python3-confluent-kafka');
const cases: [codec: string, acks: string, idempotent: boolean][] = [
  ['none', '1', false],
  ['gzip', 'all', false],
  ['snappy', '0', false],
  ['lz4', 'all', true],
  ['zstd', 'all', true],
  ['zstd', '1', false],
  ['none', 'all', true],
];
for (const [codec, acks, idem] of cases) {
  test(`confluent_kafka produce (${codec}, acks=${acks}${idem ? ', idempotent' : ''}) and assign-consume every record`, { skip }, async () => {
    const topic = `ck-${codec}-${acks}-${idem ? 'idem' : 'plain'}`;
    const parts = 3;
    const count = 300;
    const r = await runPython(CONFLUENT_PRODUCE_CONSUME, [b.bootstrap, topic, String(parts), codec, acks, idem ? '1' : '0', String(count)], { limitMs: 55_000 });
    expectSuccess(r, 'confluent_kafka');
    const lines = jsonLines<Line>(r.stdout);
    assert.deepEqual(lines.find((l) => l.produceErrors)?.produceErrors, []);
    assert.deepEqual(lines.filter((l) => l.consumeError), []);
    const records = lines.filter((l) => l.p !== undefined);
    assert.equal(records.length, count);
    for (let p = 0; p < parts; p++) {
      const mine = records.filter((x) => x.p === p);
      const want = Array.from({ length: count }, (_, i) => i).filter((i) => i % parts === p);
      assert.deepEqual(mine.map((x) => x.o), want.map((_, i) => i), `offsets of partition ${p}`);
      assert.deepEqual(
        mine.map((x) => ({ p: x.p, ts: x.ts, k: x.k, v: x.v, h: x.h })),
        want.map((i) => expected(i, parts)),
      );
    }
    // Record 10 (the first with timestamp >= base + 10) is on partition 0 at offset 10 / 3 rounded up.
    assert.deepEqual(lines.find((l) => l.forTimes)?.forTimes, [[0, 4]]);
    assert.deepEqual(lines.find((l) => l.watermarks)?.watermarks, [0, 100]);
  });
}

test('kcat produces keys and headers, and consumes them back with -C -o beginning -e', { skip: skipUnless(clients.kcat(), 'kcat') }, async () => {
  const topic = 'kcat-roundtrip';
  const lines = Array.from({ length: 50 }, (_, i) => `key${i}:value ${i}`).join('\n') + '\n';
  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    const p = await run('kcat', ['-b', b.bootstrap, '-P', '-t', topic, '-p', '0', '-K', ':', '-H', `codec=${codec}`, '-z', codec, '-X', 'topic.request.required.acks=all'], { input: lines, limitMs: 30_000 });
    expectSuccess(p, `kcat -P ${codec}`);
  }
  const c = await run('kcat', ['-b', b.bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-J'], { limitMs: 30_000 });
  expectSuccess(c, 'kcat -C');
  const got = jsonLines<{ offset: number; key: string; payload: string; headers?: string[] }>(c.stdout);
  assert.equal(got.length, 250);
  got.forEach((m, i) => {
    assert.equal(m.offset, i);
    assert.equal(m.key, `key${i % 50}`);
    assert.equal(m.payload, `value ${i % 50}`);
    assert.deepEqual(m.headers, ['codec', ['none', 'gzip', 'snappy', 'lz4', 'zstd'][Math.floor(i / 50)]]);
  });
});
