// Opening partition logs with test configs and a fake clock.
import { join } from 'node:path';
import { memoryLogger } from '../../../src/util/logger.js';
import type { LogRecord } from '../../../src/util/logger.js';
import type { FileSystem } from '../../../src/storage/fs/file-system.js';
import { resolveLogConfig } from '../../../src/storage/log-config.js';
import type { ConfigValues } from '../../../src/storage/log-config.js';
import { PartitionLog } from '../../../src/storage/partition-log.js';
import type { HighWatermarkPolicy } from '../../../src/storage/partition-log.js';

export class FakeClock {
  constructor(public ms = 1_700_000_000_000) {}
  now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface TestLogOptions {
  config?: ConfigValues;
  clean?: boolean;
  clock?: FakeClock;
  policy?: HighWatermarkPolicy;
  tailCacheBytes?: number;
}

export async function openTestLog(fs: FileSystem, root: string, o: TestLogOptions = {}): Promise<{ log: PartitionLog; lines: LogRecord[] }> {
  const { logger, records } = memoryLogger();
  const log = await PartitionLog.open({
    fs,
    dir: join(root, 'topic-0'),
    config: resolveLogConfig({}, o.config ?? {}),
    cleanShutdown: o.clean ?? false,
    now: (o.clock ?? new FakeClock()).now,
    logger,
    highWatermarkPolicy: o.policy ?? 'durable',
    tailCacheBytes: o.tailCacheBytes ?? 0,
  });
  return { log, lines: records };
}

/** Reads the whole log from `from` to the high watermark as a list of batches. */
export async function readAll(log: PartitionLog, from = log.logStartOffset, maxBytes = 1 << 20): Promise<Buffer[]> {
  const out: Buffer[] = [];
  let offset = from;
  while (offset < log.highWatermark) {
    const r = await log.read(offset, maxBytes);
    if (r.kind !== 'records') throw new Error(`unexpected ${r.kind} at ${offset}`);
    if (r.chunks.length === 0) break;
    for (const c of r.chunks) {
      for (let p = 0; p < c.length; ) {
        const size = 12 + c.readInt32BE(p + 8);
        out.push(c.subarray(p, p + size));
        p += size;
      }
    }
    offset = r.nextOffset;
  }
  return out;
}
