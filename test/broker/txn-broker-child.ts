// A broker in a child process for the transaction crash test: starts on the data dir given as the
// first argument and prints {"port": n}. With `crash-on-prepare-commit` as the second argument it
// SIGKILLs itself right after a PrepareCommit record is durable and before any marker is written —
// the window in which only recovery can finish the transaction.
import { Broker } from '../../src/broker/broker.js';
import { createLogger } from '../../src/util/logger.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: txn-broker-child <data-dir> [crash-on-prepare-commit]');
const broker = await Broker.start({
  dataDir,
  host: '127.0.0.1',
  port: 0,
  logger: createLogger({ level: 'warn' }),
  config: { 'group.initial.rebalance.delay.ms': '0', 'transaction.state.log.num.partitions': '4', 'offsets.topic.num.partitions': '4' },
});
if (process.argv[3] === 'crash-on-prepare-commit') {
  broker.state.transactions.hooks.afterPrepare = (m) => {
    if (m.state === 'PrepareCommit') process.kill(process.pid, 'SIGKILL');
  };
}
process.stdout.write(JSON.stringify({ port: broker.port }) + '\n');
