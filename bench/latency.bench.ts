// Produce-to-consume latency at a steady rate (`npm run bench -- latency`), beside what the disk and
// the broker's own event loop allow, all measured in the same run:
//  - end-to-end latency (producer's clock at the produce call -> record in the consumer's hands) and
//    acknowledgement latency, p50 / p99 / p99.99 / max, with acks=1 and acks=all, from
//    bench/vs-kafka/latency.py (librdkafka through confluent_kafka, linger.ms=1);
//  - the disk's fdatasync latency (4 KiB write + fdatasync every 10 ms on the same file system as the
//    broker's data, during each run, so both see the same load);
//  - the broker's event-loop delay histogram and garbage-collection pauses, measured inside the
//    broker process (bench/latency-broker.ts) over each run.
// acks=1 and acks=all alternate (the order flips each round), LATENCY_ROUNDS rounds (default 3),
// LATENCY_SECONDS per run (default 20; the issue's figure is LATENCY_SECONDS=300), LATENCY_RATE
// records/s (default 10,000) of 100 bytes. Reports min / median / max over the rounds.
//   LATENCY_ACKS=1 (or all)   only that acks setting (quicker A/B runs of CPU and allocation)
//   LATENCY_LINGER_MS=N       the producer's linger.ms (default 1; 0 sends each record as soon as the
//                             client's thread wakes: lower latency, several times the requests)
//   LATENCY_BASELINE=dir      a second broker from another compiled tree (its bench/latency-broker.js,
//                             e.g. a copy of dist made before a change): each round runs both builds,
//                             the order flipping each round, and the report gives baseline rows and
//                             same-run ratios (this build / baseline) of CPU and heap per record.
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, report, type BenchRow } from './harness.js';
import { JsonLineChild } from './json-line-child.js';
import type { StallFigures } from './stall-watch.js';
import type { ArrivalFigures } from './arrival-watch.js';
import { createTopic, latency } from './vs-kafka/workloads.js';

const ROUNDS = Math.max(1, Number(process.env.LATENCY_ROUNDS ?? 3));
const SECONDS = Math.max(2, Number(process.env.LATENCY_SECONDS ?? 20));
const RATE = Math.max(100, Number(process.env.LATENCY_RATE ?? 10_000));
const SIZE = 100;
const PARTITIONS = 4;
/** Node flags for the broker child, e.g. LATENCY_BROKER_FLAGS='--trace-gc --cpu-prof' to profile it. */
const BROKER_FLAGS = (process.env.LATENCY_BROKER_FLAGS ?? '').split(' ').filter((f) => f !== '');
const ACKS: ('1' | 'all')[] = process.env.LATENCY_ACKS === '1' ? ['1'] : process.env.LATENCY_ACKS === 'all' ? ['all'] : ['1', 'all'];
const BASELINE = process.env.LATENCY_BASELINE ? resolve(process.env.LATENCY_BASELINE) : undefined;

interface BrokerReport {
  eventLoopDelayMs: { p50: number; p99: number; p999: number; p9999: number; max: number };
  gc: { count: number; totalMs: number; maxMs: number; p99Ms: number; byKind: Record<string, number> };
  cpuSeconds: number;
  /** The user-mode part of cpuSeconds (the rest is the kernel's: system calls, the loopback's TCP); absent from builds before it was added. */
  cpuUserSeconds?: number;
  /** JavaScript heap allocated and promoted to the old generation during the run (latency-broker.ts). */
  heap: { allocatedMB: number; promotedMB: number };
  /** Event-loop stalls split into the broker's own running time and its wait for a CPU (stall-watch.ts). */
  stalls: StallFigures;
  /** Produce call -> the broker's append, ms (arrival-watch.ts): the producer's share. */
  arrival: ArrivalFigures;
  /** One point per LATENCY_WINDOW_S of the run (latency-broker.ts). */
  series: { atS: number; cpuMs: number; oldSpaceMB: number; gc: { pauses: number; marks: number; maxMs: number }; stalls: { n: number; worstMs: number; runningMs: number; waitingMs: number; blockedMs: number }; arrival: { batches: number; p99: number; max: number } }[];
}

