// The log cleaner: compaction of one partition's non-active segments (Kafka's LogCleaner.Cleaner,
// Redpanda's compaction). One pass over a cleanable prefix of segments (cleaning-schedule.ts):
//
//   1. map pass: read every batch of the range (CRC-checked, decompressed) and remember, per key,
//      the offset of its latest record, and per producer id the base offset of its last batch;
//   2. groups: consecutive segments whose sizes add up to at most segment.bytes (and whose offsets
//      fit int32 relative offsets) become one cleaned segment each, as Kafka groups them;
//   3. per group: every batch goes through cleanBatch (cleaner-batch.ts: latest record per key,
//      tombstones until their delete horizon, control batches kept) into `<base>.log.cleaned`,
//      which is then fdatasynced and swapped in (segment-swap.ts: the crash-safety protocol).
//      A single-segment group where nothing changed is not rewritten.
//
// Concurrency: the pass reads only non-active, flushed segments, so appends (which touch only
// the active segment) never wait for it. Old segments are acquired for the whole pass so
// retention cannot close them underneath. Each swap runs in the partition's exclusive section
// (the one retention and DeleteRecords use) and first checks that its group is still in the log
// (DeleteRecords or retention may have removed it meanwhile: the cleaned file is then dropped).
// The in-memory replacement of the segment list is synchronous, so a read sees either the old
// segments or the new one; reads that hold old segments keep their open files (segment-list.ts).
import type { Logger } from '../util/logger.js';
import { batchIsControl, batchProducerId, batchRecordCount } from '../protocol/records/batch-header.js';
import { forEachRecord } from '../protocol/records/record-reader.js';
import { scanBatches } from './batch-scan.js';
import { cleanBatch } from './cleaner-batch.js';
import type { FileHandle, FileSystem } from './fs/file-system.js';
import type { LogConfig } from './log-config.js';
import { LogSegment } from './log-segment.js';
import type { SegmentOptions } from './log-segment.js';
import { acquireFrom } from './segment-list.js';
import { CLEANED_LOG_SUFFIX, commitCleanedSegment, completeSwap } from './segment-swap.js';
import { segmentPath } from './segment-files.js';
import { StorageError } from './storage-error.js';

/** What the cleaner needs of the partition log it cleans. */
export interface CleanerHost {
  readonly fs: FileSystem;
  readonly dir: string;
  readonly logger: Logger;
  readonly config: LogConfig;
  readonly segmentOptions: SegmentOptions;
  /** The current segment list (never mutated in place; see segment-list.ts). */
  segments(): readonly LogSegment[];
  /** Runs `fn` with no retention/DeleteRecords/other swap interleaved. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Synchronously puts `replacement` where the consecutive `old` segments are; false if they are gone. */
  replaceSegments(old: readonly LogSegment[], replacement: LogSegment): boolean;
  /** An I/O error after a swap committed: the partition must go offline (recovery finishes the swap). */
  fail(cause: unknown): StorageError;
}

export interface CompactionResult {
  segmentsCleaned: number;
  segmentsWritten: number;
  bytesRead: number;
  bytesWritten: number;
  recordsRemoved: number;
  batchesRemoved: number;
  /** Earliest delete horizon of a kept tombstone (-1: none): the next clean due for it. */
  deleteHorizonDueMs: number;
}

/** Bytes of cleaned output buffered before a write. */
const WRITE_CHUNK = 1 << 20;
/** Relative offsets are int32 in the indexes (as Kafka's LogCleaner.groupSegmentsBySize checks). */
const MAX_OFFSET_SPAN = 0x7fff_0000;

/**
 * Cleans the first `count` segments of `all` (a snapshot of the host's segment list, taken and
 * acquired by the caller before it planned the pass) at time `now`.
 */
