// The broker process of `npm run bench -- latency` (bench/latency.bench.ts): one Brook broker in its
// own process, watched from inside: the event loop's delay (perf_hooks.monitorEventLoopDelay, 1 ms
// resolution) and every garbage-collection pause (a PerformanceObserver on 'gc' entries). Prints one
// JSON line with the port once listening; each line "report" on stdin prints the figures since the
// previous report as one JSON line and starts a new interval (so each latency run gets its own).
// Stops cleanly when stdin closes.
//   node dist/bench/latency-broker.js <dataDir> '<config json>'
import { createInterface } from 'node:readline';
import { PerformanceObserver, monitorEventLoopDelay, type PerformanceEntry } from 'node:perf_hooks';
import { Broker } from '../src/broker/broker.js';
import { createLogger } from '../src/util/logger.js';

const [dataDir, configText] = process.argv.slice(2);
const config = JSON.parse(configText ?? '{}') as Record<string, string>;

const broker = await Broker.start({ dataDir: dataDir!, host: '127.0.0.1', port: 0, config, logger: createLogger({ level: 'error' }) });

const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
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
    }) + '\n',
  );
  delay.reset();
  gcPauses = [];
  gcByKind = {};
  cpuStart.at = process.cpuUsage();
});
lines.on('close', () => {
  gcObserver.disconnect();
  void broker.close().then(() => process.exit(0));
});
