// One partition's compaction driver: decides when a pass is due (cleaning-schedule.ts), runs it
// (log-cleaner.ts) and persists where the dirty part now starts (cleaner-checkpoint.ts). Kafka
// splits this between LogCleanerManager (which log, which offsets) and LogCleaner (the pass);
// Brook cleans each log from its own maintenance, so one small driver per partition suffices.
//
// At most one pass runs per partition; concurrent requests share it. The checkpoint is written
// after the pass's last swap, so a crash in between only means the next pass sees that range as
// dirty again and cleans it once more (cleaning is idempotent: a clean log cleans to itself).
import { planCleaning } from './cleaning-schedule.js';
import { readCleanerCheckpoint, writeCleanerCheckpoint } from './cleaner-checkpoint.js';
import type { CleanerCheckpoint } from './cleaner-checkpoint.js';
import { cleanSegments } from './log-cleaner.js';
import type { CleanerHost } from './log-cleaner.js';
import type { CompactionPass } from './partition-log-types.js';
import type { PartitionState } from './partition-state.js';
import { acquireFrom } from './segment-list.js';

export interface CompactionHost extends CleanerHost {
  readonly logStartOffset: number;
  /** min(recovery point, high watermark): only flushed, finalized segments are cleaned. */
  readonly flushedUpTo: number;
}

export class PartitionCompactor {
  private running: Promise<CompactionPass | null> | null = null;
  private state: CleanerCheckpoint | null = null;

  constructor(private readonly host: CompactionHost) {}

  compact(now: number): Promise<CompactionPass | null> {
    if (!this.host.config.compacted) return Promise.resolve(null);
    this.running ??= this.pass(now).finally(() => (this.running = null));
    return this.running;
  }

  /** Resolves once no pass is running (errors are the pass caller's). */
  async idle(): Promise<void> {
    await this.running?.catch(() => null);
  }

  private async pass(now: number): Promise<CompactionPass | null> {
    const host = this.host;
    // One snapshot of the segment list for planning and cleaning, held from before the first await
    // so retention or DeleteRecords cannot close these segments under the pass (segment-list.ts);
    // each swap re-checks that its group is still in the log.
    const segments = host.segments();
    const release = acquireFrom(segments, 0);
    try {
      this.state ??= await readCleanerCheckpoint(host.fs, host.dir);
      const plan = await planCleaning({
        segments,
        flushedUpTo: host.flushedUpTo,
        firstDirtyOffset: Math.max(this.state.firstDirtyOffset, host.logStartOffset),
        deleteHorizonDueMs: this.state.deleteHorizonDueMs,
        config: host.config,
        now,
      });
      if (!plan) return null;
      const result = await cleanSegments(host, segments, plan.segmentCount, now);
      this.state = { firstDirtyOffset: plan.endOffset, deleteHorizonDueMs: result.deleteHorizonDueMs };
      await writeCleanerCheckpoint(host.fs, host.dir, this.state);
      return { ...result, reason: plan.reason, dirtyRatio: plan.dirtyRatio };
    } finally {
      release();
    }
  }
}

/** The compactor of a partition log; `exclusive` runs its swaps in the log's exclusive section, `fail` takes it offline. */
export function compactorFor(state: PartitionState, exclusive: CompactionHost['exclusive'], fail: CompactionHost['fail']): PartitionCompactor {
  return new PartitionCompactor({
    fs: state.fs,
    dir: state.dir,
    logger: state.logger,
    get config() {
      return state.config;
    },
    get segmentOptions() {
      return { indexIntervalBytes: state.config.indexIntervalBytes, logger: state.logger };
    },
    get logStartOffset() {
      return state.logStartOffset;
    },
    get flushedUpTo() {
      return Math.min(state.recoveryPoint, state.highWatermark);
    },
    segments: () => state.segments,
    exclusive,
    replaceSegments: (old, replacement) => {
      const i = state.segments.indexOf(old[0]!);
      if (i < 0 || !old.every((s, k) => state.segments[i + k] === s)) return false;
      state.segments = [...state.segments.slice(0, i), replacement, ...state.segments.slice(i + old.length)];
      return true;
    },
    fail,
  });
}