export async function cleanSegments(host: CleanerHost, all: readonly LogSegment[], count: number, now: number): Promise<CompactionResult> {
  const range = all.slice(0, count);
  const release = acquireFrom(range, 0);
  try {
    const { latest, lastBatchOfProducer, recordsTotal } = await buildOffsetMap(range);
    const result: CompactionResult = {
      segmentsCleaned: 0,
      segmentsWritten: 0,
      bytesRead: 0,
      bytesWritten: 0,
      recordsRemoved: 0,
      batchesRemoved: 0,
      deleteHorizonDueMs: -1,
    };
    let keptRecords = 0;
    for (const group of groupSegments(range, all, host.config.segmentBytes)) {
      const g = await cleanGroup(host, group, now, latest, lastBatchOfProducer);
      result.bytesRead += g.bytesRead;
      keptRecords += g.keptRecords;
      result.batchesRemoved += g.batchesRemoved;
      if (g.deleteHorizonDueMs >= 0 && (result.deleteHorizonDueMs < 0 || g.deleteHorizonDueMs < result.deleteHorizonDueMs)) {
        result.deleteHorizonDueMs = g.deleteHorizonDueMs;
      }
      if (g.swapped) {
        result.segmentsCleaned += group.length;
        result.segmentsWritten++;
        result.bytesWritten += g.bytesWritten;
      }
    }
    result.recordsRemoved = recordsTotal - keptRecords;
    host.logger.info('cleaned log', { dir: host.dir, ...result });
    return result;
  } finally {
    release();
  }
}

interface OffsetMap {
  /** Key bytes (as a latin1 string, one char per byte) -> offset of its latest record. */
  latest: Map<string, number>;
  lastBatchOfProducer: Map<number, number>;
  recordsTotal: number;
}

async function buildOffsetMap(range: readonly LogSegment[]): Promise<OffsetMap> {
  const latest = new Map<string, number>();
  const lastBatchOfProducer = new Map<number, number>();
  let recordsTotal = 0;
  for (const seg of range) {
    const scan = await scanBatches(seg.file, 0, seg.size, { verifyCrc: true, minBaseOffset: seg.baseOffset }, (b) => {
      const pid = batchProducerId(b.buf, b.bufPos);
      if (pid >= 0) lastBatchOfProducer.set(pid, b.baseOffset);
      if (batchIsControl(b.buf, b.bufPos)) return;
      forEachRecord(
        b.buf.subarray(b.bufPos, b.bufPos + b.size),
        0,
        (r) => {
          recordsTotal++;
          if (r.key !== null) latest.set(r.key.toString('latin1'), r.offset);
        },
        { verifyCrc: false },
      );
    });
    if (scan.problem) throw new StorageError('storage-error', `cannot clean ${seg.path('.log')}: ${scan.problem} at byte ${scan.validEnd}`);
  }
  return { latest, lastBatchOfProducer, recordsTotal };
}

/** Consecutive segments of at most `maxBytes` together (at least one each). */
function groupSegments(range: readonly LogSegment[], all: readonly LogSegment[], maxBytes: number): LogSegment[][] {
  const groups: LogSegment[][] = [];
  let i = 0;
  while (i < range.length) {
    const group = [range[i]!];
    let bytes = range[i]!.size;
    while (i + group.length < range.length) {
      const next = range[i + group.length]!;
      const end = all[i + group.length + 1]!.baseOffset; // all has the active segment after range
      if (bytes + next.size > maxBytes || end - group[0]!.baseOffset > MAX_OFFSET_SPAN) break;
      group.push(next);
      bytes += next.size;
    }
    groups.push(group);
    i += group.length;
  }
  return groups;
}

interface GroupResult {
  swapped: boolean;
  bytesRead: number;
  bytesWritten: number;
  keptRecords: number;
  batchesRemoved: number;
  deleteHorizonDueMs: number;
}

