// The broker process of `npm run bench -- produce-ceiling` (bench/produce-ceiling.bench.ts): a plain
// Brook broker in its own process, so its CPU time can be read apart from the client's, with nothing
// watching it from inside. Prints one JSON line with the port and pid once listening; each line
// "stats" on stdin prints {"produceRequests": n} (Produce requests answered so far); stops cleanly
// when stdin closes.
//   node dist/bench/produce-broker.js <dataDir> '<config json>' [<dist dir of another build>]
// The optional third argument loads the broker from another build's dist directory (a copy of an
// earlier dist), so two builds can be alternated in one run.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type * as BrokerModule from '../src/broker/broker.js';
import type * as LoggerModule from '../src/util/logger.js';

const [dataDir, configText, distDir] = process.argv.slice(2);
const root = distDir ?? fileURLToPath(new URL('..', import.meta.url));
const { Broker } = (await import(join(root, 'src/broker/broker.js'))) as typeof BrokerModule;
const { silentLogger } = (await import(join(root, 'src/util/logger.js'))) as typeof LoggerModule;
const config = JSON.parse(configText ?? '{}') as Record<string, string>;
const broker = await Broker.start({ dataDir: dataDir!, host: '127.0.0.1', port: 0, config, logger: silentLogger });
process.stdout.write(JSON.stringify({ port: broker.port, pid: process.pid }) + '\n');
const PRODUCE = 0;
const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  if (line.trim() === 'stats') process.stdout.write(JSON.stringify({ produceRequests: broker.state.metrics.requestsAnswered(PRODUCE) }) + '\n');
});
commands.on('close', () => {
  void broker.close().then(() => process.exit(0));
});
