// The Kafka runtime end to end against the test target (Brook, or Kafka with BROOK_TEST_TARGET=kafka): the same topology through the
// TestDriver and through App.start() gives the same outputs (order per key) and stores.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { App, TestDriver, int64, string, type KeyValueStore } from '../../src/streams/index.js';
import { startTestTarget, uniqueName, type TestTarget } from '../helpers/target.js';
import { createTopics, produce, readTopic, waitFor } from './helpers/kafka.js';

let broker: TestTarget;
before(async () => {
  broker = await startTestTarget({ config: { 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '500' } });
});
after(async () => {
  await broker.close();
});

const WORDS = uniqueName('words');
const OUT = uniqueName('word-counts-out');

function countsApp(appId: string): App {
  const app = new App({ appId, brokers: [broker.bootstrap], commitIntervalMs: 200, sessionTimeoutMs: 3000 });
  app
    .stream(WORDS, { key: string, value: string })
    .filter((_k, w) => w.length > 0)
    .groupBy((_k, w) => w, { key: string, name: 'by-word' })
    .count({ store: 'word-counts' })
    .toStream()
    .to(OUT, { key: string, value: int64 });
  return app;
}

test('a repartitioned count: Kafka runtime and TestDriver agree on outputs per key and on stores', async () => {
  await createTopics(broker.bootstrap, { [WORDS]: 3, [OUT]: 3 });
  const words = ['apple', 'pear', 'fig', 'apple', '', 'kiwi', 'pear', 'apple', 'plum', 'fig'];
  const input = Array.from({ length: 200 }, (_, i) => ({ key: `k${i % 7}`, value: words[i % words.length]!, timestamp: 1_000 + i }));
  await produce(broker.bootstrap, WORDS, input, 3);

  const running = await countsApp(uniqueName('wc')).start();
  await running.ready;
  await waitFor(() => total(running.metrics(), 'recordsIn') >= 200 + 180, 'all input and repartitioned records processed');
  const stores = new Map<string, bigint>();
  for (let p = 0; p < 3; p++) for (const [k, v] of running.store<KeyValueStore<string, bigint>>('word-counts', p)?.all() ?? []) stores.set(k, v);
  await running.close();
  await running.done;

  const d = await TestDriver.create(countsApp('wc-driver'), { defaultPartitions: 3 });
  const inTopic = d.input(WORDS, string, string);
  for (const r of input) await inTopic.pipe(r.key, r.value, { timestamp: r.timestamp });
  const expected = perKey(d.output(OUT, string, int64).readKeyValues().map(([k, v]) => [k!, String(v)]));
  const driverStores = new Map<string, bigint>();
  for (let p = 0; p < 3; p++) for (const [k, v] of d.store<KeyValueStore<string, bigint>>('word-counts', p).all()) driverStores.set(k, v);
  await d.close();

  const out = await readTopic(broker.bootstrap, OUT);
  const actual = perKey(out.map((r) => [r.key!.toString(), r.value!.readBigInt64BE().toString()]));
  assert.deepEqual(actual, expected);
  assert.deepEqual(new Map([...stores].sort()), new Map([...driverStores].sort()));
  assert.deepEqual(Object.fromEntries([...stores].map(([k, v]) => [k, Number(v)])), { apple: 60, pear: 40, fig: 40, kiwi: 20, plum: 20 });
});

function total(metrics: Record<string, { recordsIn: number }>, key: 'recordsIn'): number {
  return Object.values(metrics).reduce((n, m) => n + m[key], 0);
}

function perKey(pairs: Array<[string, string]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of pairs) (out[k] ??= []).push(v);
  return out;
}
