// A Jepsen-style check of transactions over a randomized, seeded run (reproduce a failure with
// BROOK_JEPSEN_SEED=<seed printed in the failure>): several KafkaJS transactional producers and one
// confluent_kafka (librdkafka) producer run random transactions (1-4 sends of 1-5 records to random
// partitions, then commit or abort) concurrently, and one KafkaJS producer is fenced mid-transaction by
// a new instance with its transactional.id (a zombie). A
// final committed "sentinel" transaction writes one record to every partition, so a consumer that has
// seen every sentinel has seen everything before it (partitions are read in order): no quiet period.
//
// Readers: KafkaJS read_committed and read_uncommitted groups, and librdkafka read_committed (its
// aborted-transaction filtering is an independent implementation). Checked after the run, and again
// after a restart (which reads the aborted-transactions index and the
// producer-state snapshots from disk instead of rescanning):
// - no aborted reads: read_committed sees no record of an aborted (or fenced) transaction;
// - no lost committed writes: read_committed sees every acknowledged committed record exactly once;
// - read_uncommitted sees every acknowledged record, aborted ones included, exactly once;
// - offsets are unique and dense: per partition, records seen by read_uncommitted plus one marker per
//   transaction that wrote there fill [0, high watermark) exactly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { expectSuccess, jsonLines, runPython } from '../helpers/processes.js';
import { clients } from '../helpers/real-clients.js';

const PARTITIONS = 6;
const PRODUCERS = 4;
const TXNS_PER_PRODUCER = 50;
const TOPIC = 'jepsen-txn';
const PY_TXNS = 40;
const havePython = clients.confluentKafka();

// A librdkafka transactional producer with its own seeded random transactions; prints what was
// acknowledged. flush() before abort so the aborted records reach the log (abort purges unsent ones).
const PY_PRODUCER = `
import json, random, sys
from confluent_kafka import Producer
bootstrap, topic, parts, seed, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rnd = random.Random(seed)
p = Producer({'bootstrap.servers': bootstrap, 'transactional.id': 'jepsen-py', 'linger.ms': 1})
p.init_transactions(30)
committed, aborted, markers = [], [], [0] * parts
for t in range(n):
    p.begin_transaction()
    values, touched = [], set()
    for s in range(rnd.randint(1, 4)):
        for i in range(rnd.randint(1, 5)):
            q = rnd.randrange(parts)
            v = 'py-t%d-s%d-%d' % (t, s, i)
            p.produce(topic, value=v.encode(), partition=q)
            values.append(v)
            touched.add(q)
    p.flush(30)
    for q in touched: markers[q] += 1
    if rnd.random() < 0.6:
        p.commit_transaction(30)
        committed += values
    else:
        p.abort_transaction(30)
        aborted += values
print(json.dumps({'committed': committed, 'aborted': aborted, 'markers': markers}), flush=True)
`;

// librdkafka read_committed: every partition from the start until its sentinel.
const PY_READER = `
import json, sys, time
from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING
bootstrap, topic, parts = sys.argv[1], sys.argv[2], int(sys.argv[3])
c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'jepsen-py-rc', 'enable.auto.commit': False, 'isolation.level': 'read_committed', 'fetch.wait.max.ms': 50})
c.assign([TopicPartition(topic, q, OFFSET_BEGINNING) for q in range(parts)])
got, done = [], set()
deadline = time.time() + 60
while len(done) < parts and time.time() < deadline:
    m = c.poll(0.2)
    if m is None or m.error(): continue
    v = m.value().decode()
    if v == 'sentinel-%d' % m.partition(): done.add(m.partition())
    elif m.partition() not in done: got.append(v)
c.close()
print(json.dumps({'rc': got, 'complete': len(done) == parts}), flush=True)
`;

let b: TestBroker;
before(async () => {
  b = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0', 'transaction.state.log.num.partitions': '4', 'offsets.topic.num.partitions': '4' } });
});
after(async () => {
  await b.close();
});

const kafka = () => new Kafka({ clientId: 'jepsen', brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50 } });

/** mulberry32: a small seeded PRNG, so a run is reproducible from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface History {
  committed: Set<string>;
  aborted: Set<string>;
  /** Transactions that wrote to each partition (each leaves one marker there). */
  markers: number[];
  commits: number;
  aborts: number;
  fenced: number;
}

