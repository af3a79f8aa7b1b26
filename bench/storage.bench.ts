// Storage benchmark: the partition log against plain file I/O on the same disk, in the same run.
//  - append of 16 KiB batches: non-durable (one fsync at the end) and durable with 1/8/64 concurrent
//    appenders (group commit) vs. plain sequential writes of the same bytes with one fdatasync per
//    1/8/64 writes;
//  - read of the whole log from the page cache (1 MiB reads) vs. plain sequential 1 MiB reads;
//  - recovery of a 1 GiB log after an unclean stop, recovery point at the start vs. near the end;
//  - one compaction pass over 64 MiB of keyed batches (10% of keys live) vs. a plain read of them.
// Bounded (fixed byte counts), and removes its temp dir.
import fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildRecordBatch } from '../src/protocol/records/batch-builder.js';
import { NodeFileSystem } from '../src/storage/fs/node-file-system.js';
import { resolveLogConfig } from '../src/storage/log-config.js';
import { writeCheckpoint } from '../src/storage/partition-checkpoint.js';
import { PartitionLog } from '../src/storage/partition-log.js';
import { report } from './harness.js';
import type { BenchRow } from './harness.js';

const writev = promisify(fs.writev);
const read = promisify(fs.read);
const fdatasync = promisify(fs.fdatasync);
const BATCH = 16 * 1024;
const root = mkdtempSync(join(tmpdir(), 'brook-storage-bench-'));
const nfs = new NodeFileSystem();

const template = buildRecordBatch([{ value: Buffer.alloc(BATCH - 61 - 20, 7) }], { timestamp: 1_700_000_000_000 });
// A pool larger than the tail cache, so cached buffers are never rewritten while cached.
const pool = Array.from({ length: 128 }, () => Buffer.from(template));
let poolNext = 0;
const nextBatch = (): Buffer => pool[poolNext++ % pool.length]!;

let dirs = 0;
async function openLog(config: Record<string, string> = {}, clean = true): Promise<PartitionLog> {
  return PartitionLog.open({ fs: nfs, dir: join(root, `t-${dirs++}`), config: resolveLogConfig({}, config), cleanShutdown: clean });
}

/** Seconds to write `n` batches plainly, fdatasync every `every` writes (and once at the end). */
async function plainWrite(n: number, every: number): Promise<number> {
  const fd = fs.openSync(join(root, `plain-${dirs++}`), 'w');
  const start = performance.now();
  let pos = 0;
  for (let i = 0; i < n; i++) {
    await writev(fd, [nextBatch()], pos);
    pos += template.length;
    if ((i + 1) % every === 0) await fdatasync(fd);
  }
  await fdatasync(fd);
  const s = (performance.now() - start) / 1000;
  fs.closeSync(fd);
  return s;
}

/** Seconds to append `n` batches with `concurrency` appenders. */
async function logAppend(n: number, durable: boolean, concurrency: number): Promise<{ s: number; rounds: number; log: PartitionLog }> {
  const log = await openLog();
  let left = n;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) await log.append(nextBatch(), { durable });
    }),
  );
  await log.flush();
  return { s: (performance.now() - start) / 1000, rounds: log.flushRounds, log };
}

const rows: BenchRow[] = [];
const notes: string[] = [];
const mbps = (n: number, s: number): number => (n * template.length) / s / 1e6;

