// LogLoader: opens a partition directory and brings it to a consistent state (Kafka's LogLoader).
//
// After a clean shutdown the files are trusted: indexes load lazily and are still checked against
// the log when they do. After an unclean stop, every segment from the one holding the persisted
// recovery point onward is rescanned with full checks (length, magic, CRC-32C, base offsets
// increasing); the first bad batch ends the log: the segment is truncated there and later segments
// are deleted, and each drop is logged with its bytes and offsets. Segments before the recovery
// point were flushed with their indexes before it advanced, so they are not rescanned; a framing
// error found there later by a read is reported as a storage error, never served. The same pass
// rebuilds the owner's state (the broker's producer state) when given a rebuilder (state-rebuild.ts).
//
// Before any of that, a compaction swap interrupted by a crash is rolled back (uncommitted
// `.cleaned` files) or finished (committed `.swap` files): see segment-swap.ts.
import { dirname, join } from 'node:path';
import type { Logger } from '../util/logger.js';
import type { FileSystem } from './fs/file-system.js';
import { LogSegment } from './log-segment.js';
import type { SegmentOptions } from './log-segment.js';
import { readCheckpoint, writeCheckpoint } from './partition-checkpoint.js';
import { DELETED_SUFFIX, INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX, TMP_SUFFIX, parseLogFileName } from './segment-files.js';
import { finishInterruptedSwaps } from './segment-swap.js';
import { RecoveryRebuild } from './state-rebuild.js';
import type { RebuiltState, StateRebuilder } from './state-rebuild.js';
import { deleteStateSnapshotsAbove } from './state-snapshots.js';

export interface LoadedLog {
  segments: LogSegment[];
  logStartOffset: number;
  recoveryPoint: number;
  /** What recovery dropped, for callers and tests (also logged). */
  recovery: RecoveryReport;
  /**
   * Segments recovery scanned and kept whose bytes may still be only in the page cache (the killed process wrote
   * them, nothing synced them). The recovery point stays below them until a sync round has made them durable.
   */
  unsyncedRecovered: LogSegment[];
  /** The owner's state rebuilt in the rescan, as of the recovered log end (state-rebuild.ts), or null. */
  rebuiltState: (RebuiltState & { offset: number }) | null;
  /** The partition directory did not exist: a new, empty partition. */
  created: boolean;
}

/** What recovery may do besides the log itself (state-rebuild.ts). */
export interface RecoveryExtras {
  /**
   * Leave recovered segments' unsynced bytes to the log's first sync round (unsyncedRecovered) rather than
   * fdatasync them before returning. Not when consumers may see only durable data (high watermark policy
   * 'durable'): the recovered bytes are visible as soon as the log opens.
   */
  deferRecoverySync?: boolean;
  /** Rebuilds the owner's state in the same pass (state-rebuild.ts). */
  stateRebuilder?: StateRebuilder | undefined;
  /** The rebuild is skipped when more flushed bytes than this lie between its snapshot and the rescan. */
  maxRebuildGapBytes?: number;
}

export interface RecoveryReport {
  clean: boolean;
  segmentsScanned: number;
  bytesTruncated: number;
  segmentsDeleted: number;
  /** One line per cut: where, and why. */
  problems: string[];
  /** Compaction swaps interrupted by a crash and finished on open (segment-swap.ts). */
  swapsCompleted: number;
}