const newProducer = (id: string): Producer => kafka().producer({ transactionalId: id, maxInFlightRequests: 1, idempotent: true });

/** One transaction: random sends, acknowledged; returns the values and the partitions it wrote. */
async function sendRandom(p: Producer, rnd: () => number, tag: string) {
  const txn = await p.transaction();
  const values: string[] = [];
  const touched = new Set<number>();
  const sends = 1 + Math.floor(rnd() * 4);
  for (let s = 0; s < sends; s++) {
    const messages = Array.from({ length: 1 + Math.floor(rnd() * 5) }, (_, i) => {
      const partition = Math.floor(rnd() * PARTITIONS);
      touched.add(partition);
      const value = `${tag}-s${s}-${i}`;
      values.push(value);
      return { value, partition };
    });
    await txn.send({ topic: TOPIC, messages });
  }
  return { txn, values, touched };
}

async function runProducer(k: number, seed: number, h: History, zombieAt: number): Promise<void> {
  const rnd = prng(seed + k * 7919);
  const id = `jepsen-${k}`;
  let p = newProducer(id);
  await p.connect();
  try {
    for (let t = 0; t < TXNS_PER_PRODUCER; t++) {
      const tag = `p${k}-t${t}`;
      const { txn, values, touched } = await sendRandom(p, rnd, tag);
      for (const q of touched) h.markers[q]!++;
      if (t === zombieAt) {
        // Zombie fencing: a new instance with the same transactional.id takes over; the coordinator
        // aborts the old one's open transaction, and the old one can no longer commit.
        // (KafkaJS sends InitProducerId at its first transaction(), not at connect.)
        const fresh = newProducer(id);
        await fresh.connect();
        const freshTxn = await fresh.transaction();
        await assert.rejects(txn.commit(), (e: Error & { type?: string }) => /FENCED|INVALID_PRODUCER_EPOCH/.test(String(e.type ?? e.message)));
        await p.disconnect().catch(() => {});
        p = fresh;
        for (const v of values) h.aborted.add(v);
        h.fenced++;
        const partition = Math.floor(rnd() * PARTITIONS);
        await freshTxn.send({ topic: TOPIC, messages: [{ value: `${tag}-fresh`, partition }] });
        await freshTxn.commit();
        h.markers[partition]!++;
        h.committed.add(`${tag}-fresh`);
        h.commits++;
        continue;
      }
      if (rnd() < 0.6) {
        await txn.commit();
        for (const v of values) h.committed.add(v);
        h.commits++;
      } else {
        await txn.abort();
        for (const v of values) h.aborted.add(v);
        h.aborts++;
      }
    }
  } finally {
    await p.disconnect();
  }
}

type Seen = Map<number, Array<{ offset: number; value: string }>>;

/** Reads every partition from the start until its sentinel arrived (read in order, so nothing is missed). */
async function readAll(group: string, readUncommitted: boolean): Promise<Seen> {
  const consumer: Consumer = kafka().consumer({ groupId: group, readUncommitted, maxWaitTimeInMs: 50 });
  const seen: Seen = new Map(Array.from({ length: PARTITIONS }, (_, q) => [q, []]));
  const sentinels = new Set<number>();
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const value = message.value!.toString();
      if (value === `sentinel-${partition}`) {
        sentinels.add(partition);
        if (sentinels.size === PARTITIONS) resolveDone();
        return;
      }
      if (sentinels.has(partition)) return;
      seen.get(partition)!.push({ offset: Number(message.offset), value });
    },
  });
  await done;
  await consumer.disconnect();
  return seen;
}

async function highWatermarks(): Promise<number[]> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(TOPIC);
    return Array.from({ length: PARTITIONS }, (_, q) => Number(offsets.find((o) => o.partition === q)!.high));
  } finally {
    await admin.disconnect();
  }
}

