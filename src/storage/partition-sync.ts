// What one partition must make durable, and the sync round that does it (the work behind each
// group commit of flusher.ts; Redpanda's segment_appender flush and Kafka's UnifiedLog.flush).
//
// The partition log tells it about every write (noteWrite) and roll (noteRoll); a round then syncs,
// in this order, before any durable append it covers is acknowledged:
//   1. the directory, when a roll created a segment file since the last round (its entry must be
//      durable before anything written to it is acknowledged);
//   2. every segment written since the last round (fdatasync);
//   3. for rolled segments: their index files, the aborted-transactions index, the directory again,
//      and the checkpoint with the recovery point moved past them.
// Rounds run one at a time (flusher.ts). A round covers what was written before it took its work:
// an fdatasync begun after a write completed covers that write. When nothing was written since the
// last round, a round syncs nothing and claims nothing.
import type { LogSegment } from './log-segment.js';
import type { PartitionState } from './partition-state.js';

export class PartitionSync {
  private readonly unsynced = new Set<LogSegment>();
  private pendingFinalize: LogSegment[] = [];
  private dirDirty = false;
  private unflushed = 0;
  private firstUnflushedMs = -1;

  constructor(
    private readonly state: PartitionState,
    /** Resolves once every append turn queued so far has finished. */
    private readonly appendsIdle: () => Promise<unknown>,
    /** Writes the partition checkpoint (log start, recovery point), serialised with other writers. */
    private readonly persistCheckpoint: () => Promise<void>,
  ) {}

  /** Records written since the last round (flush.messages counts them). */
  get unflushedMessages(): number {
    return this.unflushed;
  }

  /** `messages` records were written to `segment` at `now`. */
  noteWrite(segment: LogSegment, messages: number, now: number): void {
    this.unflushed += messages;
    this.unsynced.add(segment);
    if (this.firstUnflushedMs < 0) this.firstUnflushedMs = now;
  }

  /**
   * Segments recovered after an unclean stop whose bytes nothing has synced yet (log-loader.ts): the next round
   * syncs them, and for the inactive ones writes their indexes and moves the recovery point past them.
   */
  noteRecovered(segments: readonly LogSegment[], active: LogSegment): void {
    for (const s of segments) {
      this.unsynced.add(s);
      if (s !== active) this.pendingFinalize.push(s);
    }
  }

  /** `old` stopped being the active segment; a new segment file exists in the directory. */
  noteRoll(old: LogSegment): void {
    this.dirDirty = true;
    this.pendingFinalize.push(old);
  }

  /** Whether the oldest unflushed write is at least `flushMs` old (flush.ms). */
  flushDue(now: number, flushMs: number): boolean {
    return this.firstUnflushedMs >= 0 && now - this.firstUnflushedMs >= flushMs;
  }

  /**
   * One round; calls `taken` once it took its work, before its first sync, and resolves to the
   * offset now durable (-1 when nothing had been written since the last round took its work).
   */
  async round(taken: () => void): Promise<number> {
    const state = this.state;
    // Group commit: let appenders just released by the previous round queue their next writes,
    // and let every write already queued finish, so this one fsync covers all of them.
    await new Promise<void>((resolve) => setImmediate(resolve));
    await this.appendsIdle();
    const target = state.logEndOffset;
    const segments = [...this.unsynced];
    const dirDirty = this.dirDirty;
    const finalize = this.pendingFinalize;
    taken();
    if (segments.length === 0 && !dirDirty && finalize.length === 0) return -1;
    this.unsynced.clear();
    this.pendingFinalize = [];
    this.dirDirty = false;
    this.unflushed = 0;
    this.firstUnflushedMs = -1;
    if (dirDirty) await state.fs.syncDir(state.dir);
    for (const s of segments) await s.file.datasync();
    if (finalize.length > 0) await this.finalize(finalize, target);
    return target;
  }

  /** Step 3 for the segments rolled before a round took its work. */
  private async finalize(finalize: LogSegment[], target: number): Promise<void> {
    const state = this.state;
    for (const s of finalize) await s.writeIndexFiles();
    await state.txnIndex.sync();
    await state.fs.syncDir(state.dir);
    const all = state.segments;
    const last = all.indexOf(finalize[finalize.length - 1]!);
    const point = all[last + 1]?.baseOffset ?? target;
    if (point > state.recoveryPoint) {
      state.recoveryPoint = point;
      await this.persistCheckpoint();
    }
  }
}