try {
  // Append: run each pair twice and keep the better time of each (less noise from the disk).
  const cases = [
    { name: 'append non-durable', n: 4096, durable: false, c: 1, every: Infinity },
    { name: 'append durable x1', n: 512, durable: true, c: 1, every: 1 },
    { name: 'append durable x8', n: 2048, durable: true, c: 8, every: 8 },
    { name: 'append durable x64', n: 4096, durable: true, c: 64, every: 64 },
  ];
  let readLogDir = '';
  for (const k of cases) {
    let best = Infinity;
    let bestPlain = Infinity;
    let rounds = 0;
    let every = k.every;
    for (let rep = 0; rep < 2; rep++) {
      const r = await logAppend(k.n, k.durable, k.c);
      // Non-durable appends still flush in the background (the high watermark follows the flush):
      // the plain write gets the same fsync cadence as the log's measured flush rounds.
      if (!k.durable) every = Math.max(1, Math.ceil(k.n / Math.max(1, r.rounds - 1)));
      bestPlain = Math.min(bestPlain, await plainWrite(k.n, every));
      if (r.s < best) {
        best = r.s;
        rounds = r.rounds;
      }
      await r.log.close();
      if (!k.durable) readLogDir = r.log.dir;
    }
    rows.push({ name: k.name, value: mbps(k.n, best), unit: 'MB/s', baseline: { name: `plain write, fdatasync/${every}`, value: mbps(k.n, bestPlain) }, targetRatio: 0.8 });
    notes.push(`${k.name}: ${k.n} x 16 KiB batches, ${rounds} flush rounds`);
  }

  // Read the non-durable run's log (64 MiB, in the page cache) with 1 MiB reads, and the same file plainly.
  const log = await PartitionLog.open({ fs: nfs, dir: readLogDir, config: resolveLogConfig({}, {}), cleanShutdown: true, tailCacheBytes: 0 });
  const logFile = join(readLogDir, '00000000000000000000.log');
  let bestRead = Infinity;
  let bestPlainRead = Infinity;
  let bytes = 0;
  for (let rep = 0; rep < 3; rep++) {
    let start = performance.now();
    const fd = fs.openSync(logFile, 'r');
    let pos = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(1 << 20);
      const { bytesRead } = await read(fd, buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
    }
    fs.closeSync(fd);
    bestPlainRead = Math.min(bestPlainRead, (performance.now() - start) / 1000);
    start = performance.now();
    let offset = 0;
    bytes = 0;
    while (offset < log.highWatermark) {
      const r = await log.read(offset, 1 << 20);
      if (r.kind !== 'records') throw new Error('unexpected out of range');
      bytes += r.bytes;
      offset = r.nextOffset;
    }
    bestRead = Math.min(bestRead, (performance.now() - start) / 1000);
  }
  await log.close();
  rows.push({ name: 'read whole log (1 MiB reads)', value: bytes / bestRead / 1e6, unit: 'MB/s', baseline: { name: 'plain sequential read', value: bytes / bestPlainRead / 1e6 }, targetRatio: 0.8 });

  // Recovery of a 1 GiB log (8 segments of 128 MiB) after an unclean stop.
  const big = await openLog({ 'segment.bytes': String(128 << 20) });
  const total = Math.ceil((1 << 30) / template.length);
  for (let i = 0; i < total; i++) await big.append(nextBatch(), { durable: false });
  await big.close();
  const lastBase = big.segmentBaseOffsets[big.segmentBaseOffsets.length - 1]!;
  const recover = async (recoveryPoint: number): Promise<number> => {
    await writeCheckpoint(nfs, big.dir, { logStartOffset: 0, recoveryPoint });
    const start = performance.now();
    const l = await PartitionLog.open({ fs: nfs, dir: big.dir, config: resolveLogConfig({}, { 'segment.bytes': String(128 << 20) }), cleanShutdown: false });
    const s = (performance.now() - start) / 1000;
    if (l.logEndOffset !== total) throw new Error(`recovery lost data: ${l.logEndOffset} != ${total}`);
    await l.close();
    return s;
  };
  const fromStart = await recover(0);
  const nearEnd = await recover(lastBase);
  rows.push({ name: 'recover 1 GiB, recovery point near the end', value: nearEnd * 1000, unit: 'ms', baseline: { name: 'recovery point at the start', value: fromStart * 1000 } });
  notes.push(`full recovery scans ${((1 << 30) / fromStart / 1e6).toFixed(0)} MB/s (CRC-32C of every batch, from the page cache)`);

  // Compaction: 64 MiB of 16-record batches of 1 KiB values over 4096 keys, 16 MiB segments.
  const compactCfg = { 'cleanup.policy': 'compact', 'segment.bytes': String(16 << 20) };
  const compacted = await openLog(compactCfg);
  const keyed = (n: number): Buffer =>
    buildRecordBatch(
      Array.from({ length: 16 }, (_, i) => ({ key: Buffer.from(`key-${(n * 16 + i) % 4096}`), value: Buffer.alloc(1024, i) })),
      { timestamp: 1_700_000_000_000 },
    );
  let written = 0;
  for (let n = 0; written < 72 << 20; n++) {
    const b = keyed(n);
    written += b.length;
    await compacted.append(b, { durable: false });
  }
  await compacted.flush(); // the first 64 MiB (4 segments) are now cleanable; the rest is active
  // Baseline: a plain read of the segment files the pass will read (all but the active one).
  const inputs = fs.readdirSync(compacted.dir).filter((f) => f.endsWith('.log')).sort().slice(0, -1);
  let plainBytes = 0;
  let plainS = performance.now();
  for (const name of inputs) plainBytes += fs.readFileSync(join(compacted.dir, name)).length;
  plainS = (performance.now() - plainS) / 1000;
  const cleanStart = performance.now();
  const pass = await compacted.compact();
  const cleanS = (performance.now() - cleanStart) / 1000;
  if (!pass) throw new Error('the compaction pass did not run');
  await compacted.close();
  rows.push({ name: 'compaction pass (MB/s cleaned)', value: pass.bytesRead / cleanS / 1e6, unit: 'MB/s', baseline: { name: 'plain read of the same segments', value: plainBytes / plainS / 1e6 } });
  notes.push(`compaction: ${(pass.bytesRead / 1e6).toFixed(0)} MB in ${pass.segmentsCleaned} segments -> ${(pass.bytesWritten / 1e6).toFixed(1)} MB, ${pass.recordsRemoved} records removed`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
report('storage', rows, notes);
