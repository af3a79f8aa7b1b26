// A broker in a child process for the crash tests: starts on the data dir given as the first
// argument, prints {"port": n} once it listens, and runs until killed (SIGKILL: no clean shutdown).
import { Broker } from '../../../src/broker/broker.js';
import { createLogger } from '../../../src/util/logger.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: broker-child <data-dir>');
const broker = await Broker.start({
  dataDir,
  host: '127.0.0.1',
  port: 0,
  logger: createLogger({ level: 'warn' }),
  config: { 'group.initial.rebalance.delay.ms': '0' },
});
process.stdout.write(JSON.stringify({ port: broker.port }) + '\n');
