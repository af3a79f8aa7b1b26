// A broker with the AMQP listener in a child process for the kill -9 test: starts on the data dir
// given (AMQP port from the second argument, 0 picks one) and prints {"port": n, "amqpPort": m};
// the test SIGKILLs it (no clean shutdown).
import { Broker } from '../../src/broker/broker.js';
import { createLogger } from '../../src/util/logger.js';

const [dataDir, amqpPort] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: amqp-broker-child <data-dir> [amqp-port]');
const broker = await Broker.start({
  dataDir,
  host: '127.0.0.1',
  port: 0,
  amqpPort: Number(amqpPort ?? 0),
  logger: createLogger({ level: process.env.CHILD_LOG === 'info' ? 'info' : 'warn' }),
  config: { 'offsets.topic.num.partitions': '3' },
});
process.stdout.write(JSON.stringify({ ev: 'started', port: broker.port, amqpPort: broker.amqpPort }) + '\n');
// SIGTERM: a clean stop (the benchmark's profiling runs need the process to exit normally).
process.once('SIGTERM', () => void broker.close().then(() => process.exit(0)));
