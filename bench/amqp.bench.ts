// AMQP 0-9-1: Brook beside a real RabbitMQ (Debian's rabbitmq-server, started by this benchmark on
// free ports in a temp dir), same machine, same run, same client (amqplib). Both servers run as
// their own processes (Brook from bench/amqp-broker.ts, as `brook start` would).
//
// Workload per case: P publishers (own connections, confirm channels, persistent messages, at most
// WINDOW unconfirmed each) and one consumer (prefetch PREFETCH, manual acks, multiple every ACK_EVERY)
// on one durable queue; bodies of 100 B or 1 KiB carry their publish time. Measured: messages per
// second from the first publish to the last delivery, and publish-to-deliver latency p50/p99.
// Systems: Brook (durable queue; a quorum declaration is the same queue here), RabbitMQ durable
// classic queue, RabbitMQ quorum queue (single node). Goal: >= 2x RabbitMQ classic throughput and
// a lower p99.
//
// Trust: every case runs ROUNDS times per system, the systems alternating (the order rotates each
// round, so a burst of load from elsewhere on the machine falls on all of them); the table gives
// the median with min..max, ratios are of medians, and the JSON in bench/results/amqp.json keeps
// every run, Brook's event-loop delay per case and the machine (CPU model, cores, load average).
// The table also gives this process's own event-loop utilization per run ("client loop busy"): the
// publishers and the consumer share it, so with one publisher it shows how much of the round trip
// is the client's turn. For Brook it gives the broker process's CPU time per message ("broker CPU",
// user + system over all its threads, during the run).
//
//   npm run bench -- amqp
//   AMQP_BENCH_MESSAGES=N    messages per run (default 30000)
//   AMQP_BENCH_ROUNDS=N      runs per system and case (default 3)
//   AMQP_BENCH_CASES=100x1,1024x8   only these cases (size x publishers)
//   AMQP_BENCH_PROFILE=dir   Brook runs under `node --cpu-prof` and writes its profile there
//   AMQP_BENCH_NODE_ARGS=..  more node options for Brook (e.g. --heap-prof --heap-prof-dir=dir)
//   AMQP_BENCH_RABBIT_BUSY_WAIT=1  leave RabbitMQ's scheduler busy-waiting on (see below)
//   AMQP_BENCH_ONLY_BROOK=1  no RabbitMQ (profiling runs; no ratios)
//   AMQP_BENCH_NO_QUORUM=1   RabbitMQ's classic queue only (quicker runs; no quorum rows)
//   AMQP_BENCH_NODELAY=1     the bench's connections set TCP_NODELAY (amqplib's default leaves Nagle on;
//                            the Java client turns it off): the same for every system
//   AMQP_BENCH_BASELINE=dir  a second Brook from another compiled tree (its bench/amqp-broker.js), as
//                            "Brook (baseline)" in the same run: before/after figures of a change
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import amqplib from 'amqplib';
import { startRabbitMq } from '../test/amqp/rabbitmq-server.js';
import { percentile, report, type BenchRow } from './harness.js';
import { JsonLineChild } from './json-line-child.js';

const MESSAGES = Number(process.env.AMQP_BENCH_MESSAGES ?? 30_000);
const ROUNDS = Math.max(1, Number(process.env.AMQP_BENCH_ROUNDS ?? 3));
const WINDOW = 256;
const SOCKET_OPTIONS = { noDelay: process.env.AMQP_BENCH_NODELAY === '1' };
const PREFETCH = 500;
const ACK_EVERY = 20;

interface RunResult {
  rate: number;
  p50: number;
  p99: number;
  /** Further publish-to-deliver percentiles, kept in the JSON (the shape of the tail). */
  p90: number;
  p999: number;
  /** The bench's own event loop (publishers and consumer are amqplib in this one process): busy share. */
  clientUtilization: number;
}

interface System {
  name: string;
  url: string;
  queueType: 'classic' | 'quorum';
  /** Brook only: event-loop delay and utilization since the last call. */
  stats?: () => Promise<Record<string, unknown>>;
}

