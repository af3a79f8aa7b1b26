// Storage benchmark: the partition log against plain file I/O on the same disk, in the same run.
//  - append of 16 KiB batches: non-durable (one fsync at the end) and durable with 1/8/64 concurrent
//    appenders (group commit) vs. plain sequential writes of the same bytes with one fdatasync per
//    1/8/64 writes;
//  - read of the whole log from the page cache (1 MiB reads) vs. plain sequential 1 MiB reads;
//  - recovery of a 1 GiB log after an unclean stop, recovery point at the start vs. near the end;
//  - one compaction pass over 64 MiB of keyed batches (10% of keys live) vs. a plain read of them.
// Bounded (fixed byte counts, a fixed number of repetitions), and removes its temp dir.
//
// Why interleaved medians: on a virtual disk both Brook and the plain baseline move by ±50%
// between runs, so one best-of-two could flip a ratio. Each comparison runs Brook and its
// baseline alternately REPS times (alternating which goes first, so neither always gets the
// warmer disk), reports the median of each and the ratio of the medians, and notes the spread.
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
  const file = join(root, `plain-${dirs++}`);
  const fd = fs.openSync(file, 'w');
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
  rmSync(file); // bounded disk use across repetitions
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

/** Repetitions of each comparison: odd, so the median is one measured run. BENCH_REPS overrides (1..9). */
const REPS = Math.min(9, Math.max(1, Number(process.env.BENCH_REPS ?? 5) || 5));

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const fmt = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(n >= 1 ? 2 : 3));
const span = (xs: readonly number[]): string => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;

/** A row from interleaved samples (same unit for both sides): medians, plus the samples themselves in the JSON. */
interface SampledRow extends BenchRow {
  runs: number;
  samples: { value: number[]; baseline: number[] };
  spread: { value: [number, number]; baseline: [number, number]; ratio: [number, number] };
}

function sampledRow(name: string, unit: string, value: number[], baselineName: string, baseline: number[], targetRatio?: number): SampledRow {
  const ratios = value.map((v, i) => v / baseline[i]!);
  const row: SampledRow = {
    name,
    value: median(value),
    unit,
    baseline: { name: baselineName, value: median(baseline) },
    runs: value.length,
    samples: { value, baseline },
    spread: { value: [Math.min(...value), Math.max(...value)], baseline: [Math.min(...baseline), Math.max(...baseline)], ratio: [Math.min(...ratios), Math.max(...ratios)] },
  };
  if (targetRatio !== undefined) row.targetRatio = targetRatio;
  notes.push(`${name}: median of ${value.length} interleaved runs; ${unit} ${span(value)} vs baseline ${span(baseline)}; per-pair ratio x${span(ratios)}`);
  return row;
}

/** Runs `brook` and `plain` alternately REPS times, swapping which goes first each time. */
async function interleaved(brook: () => Promise<number>, plain: () => Promise<number>): Promise<{ value: number[]; baseline: number[] }> {
  const value: number[] = [];
  const baseline: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    if (rep % 2 === 0) {
      value.push(await brook());
      baseline.push(await plain());
    } else {
      baseline.push(await plain());
      value.push(await brook());
    }
  }
  return { value, baseline };
}

const rows: BenchRow[] = [];
const notes: string[] = [];
const mbps = (n: number, s: number): number => (n * template.length) / s / 1e6;

