// Replacing cleaned segments on disk, crash-safe (Kafka's UnifiedLog.replaceSegments and the
// swap-file handling of its LogLoader, with one commit point).
//
// A group of consecutive old segments S1..Sk (S1's base offset B) is replaced by one cleaned
// segment with the same base B that ends at the same offset (the cleaner always keeps the group's
// last batch, possibly as an empty header, so the cleaned segment's next offset equals Sk's; that
// is what lets recovery know which old segments a swap file replaces). Steps:
//
//   1. write B.log.cleaned, fdatasync it                  (the cleaner)
//   2. rename B.log.cleaned -> B.log.swap, fsync dir       <- COMMIT POINT
//   3. unlink S1..Sk (.log, .index, .timeindex), fsync dir
//   4. rename B.log.swap -> B.log, fsync dir
//   5. write B.index and B.timeindex (derived data, rebuilt from B.log if missing or torn)
//
// State found on open                                 | recovery (finishInterruptedSwaps)
// ----------------------------------------------------+-------------------------------------------
// B.log.cleaned (complete or torn), no B.log.swap     | unlink it: the old segments are all there
//   (crash in 1, or in 2 before the rename was synced)|   and the log is the uncleaned one
// B.log.swap, some or all of S1..Sk still present     | the swap committed: scan B.log.swap for its
//   (crash after 2, in 3 or before 4 was synced)      |   next offset N, unlink every .log/.index/
//                                                     |   .timeindex with base in [B, N), rename
//                                                     |   B.log.swap -> B.log, fsync dir
// B.log (new), no index files or torn ones (crash 5)  | nothing special: missing or inconsistent
//                                                     |   indexes are rebuilt from the log on load
//
// Either way the log read after a crash is wholly the uncleaned or wholly the cleaned version of
// the group, never a mix: the only state with both old and new data present has a .swap file,
// and the swap file always wins. The cleaned file's bytes are durable before the rename that
// commits it, so a committed swap never holds a torn segment.
//
// Open handles: old segments' files are unlinked while in-flight reads may still hold them; POSIX
// (and the memory filesystem) keep an unlinked file readable through an open handle, and a
// retired segment closes its handle only when its last reader releases it. This is also why Brook
// does not need file.delete.delay.ms (Kafka delays deletes for readers that hold no reference).
import { join } from 'node:path';
import type { Logger } from '../util/logger.js';
import { scanBatches } from './batch-scan.js';
import type { FileSystem } from './fs/file-system.js';
import { LOG_SUFFIX, SWAP_SUFFIX, CLEANED_SUFFIX, parseSegmentFileName, segmentPath } from './segment-files.js';

export const CLEANED_LOG_SUFFIX = LOG_SUFFIX + CLEANED_SUFFIX;
export const SWAP_LOG_SUFFIX = LOG_SUFFIX + SWAP_SUFFIX;

/** Step 2: the commit point. The cleaned file must already be fdatasynced. */
export async function commitCleanedSegment(fs: FileSystem, dir: string, baseOffset: number): Promise<void> {
  await fs.rename(segmentPath(dir, baseOffset, CLEANED_LOG_SUFFIX), segmentPath(dir, baseOffset, SWAP_LOG_SUFFIX));
  await fs.syncDir(dir);
}

/** Steps 3 and 4: removes the replaced segments' files and installs the swap file as B.log. */
export async function completeSwap(fs: FileSystem, dir: string, baseOffset: number, replacedBases: readonly number[]): Promise<void> {
  for (const base of replacedBases) {
    for (const suffix of [LOG_SUFFIX, '.index', '.timeindex']) {
      const p = segmentPath(dir, base, suffix);
      if (await fs.exists(p)) await fs.unlink(p);
    }
  }
  await fs.syncDir(dir);
  await fs.rename(segmentPath(dir, baseOffset, SWAP_LOG_SUFFIX), segmentPath(dir, baseOffset, LOG_SUFFIX));
  await fs.syncDir(dir);
}

/**
 * On open, before segments are listed: rolls back uncommitted cleanings and finishes committed
 * swaps (see the table above). Returns how many swaps it finished.
 */
export async function finishInterruptedSwaps(fs: FileSystem, dir: string, logger: Logger): Promise<number> {
  const names = await fs.readdir(dir);
  let finished = 0;
  let dirty = false;
  for (const name of names) {
    if (name.endsWith(CLEANED_SUFFIX)) {
      logger.warn('removing an unfinished cleaned segment', { file: join(dir, name) });
      await fs.unlink(join(dir, name));
      dirty = true;
    }
  }
  for (const name of names) {
    if (!name.endsWith(SWAP_LOG_SUFFIX)) continue;
    const base = parseSegmentFileName(name.slice(0, -SWAP_SUFFIX.length))?.baseOffset;
    if (base === undefined) continue;
    const f = await fs.open(join(dir, name), 'read');
    let next: number;
    try {
      const scan = await scanBatches(f, 0, await f.size(), { verifyCrc: true, minBaseOffset: base }, () => {});
      if (scan.problem) logger.error('a committed swap segment does not scan cleanly', { file: join(dir, name), problem: scan.problem });
      next = scan.nextOffset;
    } finally {
      await f.close();
    }
    const replaced = new Set<number>();
    for (const other of names) {
      const parsed = parseSegmentFileName(other);
      if (parsed && parsed.baseOffset >= base && parsed.baseOffset < Math.max(next, base + 1)) replaced.add(parsed.baseOffset);
    }
    logger.warn('finishing an interrupted segment swap', { file: join(dir, name), replaces: [...replaced].join(',') });
    await completeSwap(fs, dir, base, [...replaced]);
    finished++;
  }
  if (dirty) await fs.syncDir(dir);
  return finished;
}