async function runCase(sys: System, size: number, publishers: number, tag: string): Promise<RunResult> {
  const url = sys.url;
  const queue = `bench-${tag}-${size}-${publishers}-${sys.queueType}`;
  const admin = await amqplib.connect(url, SOCKET_OPTIONS);
  const ach = await admin.createChannel();
  await ach.assertQueue(queue, { durable: true, arguments: sys.queueType === 'quorum' ? { 'x-queue-type': 'quorum' } : {} });
  await ach.purgeQueue(queue);
  const consumerConn = await amqplib.connect(url, SOCKET_OPTIONS);
  const cch = await consumerConn.createChannel();
  await cch.prefetch(PREFETCH);
  const latencies = new Float64Array(MESSAGES);
  let received = 0;
  let lastAt = 0;
  const done = new Promise<void>((resolve) => {
    void cch.consume(queue, (m) => {
      if (!m) return;
      const now = performance.now();
      if (received < MESSAGES) latencies[received] = now - m.content.readDoubleLE(0);
      received++;
      if (received % ACK_EVERY === 0 || received === MESSAGES) cch.ack(m, true);
      if (received === MESSAGES) {
        lastAt = now;
        resolve();
      }
    });
  });
  const pubConns = await Promise.all(Array.from({ length: publishers }, () => amqplib.connect(url, SOCKET_OPTIONS)));
  const pubChannels = await Promise.all(pubConns.map((c) => c.createConfirmChannel()));
  const perPublisher = Math.ceil(MESSAGES / publishers);
  const started = performance.now();
  const clientElu = performance.eventLoopUtilization();
  await Promise.all(
    pubChannels.map(async (ch, p) => {
      const count = Math.min(perPublisher, MESSAGES - p * perPublisher);
      let inFlight = 0;
      let wake: (() => void) | null = null;
      for (let i = 0; i < count; i++) {
        while (inFlight >= WINDOW) await new Promise<void>((r) => (wake = r));
        const body = Buffer.alloc(size);
        body.writeDoubleLE(performance.now(), 0);
        inFlight++;
        ch.sendToQueue(queue, body, { persistent: true }, () => {
          inFlight--;
          const w = wake;
          wake = null;
          w?.();
        });
      }
      await ch.waitForConfirms();
    }),
  );
  await done;
  const clientUtilization = performance.eventLoopUtilization(clientElu).utilization;
  const elapsedMs = lastAt - started;
  for (const c of pubConns) await c.close();
  await consumerConn.close();
  await ach.deleteQueue(queue);
  await admin.close();
  const lat = Array.from(latencies.subarray(0, MESSAGES));
  return { rate: (MESSAGES / elapsedMs) * 1000, p50: percentile(lat, 50), p99: percentile(lat, 99), p90: percentile(lat, 90), p999: percentile(lat, 99.9), clientUtilization };
}

