// Every join, on the real runtime against a broker and in the TestDriver, over the same input:
// the outputs must be equal. Stream-stream (inner, left, outer), stream-table (inner, left),
// table-table (inner, left, outer) and stream-globalTable joins are compared record by record
// (per key, in order, with timestamps); foreign-key joins, whose answers travel through two
// internal topics and so interleave differently, are compared by their final table.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { App, TestDriver, defaultPartition, joinWindows, json, string } from '../../src/streams/index.js';
import { startTestTarget, uniqueName, type TestTarget } from '../helpers/target.js';
import { createTopics, produce, readTopic, waitFor, type RawRecord } from './helpers/kafka.js';

let broker: TestTarget;
before(async () => {
  broker = await startTestTarget({ config: { 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '500' } });
});
after(async () => {
  await broker.close();
});

const P = 2;
/** Topic names: each file's own on a shared Kafka broker. */
const T = uniqueName;
interface Order {
  customer: string;
  item: string;
}
type In = { topic: string; key: string; value: string | null; timestamp: number };

const joiner = (l: string | undefined, r: string | undefined) => `${l ?? '-'}+${r ?? '-'}`;

function build(appId: string, brokers?: string[]): App {
  const app = new App({ appId, ...(brokers ? { brokers, commitIntervalMs: 100, sessionTimeoutMs: 2000 } : {}) });
  const l = app.stream(T('j-left'), { key: string, value: string });
  const r = app.stream(T('j-right'), { key: string, value: string });
  const w = joinWindows(60, { grace: 15 });
  l.join(r, joiner, w, { name: 'ssi' }).to(T('o-ss-inner'), { value: string });
  l.leftJoin(r, joiner, w, { name: 'ssl' }).to(T('o-ss-left'), { value: string });
  l.outerJoin(r, joiner, w, { name: 'sso' }).to(T('o-ss-outer'), { value: string });
  const t = app.table(T('j-table'), { key: string, value: string, store: 'j-table-store' });
  l.join(t, joiner).to(T('o-st-inner'), { value: string });
  l.leftJoin(t, joiner).to(T('o-st-left'), { value: string });
  const ta = app.table(T('j-ta'), { key: string, value: string, store: 'j-ta-store' });
  const tb = app.table(T('j-tb'), { key: string, value: string, store: 'j-tb-store' });
  ta.join(tb, joiner).toStream().to(T('o-tt-inner'), { value: string });
  ta.leftJoin(tb, joiner).toStream().to(T('o-tt-left'), { value: string });
  ta.outerJoin(tb, joiner).toStream().to(T('o-tt-outer'), { value: string });
  const g = app.globalTable(T('j-global'), { key: string, value: string });
  r.join(g, (_k, v) => v.slice(0, 2), (v, gv) => `${v}@${gv}`).to(T('o-global'), { value: string });
  const orders = app.table(T('j-orders'), { key: string, value: json<Order>(), store: 'j-orders-store' });
  const customers = app.table(T('j-customers'), { key: string, value: string, store: 'j-customers-store' });
  orders.joinOnForeignKey(customers, (o) => o.customer, (o, c) => `${o.item}@${c}`, { name: 'fki' }).toStream().to(T('o-fk-inner'), { value: string });
  orders.leftJoinOnForeignKey(customers, (o) => o.customer, (o, c) => `${o.item}@${c ?? '?'}`, { name: 'fkl' }).toStream().to(T('o-fk-left'), { value: string });
  return app;
}

const outputs = [T('o-ss-inner'), T('o-ss-left'), T('o-ss-outer'), T('o-st-inner'), T('o-st-left'), T('o-tt-inner'), T('o-tt-left'), T('o-tt-outer'), T('o-global')];

/** A deterministic mix of inserts, updates and deletes, every record with its own timestamp. */
function input(): { global: In[]; rest: In[] } {
  let seed = 7; // mulberry32: a small, well-mixed deterministic generator
  const rnd = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
  const global: In[] = ['k0', 'k1', 'k2'].map((k, i) => ({ topic: T('j-global'), key: k, value: `g${i}`, timestamp: 1 + i }));
  const rest: In[] = [];
  let ts = 100;
  for (let i = 0; i < 400; i++) {
    ts += 1 + rnd(6);
    const key = `k${rnd(6)}`;
    const pick = rnd(8);
    if (pick < 2) rest.push({ topic: T('j-left'), key, value: `l${i}`, timestamp: ts });
    else if (pick < 4) rest.push({ topic: T('j-right'), key, value: `k${rnd(3)}r${i}`, timestamp: ts });
    else if (pick === 4) rest.push({ topic: T('j-table'), key, value: rnd(4) === 0 ? null : `t${i}`, timestamp: ts });
    else if (pick === 5) rest.push({ topic: rnd(2) ? T('j-ta') : T('j-tb'), key, value: rnd(4) === 0 ? null : `v${i}`, timestamp: ts });
    else if (pick === 6) rest.push({ topic: T('j-orders'), key: `o${rnd(8)}`, value: rnd(5) === 0 ? null : JSON.stringify({ customer: `c${rnd(4)}`, item: `i${i}` }), timestamp: ts });
    else rest.push({ topic: T('j-customers'), key: `c${rnd(4)}`, value: rnd(5) === 0 ? null : `C${i}`, timestamp: ts });
  }
  return { global, rest };
}

