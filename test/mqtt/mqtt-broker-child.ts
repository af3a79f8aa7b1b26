// A broker with its MQTT listener in a child process, for the kill -9 test: starts on the data dir given
// as the first argument (free ports) and prints {"port": n, "mqttPort": m}; the test SIGKILLs it.
import { Broker } from '../../src/broker/broker.js';
import { createLogger } from '../../src/util/logger.js';

const [dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: mqtt-broker-child <data-dir>');
const broker = await Broker.start({
  dataDir,
  host: '127.0.0.1',
  port: 0,
  mqttPort: 0,
  logger: createLogger({ level: process.env.CHILD_LOG === 'info' ? 'info' : 'warn' }),
  config: { 'brook.mqtt.max.queued.messages': '100000', 'offsets.topic.num.partitions': '1' },
});
process.stdout.write(JSON.stringify({ port: broker.port, mqttPort: broker.mqttPort }) + '\n');
