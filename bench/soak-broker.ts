// The broker process of `npm run bench -- soak` (bench/soak.bench.ts): one Brook broker in its own
// process, so its resident memory and open file descriptors are its own. Prints one JSON line with
// the port once listening, then one sample line every `intervalMs`: RSS, heap, open fds, event-loop
// delay (p99 and max over the interval) and the network layer's buffered bytes. Each sample is taken
// after a full garbage collection (the process runs with --expose-gc), so the heap and external
// figures are what is live, not what V8 has not collected yet. Stops cleanly on SIGTERM or when stdin
// closes.
//   node dist/bench/soak-broker.js <dataDir> <intervalMs> '<config json>'
import { readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Broker } from '../src/broker/broker.js';
import { createLogger } from '../src/util/logger.js';

const [dataDir, intervalText, configText] = process.argv.slice(2);
const intervalMs = Number(intervalText ?? 10_000);
const config = JSON.parse(configText ?? '{}') as Record<string, string>;

const broker = await Broker.start({ dataDir: dataDir!, host: '127.0.0.1', port: 0, config, logger: createLogger({ level: 'error' }) });
process.stdout.write(JSON.stringify({ port: broker.port }) + '\n');

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const collect = (globalThis as { gc?: () => void }).gc;
const timer = setInterval(() => {
  collect?.();
  const mem = process.memoryUsage();
  const net = broker.networkStats();
  const sample = {
    t: Date.now(),
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    external: mem.external,
    arrayBuffers: mem.arrayBuffers,
    fds: readdirSync('/proc/self/fd').length,
    eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
    eventLoopDelayMaxMs: delay.max / 1e6,
    bufferedBytes: net.bufferedBytes,
    connections: net.connections,
    alarm: broker.state.resources.alarm.active,
  };
  delay.reset();
  process.stdout.write(JSON.stringify(sample) + '\n');
}, intervalMs);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  await broker.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