async function cleanGroup(
  host: CleanerHost,
  group: readonly LogSegment[],
  now: number,
  latest: Map<string, number>,
  lastBatchOfProducer: Map<number, number>,
): Promise<GroupResult> {
  const { fs, dir } = host;
  const base = group[0]!.baseOffset;
  const cleanedPath = segmentPath(dir, base, CLEANED_LOG_SUFFIX);
  const out = await fs.open(cleanedPath, 'create');
  const r: GroupResult = { swapped: false, bytesRead: 0, bytesWritten: 0, keptRecords: 0, batchesRemoved: 0, deleteHorizonDueMs: -1 };
  let changed = false;
  let committed = false;
  let open = true;
  try {
    await out.truncate(0);
    for (const seg of group) {
      const lastOfGroup = seg === group[group.length - 1];
      let pos = 0;
      while (pos < seg.size) {
        const pending: Buffer[] = [];
        let pendingBytes = 0;
        const scan = await scanBatches(seg.file, pos, seg.size, { verifyCrc: false, minBaseOffset: 0 }, (b) => {
          const batch = b.buf.subarray(b.bufPos, b.bufPos + b.size);
          const pid = batchProducerId(batch, 0);
          const retainEmpty = (pid >= 0 && lastBatchOfProducer.get(pid) === b.baseOffset) || (lastOfGroup && b.position + b.size === seg.size);
          const c = cleanBatch(batch, 0, {
            isLatest: (key, offset) => latest.get(key.toString('latin1')) === offset,
            nowMs: now,
            deleteRetentionMs: host.config.deleteRetentionMs,
            retainEmpty,
          });
          if (c.kind === 'removed') {
            changed = true;
            r.batchesRemoved++;
          } else {
            const kept = c.kind === 'unchanged' ? Buffer.from(batch) : c.batch;
            if (c.kind === 'rewritten') changed = true;
            if (!batchIsControl(kept, 0)) r.keptRecords += batchRecordCount(kept, 0);
            pending.push(kept);
            pendingBytes += kept.length;
            if (c.deleteHorizonMs >= 0 && (r.deleteHorizonDueMs < 0 || c.deleteHorizonMs < r.deleteHorizonDueMs)) r.deleteHorizonDueMs = c.deleteHorizonMs;
          }
          return pendingBytes < WRITE_CHUNK;
        });
        if (scan.problem) throw new StorageError('storage-error', `cannot clean ${seg.path('.log')}: ${scan.problem}`);
        if (pendingBytes > 0) {
          await out.writev(pending, r.bytesWritten);
          r.bytesWritten += pendingBytes;
        }
        r.bytesRead += scan.validEnd - pos;
        pos = scan.validEnd;
      }
    }
    if (!changed && group.length === 1) {
      open = false;
      await discard(fs, out, cleanedPath);
      return r;
    }
    await out.datasync();
    open = false;
    await out.close();
    r.swapped = await host.exclusive(async () => {
      if (!stillInLog(host.segments(), group)) return false;
      await commitCleanedSegment(fs, dir, base);
      committed = true;
      try {
        await completeSwap(
          fs,
          dir,
          base,
          group.map((s) => s.baseOffset),
        );
        const seg = await LogSegment.open(fs, dir, base, now, host.segmentOptions);
        await seg.rebuildIndexes(false);
        await seg.writeIndexFiles();
        await fs.syncDir(dir);
        if (!host.replaceSegments(group, seg)) throw new Error('segment list changed inside the exclusive section');
      } catch (e) {
        throw host.fail(e);
      }
      for (const old of group) await old.retire();
      return true;
    });
    if (!r.swapped) await fs.unlink(cleanedPath).catch(() => {});
    return r;
  } catch (e) {
    if (!committed) {
      if (open) await out.close().catch(() => {});
      await fs.unlink(cleanedPath).catch(() => {});
    }
    throw e;
  }
}

function stillInLog(segments: readonly LogSegment[], group: readonly LogSegment[]): boolean {
  const i = segments.indexOf(group[0]!);
  return i >= 0 && i + group.length < segments.length && group.every((s, k) => segments[i + k] === s);
}

async function discard(fs: FileSystem, file: FileHandle, path: string): Promise<void> {
  await file.close();
  await fs.unlink(path);
}
