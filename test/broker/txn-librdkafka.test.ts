// Transactions through librdkafka 2.0.2, unmodified (python3-confluent-kafka 1.7.0): commit, abort and
// mixed transactions over several partitions, read_committed vs read_uncommitted consumers, a
// consume-transform-produce loop with its input offsets in the transaction, and zombie fencing of two
// producers sharing a transactional.id.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { clients, skipUnless } from '../helpers/real-clients.js';
import { expectSuccess, jsonLines, runPython } from '../helpers/processes.js';

let b: TestBroker;
before(async () => {
  b = await startTestBroker({ config: { 'transaction.state.log.num.partitions': '4', 'offsets.topic.num.partitions': '4' } });
});
after(async () => {
  await b.close();
});

const skip = skipUnless(clients.confluentKafka(), 'python3-confluent-kafka');

const COMMON = `
import json, sys, time
from confluent_kafka import Producer, Consumer, TopicPartition, KafkaException, OFFSET_BEGINNING
from confluent_kafka.admin import AdminClient, NewTopic
def out(**kw): print(json.dumps(kw), flush=True)
def create(bootstrap, topic, parts):
    admin = AdminClient({'bootstrap.servers': bootstrap})
    for f in admin.create_topics([NewTopic(topic, parts, 1)]).values(): f.result(30)
def drain(bootstrap, topic, parts, isolation, expect):
    c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'drain-' + isolation, 'enable.auto.commit': False, 'isolation.level': isolation, 'fetch.wait.max.ms': 50})
    c.assign([TopicPartition(topic, q, OFFSET_BEGINNING) for q in range(parts)])
    got = []
    deadline = time.time() + 30
    while len(got) < expect and time.time() < deadline:
        m = c.poll(0.2)
        if m is None or m.error(): continue
        got.append([m.partition(), m.offset(), m.value().decode()])
    # a short extra poll so anything beyond the expected count would show up
    end = time.time() + 0.5
    while time.time() < end:
        m = c.poll(0.1)
        if m is not None and not m.error(): got.append([m.partition(), m.offset(), m.value().decode()])
    c.close()
    return got
`;

const MIXED = `${COMMON}
bootstrap, topic, parts = sys.argv[1], sys.argv[2], int(sys.argv[3])
create(bootstrap, topic, parts)
p = Producer({'bootstrap.servers': bootstrap, 'transactional.id': 'ck-mixed', 'linger.ms': 2})
p.init_transactions(30)
expect_committed = []
for t in range(6):
    commit = t % 3 != 1
    p.begin_transaction()
    for i in range(20):
        v = 't%d-%d' % (t, i)
        p.produce(topic, value=v.encode(), partition=i % parts)
        if commit: expect_committed.append(v)
    if commit: p.commit_transaction(30)
    else:
        p.flush(30)  # abort purges unsent messages; flush so the aborted records reach the log
        p.abort_transaction(30)
out(committed=expect_committed)
out(rc=drain(bootstrap, topic, parts, 'read_committed', len(expect_committed)))
out(ru=drain(bootstrap, topic, parts, 'read_uncommitted', 120))
`;

test('confluent_kafka: committed and aborted transactions over 4 partitions; read_committed sees only committed, read_uncommitted sees all', { skip }, async () => {
  const r = await runPython(MIXED, [b.bootstrap, 'ck-txn-mixed', '4'], { limitMs: 90_000 });
  expectSuccess(r, 'confluent_kafka transactions');
  const lines = jsonLines<{ committed?: string[]; rc?: [number, number, string][]; ru?: [number, number, string][] }>(r.stdout);
  const committed = lines.find((l) => l.committed)!.committed!;
  const rc = lines.find((l) => l.rc)!.rc!;
  const ru = lines.find((l) => l.ru)!.ru!;
  assert.equal(committed.length, 80);
  assert.deepEqual(rc.map((x) => x[2]).sort(), [...committed].sort(), 'read_committed sees exactly the committed records');
  assert.equal(ru.length, 120, 'read_uncommitted sees aborted records too');
  assert.ok(ru.some((x) => x[2].startsWith('t1-')));
  // Offsets are unique per partition, and markers take offsets (so data offsets are not dense).
  for (let p = 0; p < 4; p++) {
    const offs = rc.filter((x) => x[0] === p).map((x) => x[1]);
    assert.equal(new Set(offs).size, offs.length);
  }
});