interface BrookProcess {
  url: string;
  stats(): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Starts bench/amqp-broker.js of a compiled tree (this one, or AMQP_BENCH_BASELINE's). */
async function startBrook(distRoot: string, label: string): Promise<BrookProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-amqp-bench-'));
  const script = join(distRoot, 'bench', 'amqp-broker.js');
  const profileDir = process.env.AMQP_BENCH_PROFILE;
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`, `--cpu-prof-name=${label}-${process.pid}.cpuprofile`] : [];
  if (process.env.AMQP_BENCH_NODE_ARGS) nodeArgs.push(...process.env.AMQP_BENCH_NODE_ARGS.split(' ').filter(Boolean));
  const { child, ready } = await JsonLineChild.start<{ amqpPort: number }>(script, [dataDir], { label, nodeArgs, captureStderr: true });
  return {
    url: `amqp://guest:guest@127.0.0.1:${String(ready.amqpPort)}`,
    stats: () => child.ask('stats'),
    stop: async () => {
      await child.stop('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function median(xs: number[]): number {
  return percentile(xs, 50);
}

function span(xs: number[]): string {
  const f = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(2));
  return `${f(median(xs))} [${f(Math.min(...xs))}..${f(Math.max(...xs))}]`;
}

const allCases: [number, number][] = [
  [100, 1],
  [100, 8],
  [1024, 1],
  [1024, 8],
];
const only = process.env.AMQP_BENCH_CASES?.split(',').map((s) => s.trim());
const cases = only ? allCases.filter(([s, p]) => only.includes(`${s}x${p}`)) : allCases;
const distRoot = fileURLToPath(new URL('..', import.meta.url));
const brook = await startBrook(distRoot, 'brook');
const baselineRoot = process.env.AMQP_BENCH_BASELINE;
const baseline = baselineRoot ? await startBrook(resolve(baselineRoot), 'baseline') : null;
const onlyBrook = process.env.AMQP_BENCH_ONLY_BROOK === '1';
// The Erlang VM's schedulers spin (busy-wait) for a while whenever they run out of work. The
// systems here take turns on one machine, so a RabbitMQ that just finished its run would spin
// through the start of Brook's. RabbitMQ's own advice for shared hosts is to turn that off
// (runtime docs, "Scheduler busy waiting"); AMQP_BENCH_RABBIT_BUSY_WAIT=1 keeps the default.
const busyWaitOff = process.env.AMQP_BENCH_RABBIT_BUSY_WAIT !== '1';
if (busyWaitOff) process.env.RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS ??= '+sbwt none +sbwtdcpu none +sbwtdio none';
const rabbit = onlyBrook ? null : await startRabbitMq();
const systems: System[] = [
  { name: 'Brook', url: brook.url, queueType: 'classic', stats: brook.stats },
  ...(baseline ? [{ name: 'Brook (baseline)', url: baseline.url, queueType: 'classic' as const, stats: baseline.stats }] : []),
  ...(rabbit
    ? [
        { name: 'RabbitMQ classic', url: rabbit.url, queueType: 'classic' as const },
        ...(process.env.AMQP_BENCH_NO_QUORUM === '1' ? [] : [{ name: 'RabbitMQ quorum', url: rabbit.url, queueType: 'quorum' as const }]),
      ]
    : []),
];
const rows: BenchRow[] = [];
const runs: Record<string, unknown>[] = [];
const notes: string[] = [
  `${MESSAGES} messages per run, ${ROUNDS} runs per system and case (systems alternate, order rotating), window ${WINDOW} unconfirmed per publisher, prefetch ${PREFETCH}, acks multiple every ${ACK_EVERY}`,
  'values are medians of the runs; ratios are of medians',
  ...(SOCKET_OPTIONS.noDelay ? ['client connections with TCP_NODELAY (AMQP_BENCH_NODELAY=1)'] : []),
  ...(busyWaitOff ? ['RabbitMQ runs with scheduler busy-waiting off (+sbwt none +sbwtdcpu none +sbwtdio none), so it does not spin during the other systems\' runs'] : []),
];
try {
  for (const [size, publishers] of cases) {
    const name = `${size} B, ${publishers} publisher${publishers > 1 ? 's' : ''}`;
    for (const s of systems) await runCase(s, size, publishers, 'warm');
    const per = new Map<string, RunResult[]>(systems.map((s) => [s.name, []]));
    /** Brook's CPU time (every thread) per message, µs, per run (systems that report it). */
    const cpuPer = new Map<string, number[]>(systems.map((s) => [s.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = systems.map((_, i) => systems[(i + round) % systems.length]!);
      for (const s of order) {
        await s.stats?.();
        const r = await runCase(s, size, publishers, `r${round}`);
        const loop = s.stats ? await s.stats() : undefined;
        per.get(s.name)!.push(r);
        if (typeof loop?.cpuUserUs === 'number' && typeof loop.cpuSystemUs === 'number') cpuPer.get(s.name)!.push((loop.cpuUserUs + loop.cpuSystemUs) / MESSAGES);
        runs.push({ case: name, round, system: s.name, ...r, eventLoop: loop, loadavg: os.loadavg()[0] });
      }
    }
    const med = (sys: string, k: keyof RunResult): number => median(per.get(sys)!.map((r) => r[k]));
    const line = systems
      .map((s) => {
        const rs = per.get(s.name)!;
        const cpu = cpuPer.get(s.name)!;
        const brookCpu = cpu.length > 0 ? `, broker CPU ${span(cpu)} µs/msg` : '';
        return `${s.name} ${span(rs.map((r) => r.rate))} msg/s, p50 ${span(rs.map((r) => r.p50))} p99 ${span(rs.map((r) => r.p99))} ms, client loop busy ${span(rs.map((r) => r.clientUtilization))}${brookCpu}`;
      })
      .join(' | ');
    console.log(`${name}: ${line}`);
    if (!rabbit) continue;
    const b = { rate: med('Brook', 'rate'), p50: med('Brook', 'p50'), p99: med('Brook', 'p99') };
    const rc = { rate: med('RabbitMQ classic', 'rate'), p50: med('RabbitMQ classic', 'p50'), p99: med('RabbitMQ classic', 'p99') };
    rows.push(
      { name: `${name}: Brook msg/s vs RabbitMQ classic`, value: b.rate, unit: 'msg/s', baseline: { name: 'classic', value: rc.rate }, targetRatio: 2 },
      { name: `${name}: RabbitMQ classic p99 / Brook p99`, value: rc.p99, unit: 'ms', baseline: { name: 'Brook p99', value: b.p99 }, targetRatio: 1 },
      { name: `${name}: Brook p50 latency vs RabbitMQ classic`, value: b.p50, unit: 'ms', baseline: { name: 'classic', value: rc.p50 } },
    );
    if (per.has('RabbitMQ quorum')) {
      const rq = { rate: med('RabbitMQ quorum', 'rate'), p99: med('RabbitMQ quorum', 'p99') };
      rows.push(
        { name: `${name}: Brook msg/s vs RabbitMQ quorum`, value: b.rate, unit: 'msg/s', baseline: { name: 'quorum', value: rq.rate } },
        { name: `${name}: Brook p99 latency vs RabbitMQ quorum`, value: b.p99, unit: 'ms', baseline: { name: 'quorum', value: rq.p99 } },
      );
    }
    if (baseline) {
      const bb = { rate: med('Brook (baseline)', 'rate'), p99: med('Brook (baseline)', 'p99') };
      rows.push(
        { name: `${name}: Brook baseline msg/s vs RabbitMQ classic`, value: bb.rate, unit: 'msg/s', baseline: { name: 'classic', value: rc.rate } },
        { name: `${name}: Brook baseline p99 vs RabbitMQ classic`, value: bb.p99, unit: 'ms', baseline: { name: 'classic', value: rc.p99 } },
        { name: `${name}: Brook msg/s vs Brook baseline`, value: b.rate, unit: 'msg/s', baseline: { name: 'baseline', value: bb.rate } },
      );
    }
  }
} finally {
  await brook.stop();
  await baseline?.stop();
  await rabbit?.stop();
}
report('amqp', rows, notes, {
  machine: { cpuModel: os.cpus()[0]?.model, cpus: os.cpus().length, totalMemBytes: os.totalmem(), loadavg: os.loadavg(), platform: `${os.platform()} ${os.release()}` },
  runs,
});
