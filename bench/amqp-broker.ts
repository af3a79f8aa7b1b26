// The Brook side of the AMQP benchmark, as its own process (as `brook start` would run): a broker
// with the AMQP listener on a free port in the data dir given. Prints {"ev":"started",...}; on
// the line "stats" from stdin prints the event-loop delay seen since the previous "stats"
// ({"ev":"stats","p50":ms,"p99":ms,"max":ms,"utilization":0..1,"cpuUserUs":µs,"cpuSystemUs":µs}); on SIGTERM closes cleanly, so a
// run under `node --cpu-prof` writes its profile.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Broker } from '../src/broker/broker.js';
import { createLogger } from '../src/util/logger.js';

const [dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: amqp-broker <data-dir>');
const broker = await Broker.start({
  dataDir,
  host: '127.0.0.1',
  port: 0,
  amqpPort: 0,
  logger: createLogger({ level: 'warn' }),
  config: { 'offsets.topic.num.partitions': '1' },
});
const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
let elu = performance.eventLoopUtilization();
let cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ ev: 'started', amqpPort: broker.amqpPort }) + '\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'stats') return;
  const now = performance.eventLoopUtilization();
  const used = performance.eventLoopUtilization(now, elu);
  elu = now;
  const cpuUsed = process.cpuUsage(cpu);
  cpu = process.cpuUsage();
  const ms = (ns: number): number => ns / 1e6;
  process.stdout.write(
    JSON.stringify({
      ev: 'stats',
      p50: ms(delay.percentile(50)),
      p99: ms(delay.percentile(99)),
      max: ms(delay.max),
      utilization: used.utilization,
      // CPU time of the whole process (every thread: the loop, the thread pool, GC helpers), µs.
      cpuUserUs: cpuUsed.user,
      cpuSystemUs: cpuUsed.system,
    }) + '\n',
  );
  delay.reset();
});
process.once('SIGTERM', () => void broker.close().then(() => process.exit(0)));
