// The broker process of `npm run bench -- latency` (bench/latency.bench.ts): one Brook broker in its
// own process, watched from inside: the event loop's delay (perf_hooks.monitorEventLoopDelay, 1 ms
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
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { Broker } from '../src/broker/broker.js';
import { createLogger } from '../src/util/logger.js';
import { StallWatch } from './stall-watch.js';
import { ArrivalWatch } from './arrival-watch.js';

const [dataDir, configText] = process.argv.slice(2);
const config = JSON.parse(configText ?? '{}') as Record<string, string>;

const arrivals = new ArrivalWatch();
arrivals.install();
const broker = await Broker.start({ dataDir: dataDir!, host: '127.0.0.1', port: 0, config, logger: createLogger({ level: 'error' }) });

const delay = monitorEventLoopDelay({ resolution: 1 });
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
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[]) {
    gcPauses.push(e.duration);
    const kind = kinds.get(e.detail?.kind ?? 0) ?? 'other';
    gcByKind[kind] = (gcByKind[kind] ?? 0) + 1;
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

const cpuStart = { at: process.cpuUsage() };
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() !== 'report') return;
  const sorted = [...gcPauses].sort((a, b) => a - b);
  const cpu = process.cpuUsage(cpuStart.at);
  process.stdout.write(
    JSON.stringify({
      eventLoopDelayMs: {
        p50: delay.percentile(50) / 1e6,
        p99: delay.percentile(99) / 1e6,
        p999: delay.percentile(99.9) / 1e6,
        p9999: delay.percentile(99.99) / 1e6,
        max: delay.max / 1e6,
      },
      gc: {
        count: sorted.length,
        totalMs: sorted.reduce((a, b) => a + b, 0),
        maxMs: sorted[sorted.length - 1] ?? 0,
        p99Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0,
        byKind: gcByKind,
      },
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      heap: heapInterval(),
      stalls: stalls.take(),
      arrival: arrivals.take(),
    }) + '\n',
  );
  delay.reset();
  gcPauses = [];
  gcByKind = {};
  cpuStart.at = process.cpuUsage();
});
lines.on('close', () => {
  gcObserver.disconnect();
  stalls.stop();
  heapProfiler.stop();
  void broker.close().then(() => process.exit(0));
});