interface RunFigures {
  e2e: { p50: number; p99: number; p999: number; p9999: number; max: number };
  ack: { p50: number; p99: number; max: number };
  fsync: { p50: number; p99: number; max: number };
  offered: number;
  broker: BrokerReport;
  /** The machine's 1-minute load average at the end of the run. */
  load: number;
  /** End-to-end p99 and max per window of WINDOW_S worth of records (in the order they arrived), ms. */
  e2eSeries: { p99: number; max: number }[];
}

/** Seconds per point of the time series printed under each run. */
const WINDOW_S = Math.max(1, Number(process.env.LATENCY_WINDOW_S ?? 10));

/** The broker child: resolves once listening; `report()` asks for the figures since the last one. */
async function startBroker(dataDir: string, script: string): Promise<{ port: number; report(): Promise<BrokerReport>; stop(): Promise<void> }> {
  const { child, ready } = await JsonLineChild.start<{ port: number }>(script, [dataDir, '{}'], { label: 'latency broker', nodeArgs: BROKER_FLAGS });
  return {
    port: ready.port,
    report: () => child.ask<BrokerReport>('report'),
    stop: () => child.stop('end-stdin', 20_000),
  };
}

/** 4 KiB write + fdatasync every 10 ms into `dir` until stopped; resolves to the latencies in ms. */
function fsyncProbe(dir: string): { stop(): Promise<number[]> } {
  let running = true;
  const samples: number[] = [];
  const done = (async () => {
    const fh = await open(join(dir, 'fsync-probe'), 'w');
    const block = Buffer.alloc(4096, 1);
    try {
      let pos = 0;
      while (running) {
        const t0 = performance.now();
        await fh.write(block, 0, block.length, pos);
        await fh.datasync();
        samples.push(performance.now() - t0);
        pos = (pos + block.length) % (64 * 1024 * 1024);
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      await fh.close();
    }
    return samples;
  })();
  return {
    stop: () => {
      running = false;
      return done;
    },
  };
}

async function run(bootstrap: string, broker: { report(): Promise<BrokerReport> }, dir: string, acks: '1' | 'all', topic: string): Promise<RunFigures> {
  await createTopic(bootstrap, topic, PARTITIONS);
  await broker.report(); // start the broker's interval here
  const probe = fsyncProbe(dir);
  const lat = await latency(bootstrap, topic, RATE, SECONDS, SIZE, acks);
  const fsyncMs = await probe.stop();
  const brokerFigures = await broker.report();
  const ms = (us: number[], p: number) => percentile(us, p) / 1000;
  return {
    e2e: { p50: ms(lat.endToEndUs, 50), p99: ms(lat.endToEndUs, 99), p999: ms(lat.endToEndUs, 99.9), p9999: ms(lat.endToEndUs, 99.99), max: ms(lat.endToEndUs, 100) },
    ack: { p50: ms(lat.ackUs, 50), p99: ms(lat.ackUs, 99), max: ms(lat.ackUs, 100) },
    fsync: { p50: percentile(fsyncMs, 50), p99: percentile(fsyncMs, 99), max: percentile(fsyncMs, 100) },
    offered: lat.sent / lat.elapsedS,
    broker: brokerFigures,
    load: loadavg()[0]!,
    e2eSeries: windows(lat.endToEndUs, RATE * WINDOW_S).map((w) => ({ p99: ms(w, 99), max: ms(w, 100) })),
  };
}

/** `xs` cut into consecutive slices of `n`. */
function windows(xs: number[], n: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** One line per window: the consumer's p99/max beside the broker's point for the same stretch of the run. */
function printSeries(f: RunFigures): void {
  // The broker's windows start at the run's start, before the clients are ready: its series is
  // aligned to the consumer's from the first window that had appends (to within a window).
  const first = f.broker.series.findIndex((p) => p.arrival.batches > 0);
  const brokerSeries = first < 0 ? [] : f.broker.series.slice(first);
  const points = Math.max(f.e2eSeries.length, brokerSeries.length);
  for (let i = 0; i < points; i++) {
    const e = f.e2eSeries[i];
    const b = brokerSeries[i];
    const end2end = e ? `e2e p99 ${e.p99.toFixed(1)} max ${e.max.toFixed(1)}` : 'e2e -';
    const broker = b
      ? `arrival p99 ${b.arrival.p99} max ${b.arrival.max}; stalls ${b.stalls.n} worst ${b.stalls.worstMs} (ran ${b.stalls.runningMs} waited ${b.stalls.waitingMs} blocked ${b.stalls.blockedMs} summed); ` +
        `GC ${b.gc.pauses} (${b.gc.marks} marks) max ${b.gc.maxMs.toFixed(1)}; old space ${b.oldSpaceMB} MB; CPU ${b.cpuMs} ms`
      : 'broker -';
    console.log(`    ${String((i + 1) * WINDOW_S).padStart(4)} s: ${end2end} | ${broker}`);
  }
}

const median = (xs: number[]) => percentile(xs, 50);
/** A run's figure per record offered: less dependent on other load than the latencies (which a busy machine's scheduler dominates). */
const perRecord = (r: RunFigures, v: number) => v / (r.offered * SECONDS);
const spread = (xs: number[]) => `min ${Math.min(...xs).toFixed(2)} / median ${median(xs).toFixed(2)} / max ${Math.max(...xs).toFixed(2)}`;

/** One build's broker under test: this tree's, or LATENCY_BASELINE's. */
interface Side {
  label: string;
  script: string;
  runs: Record<'1' | 'all', RunFigures[]>;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'brook-latency-'));
  const sides: Side[] = [{ label: '', script: fileURLToPath(new URL('./latency-broker.js', import.meta.url)), runs: { '1': [], all: [] } }];
  if (BASELINE) sides.push({ label: 'baseline ', script: join(BASELINE, 'bench', 'latency-broker.js'), runs: { '1': [], all: [] } });
  const brokers: Awaited<ReturnType<typeof startBroker>>[] = [];
  try {
    for (const [i, side] of sides.entries()) {
      const broker = await startBroker(join(dir, `data-${i}`), side.script);
      brokers.push(broker);
      // Unmeasured warm-up: the JIT, the producer's metadata path, the page cache.
      const bootstrap = `127.0.0.1:${broker.port}`;
      await latency(bootstrap, await warmTopic(bootstrap), RATE, 2, SIZE, '1');
    }
    for (let round = 0; round < ROUNDS; round++) {
      const flip = round % 2 === 1;
      const sideOrder = flip ? [...sides.keys()].reverse() : [...sides.keys()];
      const order = flip ? [...ACKS].reverse() : ACKS;
      for (const s of sideOrder) {
        const side = sides[s]!;
        const broker = brokers[s]!;
        for (const acks of order) {
          const f = await run(`127.0.0.1:${broker.port}`, broker, dir, acks, `latency-r${round}-acks-${acks}`);
          side.runs[acks].push(f);
          const st = f.broker.stalls;
          console.log(
            `  round ${round + 1} ${side.label}acks=${acks} (load ${f.load.toFixed(2)}): e2e p50 ${f.e2e.p50.toFixed(2)} p99 ${f.e2e.p99.toFixed(2)} p99.9 ${f.e2e.p999.toFixed(2)} p99.99 ${f.e2e.p9999.toFixed(2)} max ${f.e2e.max.toFixed(2)} ms; ` +
              `records reached the broker p50 ${f.broker.arrival.p50} p99 ${f.broker.arrival.p99} p99.9 ${f.broker.arrival.p999} max ${f.broker.arrival.max} ms after the produce call; ack p50 ${f.ack.p50.toFixed(2)} p99 ${f.ack.p99.toFixed(2)} ms; fdatasync p50 ${f.fsync.p50.toFixed(2)} p99 ${f.fsync.p99.toFixed(2)} ms; loop delay p99 ${f.broker.eventLoopDelayMs.p99.toFixed(2)} p99.9 ${f.broker.eventLoopDelayMs.p999.toFixed(2)} max ${f.broker.eventLoopDelayMs.max.toFixed(2)} ms; ` +
              `stalls ${st.stalls} (worst ${st.worst.ms.toFixed(1)} ms: ran ${st.worst.runningMs.toFixed(1)}, waited for a CPU ${st.worst.waitingMs.toFixed(1)}, blocked ${st.worst.blockedMs.toFixed(1)}, ${st.worst.majorFaults} major faults; all stalls ran ${st.runningMs.toFixed(0)} ms, waited ${st.waitingMs.toFixed(0)} ms, blocked ${st.blockedMs.toFixed(0)} ms with ${st.stallMajorFaults} of the run's ${st.majorFaults} major page faults; run-queue wait ${st.runQueueMs.toFixed(0)} ms); ` +
              `GC ${f.broker.gc.count} pauses (${Object.entries(f.broker.gc.byKind).map(([k, n]) => `${n} ${k}`).join(', ')}), max ${f.broker.gc.maxMs.toFixed(2)} ms, total ${f.broker.gc.totalMs.toFixed(0)} ms; broker CPU ${f.broker.cpuSeconds.toFixed(2)} s (${perRecord(f, f.broker.cpuSeconds * 1e6).toFixed(1)} µs/record${f.broker.cpuUserSeconds === undefined ? '' : `, ${perRecord(f, f.broker.cpuUserSeconds * 1e6).toFixed(1)} of it user`}); ` +
              `heap allocated ${f.broker.heap.allocatedMB.toFixed(0)} MB (${perRecord(f, f.broker.heap.allocatedMB * 1048576).toFixed(0)} B/record), promoted ${f.broker.heap.promotedMB.toFixed(1)} MB; ${f.offered.toFixed(0)} records/s offered`,
          );
          if (process.env.LATENCY_SERIES !== '0') printSeries(f);
        }
      }
    }
  } finally {
    for (const broker of brokers) await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const runs = sides[0]!.runs;
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const all = runs.all;
  const one = runs['1'];
  const fsyncP99 = median([...all, ...one].map((r) => r.fsync.p99));
  for (const acks of ACKS) {
    const rs = runs[acks];
    const p99 = median(rs.map((r) => r.e2e.p99));
    rows.push({ name: `acks=${acks} end-to-end p50, ms`, value: median(rs.map((r) => r.e2e.p50)), unit: 'ms' });
    rows.push({ name: `acks=${acks} end-to-end p99, ms (vs the disk's fdatasync p99)`, value: p99, unit: 'ms', baseline: { name: 'fdatasync p99', value: fsyncP99 } });
    rows.push({ name: `acks=${acks} end-to-end p99.9, ms`, value: median(rs.map((r) => r.e2e.p999)), unit: 'ms' });
    rows.push({ name: `acks=${acks} end-to-end p99.99, ms`, value: median(rs.map((r) => r.e2e.p9999)), unit: 'ms' });
    rows.push({ name: `acks=${acks} end-to-end max, ms`, value: median(rs.map((r) => r.e2e.max)), unit: 'ms' });
    rows.push({ name: `acks=${acks} produce call -> broker append p99, ms (producer + request read)`, value: median(rs.map((r) => r.broker.arrival.p99)), unit: 'ms' });
    rows.push({ name: `acks=${acks} acknowledgement p50, ms`, value: median(rs.map((r) => r.ack.p50)), unit: 'ms' });
    rows.push({ name: `acks=${acks} acknowledgement p99, ms`, value: median(rs.map((r) => r.ack.p99)), unit: 'ms' });
    rows.push({ name: `acks=${acks} broker event-loop delay max, ms`, value: median(rs.map((r) => r.broker.eventLoopDelayMs.max)), unit: 'ms' });
    rows.push({ name: `acks=${acks} broker worst stall: ms the loop ran (Brook's own)`, value: median(rs.map((r) => r.broker.stalls.worst.runningMs)), unit: 'ms' });
    rows.push({ name: `acks=${acks} broker worst stall: ms it waited for a CPU (the machine's)`, value: median(rs.map((r) => r.broker.stalls.worst.waitingMs)), unit: 'ms' });
    rows.push({ name: `acks=${acks} broker worst stall: ms it was blocked in a system call`, value: median(rs.map((r) => r.broker.stalls.worst.blockedMs)), unit: 'ms' });
    rows.push({ name: `acks=${acks} broker GC pause max, ms`, value: median(rs.map((r) => r.broker.gc.maxMs)), unit: 'ms' });
    rows.push({ name: `acks=${acks} broker CPU per record, µs`, value: median(rs.map((r) => perRecord(r, r.broker.cpuSeconds * 1e6))), unit: 'µs' });
    rows.push({ name: `acks=${acks} broker heap allocated per record, bytes`, value: median(rs.map((r) => perRecord(r, r.broker.heap.allocatedMB * 1048576))), unit: 'B' });
    rows.push({ name: `acks=${acks} broker heap promoted per record, bytes`, value: median(rs.map((r) => perRecord(r, r.broker.heap.promotedMB * 1048576))), unit: 'B' });
    notes.push(`acks=${acks} end-to-end p99 over ${rs.length} rounds: ${spread(rs.map((r) => r.e2e.p99))} ms; max: ${spread(rs.map((r) => r.e2e.max))} ms`);
    notes.push(`acks=${acks} broker event-loop delay p99: ${spread(rs.map((r) => r.broker.eventLoopDelayMs.p99))} ms; GC pauses per run: ${spread(rs.map((r) => r.broker.gc.count))}`);
    const base = sides[1]?.runs[acks];
    if (base) {
      // This build against the baseline's broker in the same session: medians over the rounds.
      const cpu = (xs: RunFigures[]) => median(xs.map((r) => perRecord(r, r.broker.cpuSeconds * 1e6)));
      const heap = (xs: RunFigures[]) => median(xs.map((r) => perRecord(r, r.broker.heap.allocatedMB * 1048576)));
      const promoted = (xs: RunFigures[]) => median(xs.map((r) => perRecord(r, r.broker.heap.promotedMB * 1048576)));
      rows.push({ name: `acks=${acks} broker CPU per record, µs, this build vs baseline`, value: cpu(rs), unit: 'µs', baseline: { name: 'baseline', value: cpu(base) } });
      rows.push({ name: `acks=${acks} broker heap allocated per record, bytes, this build vs baseline`, value: heap(rs), unit: 'B', baseline: { name: 'baseline', value: heap(base) } });
      rows.push({ name: `acks=${acks} broker heap promoted per record, bytes, this build vs baseline`, value: promoted(rs), unit: 'B', baseline: { name: 'baseline', value: promoted(base) } });
      rows.push({ name: `acks=${acks} end-to-end p99, ms, this build vs baseline`, value: median(rs.map((r) => r.e2e.p99)), unit: 'ms', baseline: { name: 'baseline', value: median(base.map((r) => r.e2e.p99)) } });
      notes.push(`acks=${acks} baseline broker CPU per record: ${spread(base.map((r) => perRecord(r, r.broker.cpuSeconds * 1e6)))} µs, this build ${spread(rs.map((r) => perRecord(r, r.broker.cpuSeconds * 1e6)))} µs`);
      notes.push(`acks=${acks} baseline heap allocated per record: ${spread(base.map((r) => perRecord(r, r.broker.heap.allocatedMB * 1048576)))} B, this build ${spread(rs.map((r) => perRecord(r, r.broker.heap.allocatedMB * 1048576)))} B`);
    }
  }
  if (ACKS.length === 2) rows.push({ name: 'acks=all over acks=1 end-to-end p99', value: median(all.map((r) => r.e2e.p99)), unit: 'ms', baseline: { name: 'acks=1', value: median(one.map((r) => r.e2e.p99)) } });
  notes.push(`disk fdatasync (4 KiB) during the runs: p50 ${median([...all, ...one].map((r) => r.fsync.p50)).toFixed(2)} ms, p99 ${fsyncP99.toFixed(2)} ms, max ${Math.max(...[...all, ...one].map((r) => r.fsync.max)).toFixed(2)} ms`);
  if (ACKS.length === 2) notes.push(`targets (issue 17): acks=1 p99 <= 2 ms: ${median(one.map((r) => r.e2e.p99)) <= 2 ? 'met' : 'MISSED'}; acks=all p99 <= 2 x fdatasync p99: ${median(all.map((r) => r.e2e.p99)) <= 2 * fsyncP99 ? 'met' : 'MISSED'}; nothing over 50 ms: ${Math.max(...[...all, ...one].map((r) => r.e2e.max)) <= 50 ? 'met' : 'MISSED'}`);
  notes.push(`1-minute load average at the end of each run: ${spread([...all, ...one].map((r) => r.load))}`);
  if (sides[1]) notes.push(`baseline (${BASELINE}) 1-minute load average at the end of each run: ${spread([...sides[1].runs['1'], ...sides[1].runs.all].map((r) => r.load))}`);
  notes.push(`${RATE} records/s of ${SIZE} B for ${SECONDS} s per run, ${PARTITIONS} partitions, ${ROUNDS} rounds; offered ${spread([...all, ...one].map((r) => r.offered))} records/s`);
  report('latency', rows, notes);
}

async function warmTopic(bootstrap: string): Promise<string> {
  await createTopic(bootstrap, 'latency-warm-up', PARTITIONS);
  return 'latency-warm-up';
}

await main();