function perKey(records: ReadonlyArray<{ key: string; value: string | null; timestamp: number }>): Map<string, Array<[string | null, number]>> {
  const out = new Map<string, Array<[string | null, number]>>();
  for (const r of records) out.set(r.key, [...(out.get(r.key) ?? []), [r.value, r.timestamp]]);
  return new Map([...out].sort());
}

function latest(records: ReadonlyArray<{ key: string; value: string | null }>): Map<string, string> {
  const m = new Map<string, string | null>();
  for (const r of records) m.set(r.key, r.value);
  return new Map([...m].filter((e): e is [string, string] => e[1] !== null).sort());
}

const decoded = (rs: readonly RawRecord[]) => rs.map((r) => ({ key: r.key!.toString(), value: r.value === null ? null : r.value.toString(), timestamp: r.timestamp }));

test('every join gives the same output on the Kafka runtime as in the TestDriver', async () => {
  const { global, rest } = input();
  const counts: Record<string, number> = { [T('j-global')]: 3, [T('j-customers')]: 3 };
  // The driver: every record in timestamp order, on the partition the default partitioner picks.
  const driver = await TestDriver.create(build('joins-driver'), { partitions: counts, defaultPartitions: P });
  for (const r of [...global, ...rest]) {
    const bytes = Buffer.from(r.key);
    await driver.pipeRaw(r.topic, bytes, r.value === null ? null : Buffer.from(r.value), { timestamp: r.timestamp, partition: defaultPartition(bytes, counts[r.topic] ?? P) });
  }
  const expected = new Map<string, ReturnType<typeof perKey>>();
  for (const o of outputs) expected.set(o, perKey(driver.output(o, string, string).readRecords().map((x) => ({ key: x.key!, value: x.value, timestamp: x.timestamp }))));
  const expectedFk = [T('o-fk-inner'), T('o-fk-left')].map((o) => latest(driver.output(o, string, string).readRecords().map((x) => ({ key: x.key!, value: x.value }))));
  await driver.close();
  for (const [o, m] of expected) assert.ok(m.size > 0, `${o} produced something`);

  // The runtime: the same input written first (so each task's first fetch holds all of it, merged by timestamp).
  const topics: Record<string, number> = { [T('j-left')]: P, [T('j-right')]: P, [T('j-table')]: P, [T('j-ta')]: P, [T('j-tb')]: P, [T('j-orders')]: P, [T('j-customers')]: 3, [T('j-global')]: 3 };
  for (const o of [...outputs, T('o-fk-inner'), T('o-fk-left')]) topics[o] = P;
  await createTopics(broker.bootstrap, topics);
  for (const [topic, n] of Object.entries(topics)) {
    const rs = [...global, ...rest].filter((r) => r.topic === topic);
    if (rs.length > 0) await produce(broker.bootstrap, topic, rs, n);
  }
  const running = await build(uniqueName('joins-runtime'), [broker.bootstrap]).start();
  try {
    await running.ready;
    const total = (m: Map<string, unknown[]>) => [...m.values()].reduce((n, l) => n + l.length, 0);
    for (const o of outputs) {
      const want = total(expected.get(o)!);
      await waitFor(async () => (await readTopic(broker.bootstrap, o)).length >= want, `${o}: ${want} records`, 60_000);
    }
    for (const [i, o] of [T('o-fk-inner'), T('o-fk-left')].entries()) {
      await waitFor(async () => JSON.stringify([...latest(decoded(await readTopic(broker.bootstrap, o)))]) === JSON.stringify([...expectedFk[i]!]), `${o}: the final join table`, 60_000);
    }
    await running.commit();
    for (const o of outputs) assert.deepEqual(perKey(decoded(await readTopic(broker.bootstrap, o))), expected.get(o), o);
    for (const [i, o] of [T('o-fk-inner'), T('o-fk-left')].entries()) assert.deepEqual(latest(decoded(await readTopic(broker.bootstrap, o))), expectedFk[i], o);
  } finally {
    await running.close();
  }
});
