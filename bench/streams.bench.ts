// Streams benchmark: events per second end to end through a Brook broker (in this process, so the
// broker's work is counted on the same core as the app's) for three Nexmark-shaped topologies
// over JSON bids: a stateless filter+map (q1/q2), a keyed count, and a 1-minute tumbling-window
// count with 10 s grace. Input is produced first; the clock runs from the app's first assignment
// until every input record is processed and the final commit (outputs and changelogs
// acknowledged) is done. Targets on this machine: >= 100k/s, 50k/s, 30k/s.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../src/broker/broker.js';
import { createAdmin, createProducer } from '../src/client/index.js';
import { App, defaultPartition, int64, json, string, tumbling, windowedSerde } from '../src/streams/index.js';
import { createLogger } from '../src/util/logger.js';
import { report, type BenchRow } from './harness.js';

interface Bid {
  auction: number;
  bidder: number;
  price: number;
  channel: string;
  dateTime: number;
}

const EVENTS = Number(process.env.STREAMS_BENCH_EVENTS ?? 200_000);
const PARTITIONS = 2;
const dataDir = mkdtempSync(join(tmpdir(), 'brook-streams-bench-'));
const broker = await Broker.start({ dataDir, host: '127.0.0.1', port: 0, logger: createLogger({ level: 'error' }), config: { 'group.initial.rebalance.delay.ms': '0' } });
const brokers = [broker.bootstrap];

async function produceBids(topic: string): Promise<void> {
  const admin = createAdmin({ brokers, clientId: 'bench-admin' });
  await admin.createTopics({ topics: [topic, `${topic}-out`], partitions: PARTITIONS });
  await admin.close();
  const producer = createProducer({ brokers, clientId: 'bench-producer' });
  const start = 1_700_000_000_000;
  for (let i = 0; i < EVENTS; i += 5_000) {
    const messages = [];
    for (let j = i; j < Math.min(EVENTS, i + 5_000); j++) {
      const bid: Bid = { auction: j % 1_000, bidder: j % 7_919, price: 100 + (j % 5_000), channel: j % 3 === 0 ? 'web' : 'app', dateTime: start + j * 10 };
      const key = Buffer.from(String(bid.auction));
      messages.push({ topic, partition: defaultPartition(key, PARTITIONS), key, value: Buffer.from(JSON.stringify(bid)), timestamp: BigInt(bid.dateTime) });
    }
    await producer.send({ messages, acks: -1 });
  }
  await producer.close();
}

async function measure(name: string, build: (app: App, input: string, output: string) => void): Promise<number> {
  const input = `bids-${name}`;
  await produceBids(input);
  const app = new App({ appId: `bench-${name}`, brokers, commitIntervalMs: 1_000 });
  build(app, input, `${input}-out`);
  const running = await app.start();
  await running.ready;
  const t0 = performance.now();
  for (let i = 0; ; i++) {
    const seen = Object.values(running.metrics()).reduce((n, m) => n + m.recordsIn, 0);
    if (seen >= EVENTS) break;
    if (i > 600_000) throw new Error(`${name}: stuck at ${seen} of ${EVENTS}`);
    await new Promise((r) => setTimeout(r, 2));
  }
  await running.commit();
  const seconds = (performance.now() - t0) / 1000;
  await running.close();
  return EVENTS / seconds;
}

const bid = json<Bid>();
const stateless = await measure('stateless', (app, input, output) => {
  app
    .stream(input, { key: string, value: bid })
    .filter((_k, b) => b.auction % 10 !== 3 && b.channel === 'app' || b.price > 1_000)
    .mapValues((b) => ({ auction: b.auction, price: Math.round(b.price * 0.908), dateTime: b.dateTime }))
    .to(output, { value: json<{ auction: number; price: number; dateTime: number }>() });
});
const keyed = await measure('keyed-count', (app, input, output) => {
  app.stream(input, { key: string, value: bid }).groupByKey().count({ store: 'bids-per-auction' }).toStream().to(output, { value: int64 });
});
const windowed = await measure('window-count', (app, input, output) => {
  app
    .stream(input, { key: string, value: bid })
    .groupByKey()
    .windowedBy(tumbling('1m', { grace: '10s' }))
    .count({ store: 'bids-per-auction-minute' })
    .toStream()
    .to(output, { key: windowedSerde(string), value: int64 });
});
await broker.close();
rmSync(dataDir, { recursive: true, force: true });

const rows: BenchRow[] = [
  { name: 'stateless filter+map (q1/q2), events/s', value: stateless, unit: 'ev/s', baseline: { name: '100k/s target', value: 100_000 }, targetRatio: 1 },
  { name: 'keyed count, events/s', value: keyed, unit: 'ev/s', baseline: { name: '50k/s target', value: 50_000 }, targetRatio: 1 },
  { name: '1-min tumbling count + grace, events/s', value: windowed, unit: 'ev/s', baseline: { name: '30k/s target', value: 30_000 }, targetRatio: 1 },
];
report('streams', rows, [`${EVENTS} JSON bids per topology, ${PARTITIONS} partitions, broker in the same process (one core for both)`]);