try {
  // Append: each case interleaved with its plain write.
  const cases = [
    { name: 'append non-durable', n: 4096, durable: false, c: 1, every: Infinity },
    { name: 'append durable x1', n: 512, durable: true, c: 1, every: 1 },
    { name: 'append durable x8', n: 2048, durable: true, c: 8, every: 8 },
    { name: 'append durable x64', n: 4096, durable: true, c: 64, every: 64 },
  ];
  let readLogDir = '';
  for (const k of cases) {
    const rounds: number[] = [];
    let every = k.every;
    const brook = async (): Promise<number> => {
      const r = await logAppend(k.n, k.durable, k.c);
      // Non-durable appends still flush in the background (the high watermark follows the flush):
      // the plain write gets the same fsync cadence as the log's measured flush rounds.
      if (!k.durable) every = Math.max(1, Math.ceil(k.n / Math.max(1, r.rounds - 1)));
      rounds.push(r.rounds);
      await r.log.close();
      // Keep one non-durable log for the read comparison; drop the rest (bounded disk use).
      if (!k.durable && readLogDir === '') readLogDir = r.log.dir;
      else rmSync(r.log.dir, { recursive: true, force: true });
      return mbps(k.n, r.s);
    };
    // Brook goes first in the first repetition, so the non-durable plain cadence is known.
    const { value, baseline } = await interleaved(brook, async () => mbps(k.n, await plainWrite(k.n, every)));
    rows.push(sampledRow(k.name, 'MB/s', value, `plain write, fdatasync/${every}`, baseline, 0.8));
    notes.push(`${k.name}: ${k.n} x 16 KiB batches, ${Math.min(...rounds)}–${Math.max(...rounds)} flush rounds`);
  }

  // Read the non-durable run's log (64 MiB, in the page cache) with 1 MiB reads, and the same file plainly.
  const log = await PartitionLog.open({ fs: nfs, dir: readLogDir, config: resolveLogConfig({}, {}), cleanShutdown: true, tailCacheBytes: 0 });
  const logFile = join(readLogDir, '00000000000000000000.log');
  const plainRead = async (): Promise<number> => {
    const start = performance.now();
    const fd = fs.openSync(logFile, 'r');
    let pos = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(1 << 20);
      const { bytesRead } = await read(fd, buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
    }
    fs.closeSync(fd);
    return pos / ((performance.now() - start) / 1000) / 1e6;
  };
  const logRead = async (): Promise<number> => {
    const start = performance.now();
    let offset = 0;
    let bytes = 0;
    while (offset < log.highWatermark) {
      const r = await log.read(offset, 1 << 20);
      if (r.kind !== 'records') throw new Error('unexpected out of range');
      bytes += r.bytes;
      offset = r.nextOffset;
    }
    return bytes / ((performance.now() - start) / 1000) / 1e6;
  };
  await plainRead(); // warm-up: both sides then read from the page cache
  const reads = await interleaved(logRead, plainRead);
  await log.close();
  rows.push(sampledRow('read whole log (1 MiB reads)', 'MB/s', reads.value, 'plain sequential read', reads.baseline, 0.8));

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
  const recovery = await interleaved(async () => (await recover(lastBase)) * 1000, async () => (await recover(0)) * 1000);
  rows.push(sampledRow('recover 1 GiB, recovery point near the end', 'ms', recovery.value, 'recovery point at the start', recovery.baseline));
  notes.push(`full recovery scans ${((1 << 30) / (median(recovery.baseline) / 1000) / 1e6).toFixed(0)} MB/s (CRC-32C of every batch, from the page cache)`);
  rmSync(big.dir, { recursive: true, force: true });

  // Compaction: 64 MiB of 16-record batches of 1 KiB values over 4096 keys, 16 MiB segments. A pass
  // rewrites its log, so each repetition writes a fresh one, then times a plain read of the
  // segments the pass will read (all but the active one), then the pass itself.
  const compactCfg = { 'cleanup.policy': 'compact', 'segment.bytes': String(16 << 20) };
  const keyed = (n: number): Buffer =>
    buildRecordBatch(
      Array.from({ length: 16 }, (_, i) => ({ key: Buffer.from(`key-${(n * 16 + i) % 4096}`), value: Buffer.alloc(1024, i) })),
      { timestamp: 1_700_000_000_000 },
    );
  const cleaned: number[] = [];
  const plainCompactRead: number[] = [];
  let lastPass: NonNullable<Awaited<ReturnType<PartitionLog['compact']>>> | undefined;
  for (let rep = 0; rep < REPS; rep++) {
    const compacted = await openLog(compactCfg);
    let written = 0;
    for (let n = 0; written < 72 << 20; n++) {
      const b = keyed(n);
      written += b.length;
      await compacted.append(b, { durable: false });
    }
    await compacted.flush(); // the first 64 MiB (4 segments) are now cleanable; the rest is active
    const inputs = fs.readdirSync(compacted.dir).filter((f) => f.endsWith('.log')).sort().slice(0, -1);
    const plain = (): void => {
      let plainBytes = 0;
      const start = performance.now();
      for (const name of inputs) plainBytes += fs.readFileSync(join(compacted.dir, name)).length;
      plainCompactRead.push(plainBytes / ((performance.now() - start) / 1000) / 1e6);
    };
    const clean = async (): Promise<void> => {
      const start = performance.now();
      const pass = await compacted.compact();
      const s = (performance.now() - start) / 1000;
      if (!pass) throw new Error('the compaction pass did not run');
      cleaned.push(pass.bytesRead / s / 1e6);
      lastPass = pass;
    };
    // Always plain first: the pass replaces the very segment files the baseline reads.
    plain();
    await clean();
    await compacted.close();
    rmSync(compacted.dir, { recursive: true, force: true });
  }
  rows.push(sampledRow('compaction pass (MB/s cleaned)', 'MB/s', cleaned, 'plain read of the same segments', plainCompactRead));
  const pass = lastPass!;
  notes.push(`compaction: ${(pass.bytesRead / 1e6).toFixed(0)} MB in ${pass.segmentsCleaned} segments -> ${(pass.bytesWritten / 1e6).toFixed(1)} MB, ${pass.recordsRemoved} records removed`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
report('storage', rows, notes);
