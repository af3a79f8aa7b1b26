// Child process of the real crash test: appends durable one-record batches to a partition log on
// the real filesystem, 4 in flight, and prints "ack <offset>" for each acknowledgement, until it is
// killed. The record value is derived from the offset the batch will get, so the parent can check
// every byte after reopening. Usage: node crash-child.js <data-dir>
import { NodeFileSystem } from '../../src/storage/fs/node-file-system.js';
import { resolveLogConfig } from '../../src/storage/log-config.js';
import { PartitionLog } from '../../src/storage/partition-log.js';
import { join } from 'node:path';
import { valueFor } from './helpers/crash-values.js';
import { buildBatch } from './helpers/batches.js';

const dir = join(process.argv[2]!, 'topic-0');
const log = await PartitionLog.open({
  fs: new NodeFileSystem(),
  dir,
  config: resolveLogConfig({}, { 'segment.bytes': 64 * 1024, 'index.interval.bytes': 1024 }),
  cleanShutdown: false,
});
let next = log.logEndOffset;
const appendOne = async (): Promise<void> => {
  for (;;) {
    const offset = next++;
    const r = await log.append(buildBatch([{ value: valueFor(offset), timestamp: 1_700_000_000_000 + offset }]), { durable: true });
    if (r.baseOffset !== offset) throw new Error(`expected offset ${offset}, got ${r.baseOffset}`);
    process.stdout.write(`ack ${offset}\n`);
  }
};
process.stdout.write(`ready ${next}\n`);
await Promise.all([appendOne(), appendOne(), appendOne(), appendOne()]);