export async function loadLog(
  fs: FileSystem,
  dir: string,
  clean: boolean,
  nowMs: number,
  options: SegmentOptions,
  extras: RecoveryExtras = {},
): Promise<LoadedLog> {
  const deferRecoverySync = extras.deferRecoverySync ?? false;
  const log: Logger = options.logger;
  const created = !(await fs.isDirectory(dir));
  if (created) {
    // A new partition: its directory entry must be durable before anything in it is acknowledged.
    await fs.mkdir(dir);
    await fs.syncDir(dirname(dir));
  }
  const swapsCompleted = await finishInterruptedSwaps(fs, dir, log);
  const names = await fs.readdir(dir);
  const bases: number[] = [];
  for (const name of names) {
    if (name.endsWith(DELETED_SUFFIX) || name.endsWith(TMP_SUFFIX)) {
      await fs.unlink(join(dir, name));
      continue;
    }
    const base = parseLogFileName(name);
    if (base !== null) bases.push(base);
  }
  bases.sort((a, b) => a - b);
  const cp = await readCheckpoint(fs, dir);
  if (cp === 'invalid') log.warn('partition checkpoint is corrupt; recovering the whole log', { dir });
  const checkpoint = cp === null || cp === 'invalid' ? null : cp;
  const report: RecoveryReport = { clean, segmentsScanned: 0, bytesTruncated: 0, segmentsDeleted: 0, problems: [], swapsCompleted };

  const segments: LogSegment[] = [];
  for (const base of bases) segments.push(await LogSegment.open(fs, dir, base, nowMs, options));
  if (segments.length === 0) {
    const start = checkpoint?.logStartOffset ?? 0;
    segments.push(await LogSegment.create(fs, dir, start, nowMs, options));
    await fs.syncDir(dir);
    return { segments, logStartOffset: start, recoveryPoint: start, recovery: report, unsyncedRecovered: [], rebuiltState: null, created };
  }

  const recoverFromOffset = clean && checkpoint ? Infinity : (checkpoint?.recoveryPoint ?? 0);
  const startedMs = performance.now();
  const unsyncedRecovered: LogSegment[] = [];
  let first = segments.length - 1;
  if (recoverFromOffset !== Infinity) {
    while (first > 0 && segments[first]!.baseOffset > recoverFromOffset) first--;
  }
  let rebuild: RecoveryRebuild | null = null;
  if (recoverFromOffset === Infinity) {
    // Clean: only the active segment needs its in-memory state now.
    await segments[segments.length - 1]!.loadIndexes();
  } else {
    if (extras.stateRebuilder) {
      const logStart = Math.max(checkpoint?.logStartOffset ?? 0, segments[0]!.baseOffset);
      const maxGap = extras.maxRebuildGapBytes ?? 0;
      rebuild = await RecoveryRebuild.begin(fs, dir, extras.stateRebuilder, segments, first, logStart, maxGap, log);
    }
    let expected = first > 0 ? -1 : 0;
    for (let i = first; i < segments.length; i++) {
      const seg = segments[i]!;
      report.segmentsScanned++;
      const sizeBefore = seg.size;
      const badStart = expected > seg.baseOffset;
      // The rebuild sees exactly the batches recovery keeps: the scan stops at the first bad one.
      const scan = await seg.rebuildIndexes(true, badStart ? undefined : rebuild?.visit);
      if (scan.problem === null && !badStart) {
        // A killed process leaves its writes in the page cache. They are made durable by the log's first sync round,
        // in the background, not here: an fdatasync of a segment of unsynced acks=1 writes may take a second per GiB
        // before the broker could listen. Until that round the recovery point stays at or below this segment, so a
        // crash before it scans the segment again (Kafka also leaves its recovery point behind after recovering).
        if (deferRecoverySync) unsyncedRecovered.push(seg);
        else await seg.file.datasync();
        expected = seg.nextOffset;
        continue;
      }
      const why = badStart ? `segment base ${seg.baseOffset} overlaps the previous segment` : scan.problem!;
      const cut = badStart ? 0 : scan.validEnd;
      report.problems.push(`${seg.path(LOG_SUFFIX)} at byte ${cut}: ${why}`);
      report.bytesTruncated += sizeBefore - cut;
      log.warn('recovery truncated a torn or corrupt log tail', {
        segment: seg.path(LOG_SUFFIX),
        position: cut,
        bytesDropped: sizeBefore - cut,
        keptUpToOffset: seg.nextOffset,
        reason: why,
      });
      await seg.truncateTo(cut, badStart ? seg.baseOffset : scan.nextOffset);
      await seg.file.datasync();
      for (const later of segments.splice(i + 1)) {
        report.segmentsDeleted++;
        report.bytesTruncated += later.size;
        log.warn('recovery deleted a segment after the truncation point', { segment: later.path(LOG_SUFFIX), bytes: later.size });
        await later.close();
        await deleteSegmentFiles(fs, later);
      }
      break;
    }
    // Recovered inactive segments get fresh index files now; the active one keeps them in memory.
    for (let i = first; i < segments.length - 1; i++) await segments[i]!.writeIndexFiles();
    await fs.syncDir(dir);
    // How long the rescan took (with the rebuild), for the recovery figures in docs/performance.md.
    const scanMs = Math.round(performance.now() - startedMs);
    if (report.problems.length === 0) log.info('recovered partition after an unclean shutdown', { dir, segmentsScanned: report.segmentsScanned, scanMs });
  }
  const active = segments[segments.length - 1]!;
  await active.loadFirstBatchTimestamp();
  const logStartOffset = Math.min(Math.max(checkpoint?.logStartOffset ?? 0, segments[0]!.baseOffset), active.nextOffset);
  // The active segment's index files go stale with the first append: recovery restarts there -- or at the first
  // recovered segment not yet synced (one that a truncation deleted is gone from the list).
  const kept = unsyncedRecovered.filter((seg) => segments.includes(seg));
  const recoveryPoint = kept.length > 0 ? kept[0]!.baseOffset : active.baseOffset;
  await writeCheckpoint(fs, dir, { logStartOffset, recoveryPoint });
  let rebuiltState: LoadedLog['rebuiltState'] = null;
  if (recoverFromOffset !== Infinity) {
    await deleteStateSnapshotsAbove(fs, dir, active.nextOffset, log);
    rebuiltState = rebuild?.finish(active.nextOffset) ?? null;
    if (rebuiltState) log.info('rebuilt producer state during recovery', { dir, snapshotOffset: rebuild!.snapshotOffset, logEnd: rebuiltState.offset });
  }
  return { segments, logStartOffset, recoveryPoint, recovery: report, unsyncedRecovered: kept, rebuiltState, created };
}

/** Removes a segment's three files (missing ones are fine). */
export async function deleteSegmentFiles(fs: FileSystem, seg: LogSegment): Promise<void> {
  for (const suffix of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
    const p = seg.path(suffix);
    if (await fs.exists(p)) await fs.unlink(p);
  }
}