const CTP = `${COMMON}
bootstrap, src, dst, group = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
create(bootstrap, src, 2); create(bootstrap, dst, 2)
seed = Producer({'bootstrap.servers': bootstrap})
for i in range(100): seed.produce(src, value=('in-%d' % i).encode(), partition=i % 2)
seed.flush(30)
c = Consumer({'bootstrap.servers': bootstrap, 'group.id': group, 'enable.auto.commit': False, 'auto.offset.reset': 'earliest', 'isolation.level': 'read_committed'})
c.subscribe([src])
p = Producer({'bootstrap.servers': bootstrap, 'transactional.id': 'ck-ctp', 'linger.ms': 2})
p.init_transactions(30)
done = 0
rounds = 0
deadline = time.time() + 40
while done < 100 and time.time() < deadline:
    msgs = c.consume(25, 0.5)
    msgs = [m for m in msgs if not m.error()]
    if not msgs: continue
    p.begin_transaction()
    for m in msgs: p.produce(dst, value=m.value().replace(b'in-', b'out-'), partition=m.partition())
    positions = c.position(c.assignment())
    p.send_offsets_to_transaction(positions, c.consumer_group_metadata(), 30)
    rounds += 1
    if rounds == 2:
        p.abort_transaction(30)
        # rewind to the committed offsets, as an application does after an abort
        committed = c.committed(c.assignment(), 10)
        for tp in committed:
            c.seek(TopicPartition(tp.topic, tp.partition, tp.offset if tp.offset >= 0 else OFFSET_BEGINNING))
        continue
    p.commit_transaction(30)
    done += len(msgs)
committed = c.committed([TopicPartition(src, 0), TopicPartition(src, 1)], 10)
out(committed=[[tp.partition, tp.offset] for tp in committed])
c.close()
out(rc=drain(bootstrap, dst, 2, 'read_committed', 100))
`;

test('confluent_kafka: consume-transform-produce with offsets in the transaction (one aborted round is redone exactly once)', { skip }, async () => {
  const r = await runPython(CTP, [b.bootstrap, 'ck-ctp-in', 'ck-ctp-out', 'ck-ctp-group'], { limitMs: 90_000 });
  expectSuccess(r, 'confluent_kafka consume-transform-produce');
  const lines = jsonLines<{ committed?: [number, number][]; rc?: [number, number, string][] }>(r.stdout);
  assert.deepEqual(lines.find((l) => l.committed)!.committed, [
    [0, 50],
    [1, 50],
  ]);
  const values = lines.find((l) => l.rc)!.rc!.map((x) => x[2]).sort();
  assert.deepEqual(values, Array.from({ length: 100 }, (_, i) => `out-${i}`).sort(), 'every output exactly once');
});

const FENCING = `${COMMON}
bootstrap, topic = sys.argv[1], sys.argv[2]
create(bootstrap, topic, 1)
p1 = Producer({'bootstrap.servers': bootstrap, 'transactional.id': 'ck-zombie', 'linger.ms': 0})
p1.init_transactions(30)
p1.begin_transaction()
p1.produce(topic, value=b'zombie-1', partition=0)
p1.flush(30)
p2 = Producer({'bootstrap.servers': bootstrap, 'transactional.id': 'ck-zombie', 'linger.ms': 0})
p2.init_transactions(30)
p2.begin_transaction()
p2.produce(topic, value=b'fresh-1', partition=0)
p2.commit_transaction(30)
err = None
try:
    p1.produce(topic, value=b'zombie-2', partition=0)
    p1.commit_transaction(30)
except KafkaException as e:
    err = e.args[0]
out(zombie={'fatal': err is not None and err.fatal(), 'code': None if err is None else err.name()})
out(rc=drain(bootstrap, topic, 1, 'read_committed', 1))
`;

test('confluent_kafka: a second producer with the same transactional.id fences the first; its open transaction is aborted', { skip }, async () => {
  const r = await runPython(FENCING, [b.bootstrap, 'ck-fencing'], { limitMs: 90_000 });
  expectSuccess(r, 'confluent_kafka fencing');
  const lines = jsonLines<{ zombie?: { fatal: boolean; code: string | null }; rc?: [number, number, string][] }>(r.stdout);
  const zombie = lines.find((l) => l.zombie)!.zombie!;
  assert.equal(zombie.fatal, true, JSON.stringify(zombie));
  assert.match(zombie.code ?? '', /FENCED|INVALID_PRODUCER_EPOCH/);
  assert.deepEqual(lines.find((l) => l.rc)!.rc!.map((x) => x[2]), ['fresh-1']);
});
