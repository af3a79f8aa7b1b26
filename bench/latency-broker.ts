// The broker process of `npm run bench -- latency` (bench/latency.bench.ts): one Brook broker in its
// own process, watched from inside: the event loop's delay (perf_hooks.monitorEventLoopDelay, 10 ms
// resolution), every garbage-collection pause (a PerformanceObserver on 'gc' entries), and the bytes
// the broker allocated on the JavaScript heap and promoted to its old generation (v8.GCProfiler: heap
// use before each collection less after the previous one; old space after a scavenge less before it).
// Those two depend far less on other load on the machine than latencies do. Stalls of the event loop
// are split into time the main thread ran (Brook's own) and time it waited for a CPU (the machine's),
// stall-watch.ts. How late records reach the broker (the producer's share) is arrival-watch.ts. Prints one
// JSON line with the port once listening; each line "report" on stdin prints the figures since the
// previous report as one JSON line and starts a new interval (so each latency run gets its own).
// Stops cleanly when stdin closes.
//   node dist/bench/latency-broker.js <dataDir> '<config json>'
import { createInterface } from 'node:readline';
import { PerformanceObserver, monitorEventLoopDelay, type PerformanceEntry } from 'node:perf_hooks';
import { GCProfiler, getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { Broker } from '../src/broker/broker.js';
import { createLogger } from '../src/util/logger.js';
import { StallWatch } from './stall-watch.js';
import { ArrivalWatch } from './arrival-watch.js';

const [dataDir, configText] = process.argv.slice(2);
const config = JSON.parse(configText ?? '{}') as Record<string, string>;

const arrivals = new ArrivalWatch();
arrivals.install();
const broker = await Broker.start({ dataDir: dataDir!, host: '127.0.0.1', port: 0, config, logger: createLogger({ level: 'error' }) });

// A 10 ms sampling timer, not 1 ms: at 1 ms the monitor alone woke the broker 1,000 times a second and
// cost it ~18 ms of CPU a second (measured idle); stalls are timed by the stall watch's 5 ms tick.
// Node records each sampling interval whole (resolution + delay), so the report takes the resolution off.
const LOOP_RESOLUTION_MS = Number(process.env.LATENCY_LOOP_RESOLUTION_MS ?? 10);
const delay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
const lateMs = (ns: number): number => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
delay.enable();
const stalls = new StallWatch();
stalls.start();
let gcPauses: number[] = [];
const kinds = new Map<number, string>([
  [1, 'minor'],
  [2, 'major'],
  [4, 'incremental'],
  [8, 'weakcb'],
]);
let gcByKind: Record<string, number> = {};
/** GC in the current window of the time series: pauses, marks (full collections), longest pause. */
let windowGc = { pauses: 0, marks: 0, maxMs: 0 };
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[]) {
    gcPauses.push(e.duration);
    const kind = kinds.get(e.detail?.kind ?? 0) ?? 'other';
    gcByKind[kind] = (gcByKind[kind] ?? 0) + 1;
    windowGc.pauses++;
    if (kind === 'major' || kind === 'incremental') windowGc.marks++;
    if (e.duration > windowGc.maxMs) windowGc.maxMs = e.duration;
  }
});
gcObserver.observe({ entryTypes: ['gc'] });

process.stdout.write(JSON.stringify({ port: broker.port }) + '\n');

interface GcStat {
  gcType: string;
  beforeGC: { heapStatistics: { usedHeapSize: number }; heapSpaceStatistics: { spaceName: string; spaceUsedSize: number }[] };
  afterGC: { heapStatistics: { usedHeapSize: number }; heapSpaceStatistics: { spaceName: string; spaceUsedSize: number }[] };
}
const oldSpace = (spaces: { spaceName: string; spaceUsedSize: number }[]) => spaces.find((s) => s.spaceName === 'old_space')?.spaceUsedSize ?? 0;
let heapProfiler = new GCProfiler();
let usedAtStart = getHeapStatistics().used_heap_size;
heapProfiler.start();
/** Bytes allocated and promoted since the interval began; starts the next interval. */
function heapInterval(): { allocatedMB: number; promotedMB: number } {
  const stats = (heapProfiler.stop() as unknown as { statistics: GcStat[] }).statistics;
  const usedNow = getHeapStatistics().used_heap_size;
  let allocated = 0;
  let promoted = 0;
  let previous = usedAtStart;
  for (const st of stats) {
    allocated += Math.max(0, st.beforeGC.heapStatistics.usedHeapSize - previous);
    previous = st.afterGC.heapStatistics.usedHeapSize;
    if (st.gcType === 'Scavenge') promoted += Math.max(0, oldSpace(st.afterGC.heapSpaceStatistics) - oldSpace(st.beforeGC.heapSpaceStatistics));
  }
  allocated += Math.max(0, usedNow - previous);
  heapProfiler = new GCProfiler();
  usedAtStart = usedNow;
  heapProfiler.start();
  return { allocatedMB: allocated / 1048576, promotedMB: promoted / 1048576 };
}

