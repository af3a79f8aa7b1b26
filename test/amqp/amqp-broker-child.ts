// A broker with the AMQP listener in a child process for the kill -9 test: starts on the data dir
// given (AMQP port from the second argument, 0 picks one) and prints {"port": n, "amqpPort": m};
// the test SIGKILLs it (no clean shutdown). With a third argument `hold-queue-syncs` the lines "hold" and "release"
// on stdin hold and release the queue logs' fdatasyncs (held-sync-fs.ts), each answered with
// {"ev":"held"} / {"ev":"released"}.
import { createInterface } from 'node:readline';
import { Broker } from '../../src/broker/broker.js';
import { createLogger } from '../../src/util/logger.js';
import { HeldSyncFileSystem } from './held-sync-fs.js';

const [dataDir, amqpPort, mode] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: amqp-broker-child <data-dir> [amqp-port [hold-queue-syncs]]');
const heldFs = mode === 'hold-queue-syncs' ? new HeldSyncFileSystem() : undefined;
const broker = await Broker.start({
  dataDir,
  ...(heldFs ? { fs: heldFs } : {}),
  host: '127.0.0.1',
  port: 0,
  amqpPort: Number(amqpPort ?? 0),
  logger: createLogger({ level: process.env.CHILD_LOG === 'info' ? 'info' : 'warn' }),
  config: { 'offsets.topic.num.partitions': '3' },
});
process.stdout.write(JSON.stringify({ ev: 'started', port: broker.port, amqpPort: broker.amqpPort }) + '\n');
if (heldFs) {
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() === 'hold') heldFs.hold();
    else if (line.trim() === 'release') heldFs.release();
    else return;
    process.stdout.write(JSON.stringify({ ev: line.trim() === 'hold' ? 'held' : 'released', heldSyncs: heldFs.heldSyncs }) + '\n');
  });
}
// SIGTERM: a clean stop (the benchmark's profiling runs need the process to exit normally).
process.once('SIGTERM', () => void broker.close().then(() => process.exit(0)));
