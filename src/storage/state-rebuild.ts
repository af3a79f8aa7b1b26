// Rebuilding an owner's state (the broker's producer state) inside recovery's own pass over the log,
// so that after a crash nobody reads the log a second time to rebuild it (Kafka's LogLoader rebuilds
// producer state right after recovering the segments, too).
//
// Storage knows nothing of the state itself; the owner gives recovery a StateRebuilder:
//
//   start(newest usable snapshot S, or none)   the owner decodes it; false means "unreadable", and
//                                             recovery tries the next older snapshot (logged)
//   visit(batch) for every batch, in order    recovery's CRC-checked rescan of the unflushed segments;
//                                             when S lies below the rescan, first a framing-only
//                                             scan of the flushed segments from S up to it
//   finish()                                  the state as of the recovered log end, as a snapshot
//                                             payload, plus the ABORT markers seen (owner's entries
//                                             for the aborted-transactions index)
//
// The result is a snapshot at the recovered log end kept in memory (PartitionLog.readStateSnapshot
// returns it); it is not written: the next crash rescans these segments anyway, and a clean shutdown
// writes the owner's own snapshot. Index entries a crash lost are re-added at once.
//
// When the rebuild is not done (a clean start, no rebuilder, a truncation below S, or more flushed
// bytes between S and the rescan than a segment holds), the owner replays the log itself on first
// use, as before: nothing here is needed for correctness, only for speed.
import type { Logger } from '../util/logger.js';
import { scanBatches } from './batch-scan.js';
import type { FileSystem } from './fs/file-system.js';
import type { LogConfig } from './log-config.js';
import type { LogSegment } from './log-segment.js';
import { segmentIndexFor } from './segment-list.js';
import { listStateSnapshots, readStateSnapshotAt } from './state-snapshots.js';
import type { StateSnapshot } from './state-snapshots.js';
import type { AbortedTxnEntry } from './transaction-index.js';

export interface RebuiltState {
  payload: Buffer;
  /** Aborted transactions whose ABORT marker the rebuild saw (re-indexed when missing). */
  aborted: AbortedTxnEntry[];
}

export interface StateRebuilder {
  /**
   * Begins from `snapshot` (null: from the log start) for batches whose last offset is >= `from`. Returns false when
   * the payload cannot be used (the caller then tries an older snapshot).
   */
  start(snapshot: StateSnapshot | null, from: number): boolean;
  /** One stored batch at buf[pos...]: whole, framing checked; valid only during the call. */
  visit(buf: Buffer, pos: number): void;
  finish(): RebuiltState;
}

/** Makes a rebuilder for one partition (its directory and topic config). */
export type StateRebuilderFactory = (dir: string, config: LogConfig) => StateRebuilder;

/** A rebuild in progress during recovery (log-loader.ts drives it). */
export class RecoveryRebuild {
  /** Offset of the snapshot it started from (-1: none). */
  snapshotOffset = -1;
  private failed = false;

  private constructor(
    private readonly rebuilder: StateRebuilder,
    private readonly logger: Logger,
  ) {}

  /**
   * Starts from the newest snapshot the rebuilder accepts, after replaying the flushed segments between it and
   * `segments[rescanFrom]`; null when that gap is larger than `maxGapBytes` (the owner's first use replays instead).
   */
  static async begin(
    fs: FileSystem,
    dir: string,
    rebuilder: StateRebuilder,
    segments: readonly LogSegment[],
    rescanFrom: number,
    logStartOffset: number,
    maxGapBytes: number,
    logger: Logger,
  ): Promise<RecoveryRebuild | null> {
    let snapshot: StateSnapshot | null = null;
    for (const offset of await listStateSnapshots(fs, dir)) {
      const s = await readStateSnapshotAt(fs, dir, offset);
      if (s && rebuilder.start(s, Math.max(offset, logStartOffset))) {
        snapshot = s;
        break;
      }
      logger.warn('a producer-state snapshot is unreadable; trying an older one', { dir, offset });
    }
    const from = Math.max(snapshot?.offset ?? 0, logStartOffset);
    if (!snapshot) rebuilder.start(null, from);
    const gapFrom = segmentIndexFor(segments, from);
    let gapBytes = 0;
    for (let i = Math.max(gapFrom, 0); i < rescanFrom; i++) gapBytes += segments[i]!.size;
    if (gapBytes > maxGapBytes) {
      logger.info('producer state left to a replay on first use: the newest snapshot is far below the recovery point', { dir, from, gapBytes });
      return null;
    }
    const rebuild = new RecoveryRebuild(rebuilder, logger);
    rebuild.snapshotOffset = snapshot?.offset ?? -1;
    for (let i = Math.max(gapFrom, 0); i < rescanFrom && !rebuild.failed; i++) {
      const seg = segments[i]!;
      // Flushed segments: framing only (recovery does not CRC-check below the recovery point either).
      const scan = await scanBatches(seg.file, 0, seg.size, { verifyCrc: false, minBaseOffset: seg.baseOffset }, (b) => rebuilder.visit(b.buf, b.bufPos));
      if (scan.problem !== null) rebuild.fail(`${seg.baseOffset}: ${scan.problem}`);
    }
    return rebuild;
  }

  /** The rescan's visitor for one batch it accepted. */
  readonly visit = (buf: Buffer, pos: number): void => {
    if (!this.failed) this.rebuilder.visit(buf, pos);
  };

  /** Something the rebuild saw is not part of the recovered log (a truncation, a bad segment). */
  fail(why: string): void {
    if (this.failed) return;
    this.failed = true;
    this.logger.info('producer state left to a replay on first use', { reason: why });
  }

  /** The rebuilt state at `logEnd`, or null when the rebuild failed or its snapshot lies past the log end. */
  finish(logEnd: number): (RebuiltState & { offset: number }) | null {
    if (this.failed || this.snapshotOffset > logEnd) return null;
    return { ...this.rebuilder.finish(), offset: logEnd };
  }
}