async function check(h: History, label: string): Promise<void> {
  const rc = await readAll(`jepsen-rc-${label}`, false);
  const ru = await readAll(`jepsen-ru-${label}`, true);
  const hw = await highWatermarks();
  const rcValues = [...rc.values()].flat().map((r) => r.value);
  if (havePython) {
    const r = await runPython(PY_READER, [b.bootstrap, TOPIC, String(PARTITIONS)], { limitMs: 90_000 });
    expectSuccess(r, 'librdkafka read_committed reader');
    const out = jsonLines<{ rc: string[]; complete: boolean }>(r.stdout)[0]!;
    assert.ok(out.complete, `${label}: librdkafka reached every sentinel`);
    assert.deepEqual(out.rc.filter((v) => h.aborted.has(v)), [], `${label}: librdkafka: no aborted reads`);
    assert.deepEqual([...out.rc].sort(), [...h.committed].sort(), `${label}: librdkafka: every committed record exactly once`);
  }
  const aborted = rcValues.filter((v) => h.aborted.has(v));
  assert.deepEqual(aborted, [], `${label}: no aborted reads`);
  assert.equal(new Set(rcValues).size, rcValues.length, `${label}: read_committed saw a record twice`);
  const missing = [...h.committed].filter((v) => !rcValues.includes(v));
  assert.deepEqual(missing, [], `${label}: no lost committed writes`);
  assert.equal(rcValues.length, h.committed.size, `${label}: read_committed saw only committed records`);
  const ruValues = [...ru.values()].flat().map((r) => r.value);
  assert.equal(new Set(ruValues).size, ruValues.length, `${label}: read_uncommitted saw a record twice`);
  assert.equal(ruValues.length, h.committed.size + h.aborted.size, `${label}: read_uncommitted sees committed and aborted records`);
  for (const v of h.aborted) assert.ok(ruValues.includes(v), `${label}: read_uncommitted misses aborted ${v}`);
  for (let q = 0; q < PARTITIONS; q++) {
    const offsets = ru.get(q)!.map((r) => r.offset);
    assert.equal(new Set(offsets).size, offsets.length, `${label}: partition ${q}: offsets unique`);
    assert.ok(offsets.every((o) => o >= 0 && o < hw[q]!), `${label}: partition ${q}: offsets inside [0, HW)`);
    // +1 record and +1 marker for the sentinel transaction.
    assert.equal(offsets.length + 1 + h.markers[q]! + 1, hw[q], `${label}: partition ${q}: records and markers fill [0, HW) densely`);
  }
}

test('jepsen: random concurrent transactions with a zombie; no aborted reads, no lost commits, dense offsets (before and after a restart)', async () => {
  const seed = process.env.BROOK_JEPSEN_SEED ? Number(process.env.BROOK_JEPSEN_SEED) : Math.floor(Math.random() * 2 ** 31);
  try {
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
    await admin.disconnect();
    const h: History = { committed: new Set(), aborted: new Set(), markers: new Array<number>(PARTITIONS).fill(0), commits: 0, aborts: 0, fenced: 0 };
    const zombieProducer = seed % PRODUCERS;
    const python = havePython ? runPython(PY_PRODUCER, [b.bootstrap, TOPIC, String(PARTITIONS), String(seed), String(PY_TXNS)], { limitMs: 90_000 }) : null;
    await Promise.all(Array.from({ length: PRODUCERS }, (_, k) => runProducer(k, seed, h, k === zombieProducer ? 5 + (seed % 20) : -1)));
    if (python) {
      const r = await python;
      expectSuccess(r, 'confluent_kafka transactional producer');
      const py = jsonLines<{ committed: string[]; aborted: string[]; markers: number[] }>(r.stdout)[0]!;
      for (const v of py.committed) h.committed.add(v);
      for (const v of py.aborted) h.aborted.add(v);
      py.markers.forEach((n, q) => (h.markers[q]! += n));
    }
    assert.ok(h.commits > 0 && h.aborts > 0 && h.fenced === 1, `a mix of outcomes (${h.commits} commits, ${h.aborts} aborts)`);
    const s = newProducer('jepsen-sentinel');
    await s.connect();
    const txn = await s.transaction();
    await txn.send({ topic: TOPIC, messages: Array.from({ length: PARTITIONS }, (_, q) => ({ value: `sentinel-${q}`, partition: q })) });
    await txn.commit();
    await s.disconnect();
    await check(h, 'live');
    b = await b.restart();
    const names = readdirSync(`${b.dataDir}/${TOPIC}-0`);
    assert.ok(names.some((n) => n.endsWith('.txnindex')), 'aborted transactions are indexed on disk');
    assert.ok(names.some((n) => n.endsWith('.snapshot')), 'a producer-state snapshot was written at shutdown');
    await check(h, 'restarted');
  } catch (e) {
    console.error(`txn-jepsen failed with seed ${seed} (rerun: BROOK_JEPSEN_SEED=${seed})`);
    throw e;
  }
});
