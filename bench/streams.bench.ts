// Streams benchmark: events per second end to end through a Brook broker for Nexmark-shaped
// topologies over JSON bids: a stateless filter+map (q1/q2), a keyed count, a 1-minute
// tumbling-window count with 10 s grace, a windowed stream-stream join (bids with the auctions'
// clicks within 10 s), and a foreign-key table join (orders with their customers). Input is
// produced first; the clock runs from the app's first assignment until every input record is
// processed (the join's answer settled, for the foreign-key join) and the final commit (outputs and
// changelogs acknowledged) is done. Targets on this machine: >= 100k/s stateless, 50k/s keyed
// count, 30k/s windowed count and both joins, per core. Then failover (bench/streams-failover.ts):
// time until processing resumes after a SIGKILL, without and with standbys.
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
import { App, defaultPartition, int64, joinWindows, json, string, tumbling, windowedSerde, type KeyValueStore, type RunningApp } from '../src/streams/index.js';
import { createLogger } from '../src/util/logger.js';
import { report, type BenchRow } from './harness.js';
import { measureFailover, type FailoverResult } from './streams-failover.js';

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
      const exited = (code: number | null) => reject(new Error(`bench broker exited with ${code}`));
      child.once('exit', exited);
      child.once('message', (m) => {
        child.off('exit', exited);
        resolve(m as BrokerMessage);
      });
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
  const start = 1_700_000_000_000;

  async function createTopics(topics: string[]): Promise<void> {
    const admin = createAdmin({ brokers, clientId: 'bench-admin' });
    await admin.createTopics({ topics, partitions: PARTITIONS });
    await admin.close();
  }

  /** Writes `count` records made by `make(i)` (key, value, timestamp) to `topic`, in chunks. */
  async function write(topic: string, count: number, make: (i: number) => [string, string, number]): Promise<void> {
    const producer = createProducer({ brokers, clientId: 'bench-producer' });
    for (let i = 0; i < count; i += 5_000) {
      const messages = [];
      for (let j = i; j < Math.min(count, i + 5_000); j++) {
        const [k, v, ts] = make(j);
        const key = Buffer.from(k);
        messages.push({ topic, partition: defaultPartition(key, PARTITIONS), key, value: Buffer.from(v), timestamp: BigInt(ts) });
      }
      await producer.send({ messages, acks: -1 });
    }
    await producer.close();
  }

  const bidOf = (j: number): Bid => ({ auction: j % 1_000, bidder: j % 7_919, price: 100 + (j % 5_000), channel: j % 3 === 0 ? 'web' : 'app', dateTime: start + j * 10 });

  /**
   * Runs `build` over the prepared input and measures until `done` holds; `events` is how many input
   * records that is (the per-core figure divides them by app + broker CPU time).
   */
  async function measure(name: string, events: number, build: (app: App) => void, done: (running: RunningApp) => boolean): Promise<Measured> {
    const app = new App({
      appId: `bench-${name}`,
      brokers,
      commitIntervalMs: 1_000,
      onError: (e) => {
        // A failed app never reaches the record count: stop the bench instead of waiting forever.
        console.error(`${name}: app failed`, e);
        process.exit(1);
      },
    });
    build(app);
    const running = await app.start();
    await running.ready;
    const profiler = await startProfile();
    const t0 = performance.now();
    const app0 = process.cpuUsage();
    const broker0 = await benchBroker.cpuMicros();
    for (let i = 0; !done(running); i++) {
      if (i > 600_000) throw new Error(`${name}: stuck`);
      await new Promise((r) => setTimeout(r, 2));
    }
    await running.commit();
    await profiler?.(name);
    const seconds = (performance.now() - t0) / 1000;
    const appUsage = process.cpuUsage(app0);
    const brokerCpuS = ((await benchBroker.cpuMicros()) - broker0) / 1e6;
    await running.close();
    const appCpuS = (appUsage.user + appUsage.system) / 1e6;
    return { wall: events / seconds, perCore: events / (appCpuS + brokerCpuS), appCpuS, brokerCpuS, wallS: seconds };
  }

  const recordsIn = (r: RunningApp) => Object.values(r.metrics()).reduce((n, m) => n + m.recordsIn, 0);
  const bid = json<Bid>();

  async function overBids(name: string, build: (app: App, input: string, output: string) => void): Promise<Measured> {
    const input = `bids-${name}`;
    await createTopics([input, `${input}-out`]);
    await write(input, EVENTS, (j) => {
      const b = bidOf(j);
      return [String(b.auction), JSON.stringify(b), b.dateTime];
    });
    return measure(name, EVENTS, (app) => build(app, input, `${input}-out`), (r) => recordsIn(r) >= EVENTS);
  }

  const statelessTopology = (app: App, input: string, output: string) => {
    app
      .stream(input, { key: string, value: bid })
      .filter((_k, b) => (b.auction % 10 !== 3 && b.channel === 'app') || b.price > 1_000)
      .mapValues((b) => ({ auction: b.auction, price: Math.round(b.price * 0.908), dateTime: b.dateTime }))
      .to(output, { value: json<{ auction: number; price: number; dateTime: number }>() });
  };
  const only = process.env.STREAMS_BENCH_ONLY;
  if (only === 'stateless') {
    console.log(JSON.stringify(await overBids('stateless', statelessTopology)));
    await benchBroker.close();
    return;
  }
  const results: Array<[string, Measured, number]> = [];
  const run = async (label: string, target: number, m: () => Promise<Measured>) => {
    if (only && !label.includes(only)) return;
    results.push([label, await m(), target]);
  };

  await run('stateless filter+map (q1/q2)', 100_000, () => overBids('stateless', statelessTopology));
  await run('keyed count', 50_000, () =>
    overBids('keyed-count', (app, input, output) => {
      app.stream(input, { key: string, value: bid }).groupByKey().count({ store: 'bids-per-auction' }).toStream().to(output, { value: int64 });
    }),
  );
  await run('1-min tumbling count + grace', 30_000, () =>
    overBids('window-count', (app, input, output) => {
      app
        .stream(input, { key: string, value: bid })
        .groupByKey()
        .windowedBy(tumbling('1m', { grace: '10s' }))
        .count({ store: 'bids-per-auction-minute' })
        .toStream()
        .to(output, { key: windowedSerde(string), value: int64 });
    }),
  );
  // Stream-stream: EVENTS/2 bids and EVENTS/2 clicks on the same 1 000 auctions, interleaved in
  // time; each click joins the bids of its auction within 10 s before or after it.
  await run('stream-stream join (10 s window)', 30_000, async () => {
    const half = Math.floor(EVENTS / 2);
    await createTopics(['join-bids', 'join-clicks', 'join-out']);
    await write('join-bids', half, (j) => {
      const b = bidOf(j * 2);
      return [String(b.auction), JSON.stringify(b), b.dateTime];
    });
    await write('join-clicks', half, (j) => [String((j * 2 + 1) % 1_000), JSON.stringify({ user: j % 997 }), start + (j * 2 + 1) * 10]);
    return measure(
      'stream-stream-join',
      2 * half,
      (app) => {
        const clicks = app.stream('join-clicks', { key: string, value: json<{ user: number }>() });
        app
          .stream('join-bids', { key: string, value: bid })
          .join(clicks, (b, c) => ({ auction: b.auction, price: b.price, user: c.user }), joinWindows('10s'))
          .to('join-out', { value: json<{ auction: number; price: number; user: number }>() });
      },
      (r) => recordsIn(r) >= 2 * half,
    );
  });
  // Foreign-key join: 2 000 customers, then EVENTS order updates over 20 000 orders, each naming
  // one of the customers; done when every order's joined row is its latest order with its customer.
  await run('foreign-key table join', 30_000, async () => {
    const customers = 2_000;
    const orders = 20_000;
    await createTopics(['fk-orders', 'fk-customers', 'fk-out']);
    await write('fk-customers', customers, (j) => [`c${j}`, `customer-${j}`, start + j]);
    await write('fk-orders', EVENTS, (j) => [`o${j % orders}`, JSON.stringify({ customer: `c${(j * 7) % customers}`, item: j }), start + customers + j]);
    const expected = new Map<string, string>();
    for (let j = Math.max(0, EVENTS - orders); j < EVENTS; j++) expected.set(`o${j % orders}`, `${j}@customer-${(j * 7) % customers}`);
    const settled = (r: RunningApp) => {
      if (recordsIn(r) < EVENTS + customers) return false;
      for (const [k, v] of expected) {
        const p = defaultPartition(Buffer.from(k), PARTITIONS);
        if (r.store<KeyValueStore<string, string>>('fk-result', p)?.get(k) !== v) return false;
      }
      return true;
    };
    return measure(
      'foreign-key-join',
      EVENTS + customers,
      (app) => {
        const c = app.table('fk-customers', { key: string, value: string, store: 'fk-customers-store' });
        app
          .table('fk-orders', { key: string, value: json<{ customer: string; item: number }>(), store: 'fk-orders-store' })
          .joinOnForeignKey(c, (o) => o.customer, (o, name) => `${o.item}@${name}`, { store: 'fk-result', value: string })
          .toStream()
          .to('fk-out', { value: string });
      },
      settled,
    );
  });
  const failovers: FailoverResult[] = [];
  if (!only || 'failover'.includes(only)) {
    const session = Number(process.env.STREAMS_BENCH_SESSION_MS ?? 6_000);
    failovers.push(await measureFailover(benchBroker.bootstrap, 0, session));
    failovers.push(await measureFailover(benchBroker.bootstrap, 1, session));
  }
  await benchBroker.close();

  const rows: BenchRow[] = [];
  const stateless = results.find(([name]) => name.startsWith('stateless'))?.[1];
  for (const [name, m, target] of results) {
    const baseline = { name: `${target / 1000}k/s target`, value: target };
    rows.push({ name: `${name}, events per CPU-second (per core)`, value: m.perCore, unit: 'ev/s', baseline, targetRatio: 1 });
    rows.push({ name: `${name}, events per wall second`, value: m.wall, unit: 'ev/s', baseline });
    if (stateless && !name.startsWith('stateless')) rows.push({ name: `${name}, per core vs stateless (same run)`, value: m.perCore, unit: 'ev/s', baseline: { name: 'stateless per core', value: stateless.perCore } });
  }
  for (const f of failovers) {
    const label = f.standbys > 0 ? `failover with ${f.standbys} standby` : 'failover without standbys';
    rows.push({ name: `${label}: kill -> processing resumed`, value: f.resumeMs, unit: 'ms', baseline: { name: 'session timeout', value: f.sessionTimeoutMs } });
    rows.push({ name: `${label}: changelog records restored`, value: f.restoredRecords, unit: 'records', baseline: { name: 'full changelog', value: f.changelogRecords } });
  }
  const cpu = results.map(([name, m]) => `${name}: wall ${m.wallS.toFixed(2)} s, app CPU ${m.appCpuS.toFixed(2)} s, broker CPU ${m.brokerCpuS.toFixed(2)} s`);
  const mode = IN_PROCESS ? 'broker in the same process (its CPU is inside the app figure)' : 'broker in a child process';
  report('streams', rows, [`${EVENTS} input records per topology, ${PARTITIONS} partitions, ${mode}`, ...cpu]);
}
