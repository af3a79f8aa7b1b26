// Streams benchmark: events per second end to end through a Brook broker for three
// Nexmark-shaped topologies over JSON bids: a stateless filter+map (q1/q2), a keyed count, and a
// 1-minute tumbling-window count with 10 s grace. Input is produced first; the clock runs from the
// app's first assignment until every input record is processed and the final commit (outputs and
// changelogs acknowledged) is done. Targets on this machine: >= 100k/s, 50k/s, 30k/s per core.
//
// The broker runs in a child process (this file, started with --broker) so the app and the broker
// each get their own core and their CPU time can be counted apart: the per-core figure is events
// per CPU-second of both processes together (process.cpuUsage, user + system), which is what one
// core would sustain end to end. STREAMS_BENCH_BROKER=inprocess keeps the old single-process mode.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
const IN_PROCESS = process.env.STREAMS_BENCH_BROKER === 'inprocess';

async function startBroker(dataDir: string): Promise<Broker> {
  return Broker.start({ dataDir, host: '127.0.0.1', port: 0, logger: createLogger({ level: 'error' }), config: { 'group.initial.rebalance.delay.ms': '0' } });
}

type BrokerMessage = { bootstrap: string } | { cpuMicros: number };

if (process.argv[2] === '--broker') {
  // Child mode: serve, answer CPU-time questions, exit when the parent says so (or goes away).
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-streams-bench-'));
  const child = await startBroker(dataDir);
  const reply = (m: BrokerMessage) => process.send?.(m);
  process.on('message', (m: unknown) => {
    if (m === 'cpu') {
      const u = process.cpuUsage();
      reply({ cpuMicros: u.user + u.system });
    } else if (m === 'stop') {
      void child.close().then(() => {
        rmSync(dataDir, { recursive: true, force: true });
        process.exit(0);
      });
    }
  });
  process.on('disconnect', () => process.exit(0));
  reply({ bootstrap: child.bootstrap });
} else {
  await main();
}

/** The broker, wherever it runs, with a way to read its CPU time (microseconds, user + system). */
interface BenchBroker {
  bootstrap: string;
  cpuMicros(): Promise<number>;
  close(): Promise<void>;
}

async function brokerInProcess(): Promise<BenchBroker> {
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-streams-bench-'));
  const broker = await startBroker(dataDir);
  return {
    bootstrap: broker.bootstrap,
    cpuMicros: async () => 0, // already counted in this process's own usage
    close: async () => {
      await broker.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function brokerInChild(): Promise<BenchBroker> {
  const child = fork(fileURLToPath(import.meta.url), ['--broker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () =>
    new Promise<BrokerMessage>((resolve, reject) => {
      child.once('message', (m) => resolve(m as BrokerMessage));
      child.once('exit', (code) => reject(new Error(`bench broker exited with ${code}`)));
    });
  const hello = await next();
  if (!('bootstrap' in hello)) throw new Error('bench broker: expected its address first');
  return {
    bootstrap: hello.bootstrap,
    cpuMicros: async () => {
      const answer = next();
      child.send('cpu');
      const m = await answer;
      if (!('cpuMicros' in m)) throw new Error('bench broker: expected a CPU reading');
      return m.cpuMicros;
    },
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('stop');
      await exited;
    },
  };
}

/**
 * STREAMS_BENCH_PROFILE=<dir>: a CPU profile of the app process for each measured phase only (from the
 * first assignment to the final commit), written as <dir>/<topology>.cpuprofile for DevTools.
 */
async function startProfile(): Promise<((name: string) => Promise<void>) | undefined> {
  const dir = process.env.STREAMS_BENCH_PROFILE;
  if (!dir) return undefined;
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync, mkdirSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async (name) => {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  };
}

interface Measured {
  /** Events per wall-clock second. */
  wall: number;
  /** Events per CPU-second of app and broker together: what one core sustains. */
  perCore: number;
  appCpuS: number;
  brokerCpuS: number;
  wallS: number;
}

async function main(): Promise<void> {
const benchBroker = IN_PROCESS ? await brokerInProcess() : await brokerInChild();
const brokers = [benchBroker.bootstrap];

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

async function measure(name: string, build: (app: App, input: string, output: string) => void): Promise<Measured> {
  const input = `bids-${name}`;
  await produceBids(input);
  const app = new App({ appId: `bench-${name}`, brokers, commitIntervalMs: 1_000,
    onError: (e) => {
      // A failed app never reaches the record count: stop the bench instead of waiting forever.
      console.error(`${name}: app failed`, e);
      process.exit(1);
    },
  });
  build(app, input, `${input}-out`);
  const running = await app.start();
  await running.ready;
  const profiler = await startProfile();
  const t0 = performance.now();
  const app0 = process.cpuUsage();
  const broker0 = await benchBroker.cpuMicros();
  for (let i = 0; ; i++) {
    const seen = Object.values(running.metrics()).reduce((n, m) => n + m.recordsIn, 0);
    if (seen >= EVENTS) break;
    if (i > 600_000) throw new Error(`${name}: stuck at ${seen} of ${EVENTS}`);
    await new Promise((r) => setTimeout(r, 2));
  }
  await running.commit();
  await profiler?.(name);
  const seconds = (performance.now() - t0) / 1000;
  const appUsage = process.cpuUsage(app0);
  const brokerCpuS = ((await benchBroker.cpuMicros()) - broker0) / 1e6;
  await running.close();
  const appCpuS = (appUsage.user + appUsage.system) / 1e6;
  return { wall: EVENTS / seconds, perCore: EVENTS / (appCpuS + brokerCpuS), appCpuS, brokerCpuS, wallS: seconds };
}

const bid = json<Bid>();
const only = process.env.STREAMS_BENCH_ONLY;
if (only === 'stateless') {
  const m = await measure('stateless', (app, input, output) => {
    app
      .stream(input, { key: string, value: bid })
      .filter((_k, b) => b.auction % 10 !== 3 && b.channel === 'app' || b.price > 1_000)
      .mapValues((b) => ({ auction: b.auction, price: Math.round(b.price * 0.908), dateTime: b.dateTime }))
      .to(output, { value: json<{ auction: number; price: number; dateTime: number }>() });
  });
  console.log(JSON.stringify(m));
  await benchBroker.close();
  process.exit(0);
}
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
await benchBroker.close();

const rows: BenchRow[] = [];
const targets: Array<[string, Measured, number]> = [
  ['stateless filter+map (q1/q2)', stateless, 100_000],
  ['keyed count', keyed, 50_000],
  ['1-min tumbling count + grace', windowed, 30_000],
];
for (const [name, m, target] of targets) {
  const baseline = { name: `${target / 1000}k/s target`, value: target };
  rows.push({ name: `${name}, events per CPU-second (per core)`, value: m.perCore, unit: 'ev/s', baseline, targetRatio: 1 });
  rows.push({ name: `${name}, events per wall second`, value: m.wall, unit: 'ev/s', baseline });
}
const cpu = targets.map(([name, m]) => `${name}: wall ${m.wallS.toFixed(2)} s, app CPU ${m.appCpuS.toFixed(2)} s, broker CPU ${m.brokerCpuS.toFixed(2)} s`);
const mode = IN_PROCESS ? 'broker in the same process (its CPU is inside the app figure)' : 'broker in a child process';
report('streams', rows, [`${EVENTS} JSON bids per topology, ${PARTITIONS} partitions, ${mode}`, ...cpu]);
}
