// A broker in a child process for the share-group crash test: starts on the data dir and port given
// as arguments (port 0 picks one) and prints {"port": n}; the test SIGKILLs it (no clean shutdown).
import { Broker } from '../../src/broker/broker.js';
import { createLogger } from '../../src/util/logger.js';
import { SHARE_TEST_CONFIG } from './share-helpers.js';

const [dataDir, port] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: share-broker-child <data-dir> [port]');
const broker = await Broker.start({
  dataDir,
  host: '127.0.0.1',
  port: Number(port ?? 0),
  logger: createLogger({ level: process.env.CHILD_LOG === 'info' ? 'info' : 'warn' }),
  config: { ...SHARE_TEST_CONFIG, 'share.coordinator.state.topic.num.partitions': '3', 'offsets.topic.num.partitions': '3' },
});
process.stdout.write(JSON.stringify({ port: broker.port }) + '\n');