// A time series over each run, one point per WINDOW_MS (LATENCY_WINDOW_S, default 10): when in a
// long run the stalls, collections and late arrivals happen, and whether old space grows.
const WINDOW_MS = Math.max(1, Number(process.env.LATENCY_WINDOW_S ?? 10)) * 1000;
interface SeriesPoint {
  atS: number;
  cpuMs: number;
  oldSpaceMB: number;
  gc: { pauses: number; marks: number; maxMs: number };
  stalls: { n: number; worstMs: number; runningMs: number; waitingMs: number; blockedMs: number };
  arrival: { batches: number; p99: number; max: number };
}
let series: SeriesPoint[] = [];
let seriesStart = performance.now();
let windowCpu = process.cpuUsage();
function seriesPoint(): void {
  const cpu = process.cpuUsage(windowCpu);
  windowCpu = process.cpuUsage();
  const st = stalls.takeWindow();
  const arr = arrivals.takeWindow();
  const old = getHeapSpaceStatistics().find((sp) => sp.space_name === 'old_space')?.space_used_size ?? 0;
  series.push({
    atS: Math.round((performance.now() - seriesStart) / 1000),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    oldSpaceMB: Math.round(old / 104857.6) / 10,
    gc: windowGc,
    stalls: { n: st.stalls, worstMs: +st.worst.ms.toFixed(1), runningMs: +st.runningMs.toFixed(1), waitingMs: +st.waitingMs.toFixed(1), blockedMs: +st.blockedMs.toFixed(1) },
    arrival: { batches: arr.batches, p99: arr.p99, max: arr.max },
  });
  windowGc = { pauses: 0, marks: 0, maxMs: 0 };
}
let seriesTimer = setInterval(seriesPoint, WINDOW_MS);

const cpuStart = { at: process.cpuUsage() };
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() !== 'report') return;
  const sorted = [...gcPauses].sort((a, b) => a - b);
  const cpu = process.cpuUsage(cpuStart.at);
  process.stdout.write(
    JSON.stringify({
      eventLoopDelayMs: {
        p50: lateMs(delay.percentile(50)),
        p99: lateMs(delay.percentile(99)),
        p999: lateMs(delay.percentile(99.9)),
        p9999: lateMs(delay.percentile(99.99)),
        max: lateMs(delay.max),
      },
      gc: {
        count: sorted.length,
        totalMs: sorted.reduce((a, b) => a + b, 0),
        maxMs: sorted[sorted.length - 1] ?? 0,
        p99Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0,
        byKind: gcByKind,
      },
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      cpuUserSeconds: cpu.user / 1e6,
      heap: heapInterval(),
      stalls: stalls.take(),
      arrival: arrivals.take(),
      series,
    }) + '\n',
  );
  // The next run's series starts here.
  clearInterval(seriesTimer);
  series = [];
  seriesStart = performance.now();
  windowCpu = process.cpuUsage();
  stalls.takeWindow();
  arrivals.takeWindow();
  windowGc = { pauses: 0, marks: 0, maxMs: 0 };
  seriesTimer = setInterval(seriesPoint, WINDOW_MS);
  delay.reset();
  gcPauses = [];
  gcByKind = {};
  cpuStart.at = process.cpuUsage();
});
lines.on('close', () => {
  gcObserver.disconnect();
  clearInterval(seriesTimer);
  stalls.stop();
  heapProfiler.stop();
  void broker.close().then(() => process.exit(0));
});
