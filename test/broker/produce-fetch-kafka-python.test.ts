// Produce and fetch through kafka-python 2.0.2 (/usr/bin/python3), unmodified. It infers the broker
// release from ApiVersions and picks its Produce/Fetch/ListOffsets versions from that release.
// Codecs: only gzip, because the Debian python3 has no snappy/lz4/zstd modules for it to import.
// kafka-python 2.0.2 has no idempotent producer, and refuses a record with neither key nor value.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { clients, skipUnless } from '../helpers/real-clients.js';
import { expectSuccess, jsonLines, runPython } from '../helpers/processes.js';

let b: TestBroker;
before(async () => {
  b = await startTestBroker();
});
after(async () => {
  await b.close();
});

// argv: bootstrap topic codec acks count
const PROGRAM = `
import json, sys, time
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic
bootstrap, topic, codec, acks, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
admin = KafkaAdminClient(bootstrap_servers=bootstrap)
admin.create_topics([NewTopic(topic, 2, 1)])
admin.close()
p = KafkaProducer(bootstrap_servers=bootstrap, acks=(acks if acks == 'all' else int(acks)), compression_type=(None if codec == 'none' else codec), linger_ms=5)
print(json.dumps({'apiVersion': list(p.config['api_version'])}))
futures = []
base = 1700000000000
for i in range(count):
    key = None if i % 5 == 0 and i % 7 != 0 else ('k%d' % i).encode()
    value = None if i % 7 == 0 else ('value-%d' % i).encode()
    headers = [('h1', ('v%d' % i).encode())] if i % 3 == 0 else []
    futures.append(p.send(topic, value=value, key=key, partition=i % 2, timestamp_ms=base + i, headers=headers))
p.flush(30)
if acks != '0':
    metas = [f.get(30) for f in futures]
    print(json.dumps({'acked': [[m.partition, m.offset] for m in metas]}))
p.close()
c = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=100, consumer_timeout_ms=1000)
tps = [TopicPartition(topic, 0), TopicPartition(topic, 1)]
c.assign(tps)
c.seek_to_beginning()
got = 0
deadline = time.time() + 30
while got < count and time.time() < deadline:
    for tp, msgs in c.poll(500).items():
        for m in msgs:
            print(json.dumps({'p': m.partition, 'o': m.offset, 'ts': m.timestamp, 'k': None if m.key is None else m.key.decode(), 'v': None if m.value is None else m.value.decode(), 'h': [[k, v.decode()] for k, v in m.headers]}))
            got += 1
ft = c.offsets_for_times({tps[1]: base + 21})
print(json.dumps({'forTimes': [ft[tps[1]].offset, ft[tps[1]].timestamp]}))
print(json.dumps({'end': [c.end_offsets(tps)[tp] for tp in tps], 'begin': [c.beginning_offsets(tps)[tp] for tp in tps]}))
c.close()
`;

interface Line {
  apiVersion?: number[];
  acked?: [number, number][];
  p?: number;
  o?: number;
  ts?: number;
  k?: string | null;
  v?: string | null;
  h?: [string, string][];
  forTimes?: [number, number];
  end?: number[];
  begin?: number[];
}

const skip = skipUnless(clients.kafkaPython(), 'python3-kafka');
for (const [codec, acks] of [
  ['none', '1'],
  ['gzip', 'all'],
  ['none', '0'],
] as const) {
  test(`kafka-python produce (${codec}, acks=${acks}) and assign+seek consume every record`, { skip }, async () => {
    const topic = `kp-${codec}-${acks}`;
    const count = 200;
    const r = await runPython(PROGRAM, [b.bootstrap, topic, codec, acks, String(count)], { limitMs: 55_000 });
    expectSuccess(r, 'kafka-python');
    const lines = jsonLines<Line>(r.stdout);
    const records = lines.filter((l) => l.p !== undefined);
    assert.equal(records.length, count, r.stderr.slice(-2000));
    for (const p of [0, 1]) {
      const mine = records.filter((x) => x.p === p);
      const want = Array.from({ length: count }, (_, i) => i).filter((i) => i % 2 === p);
      assert.deepEqual(mine.map((x) => x.o), want.map((_, i) => i));
      assert.deepEqual(
        mine.map((x) => [x.ts, x.k, x.v, x.h]),
        want.map((i) => [1_700_000_000_000 + i, i % 5 === 0 && i % 7 !== 0 ? null : `k${i}`, i % 7 === 0 ? null : `value-${i}`, i % 3 === 0 ? [['h1', `v${i}`]] : []]),
      );
    }
    const acked = lines.find((l) => l.acked)?.acked;
    if (acks !== '0') assert.deepEqual(acked, Array.from({ length: count }, (_, i) => [i % 2, Math.floor(i / 2)]));
    // Record 21 (timestamp base + 21) is the 11th on partition 1: offset 10.
    const ft = lines.find((l) => l.forTimes)!.forTimes!;
    assert.equal(ft[0], 10);
    assert.equal(ft[1], 1_700_000_000_021);
    const ends = lines.find((l) => l.end)!;
    assert.deepEqual(ends.end, [100, 100]);
    assert.deepEqual(ends.begin, [0, 0]);
  });
}
