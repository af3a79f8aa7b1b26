// PartitionLog: one partition's append-only log (Kafka's UnifiedLog, Redpanda's disk_log_impl):
// a list of LogSegments, the last one active, plus the offsets the broker serves from.
//
//   logStartOffset <= highWatermark <= logEndOffset
//   log start: first offset a consumer may read (retention and DeleteRecords move it forward)
//   log end:   the offset the next append gets (everything below is written to the file)
//   high watermark: the last offset consumers may see + 1. With the 'durable' policy (this class's
//              default; the broker's is 'written', broker key brook.high.watermark.policy) it is
//              the flushed offset: consumers never see data a power failure could take away
//              (which would let offsets be reused for different data after a restart). Non-durable
//              appends therefore schedule a background group-commit flush right after their write.
//              The 'written' policy is Kafka's single-replica behaviour: HW = LEO after the write.
//
// Ordering invariants (written down once, here):
// - Appends and rolls run one at a time in the "append turn" (append-turn.ts: offsets, LEO and
//   write coalescing); durable appends wait for the flusher *after* leaving the turn, which is
//   what lets concurrent appends share one fsync.
// - Reads never take the turn (partition-read.ts): only bytes whose write completed below the high
//   watermark; the segment array is never mutated in place (rolls, retention and compaction swap
//   in a new one) and readers acquire the segments they may touch before their first await.
// - Structural changes below the active segment (retention, DeleteRecords, compaction swaps) run
//   one at a time in the "exclusive section"; they never take the append turn, because they never
//   touch the active segment, and the array swap itself is synchronous.
// - Compaction (log-cleaner.ts) reads only flushed, non-active segments, so appends never wait
//   for it; close() waits for a pass in progress.
// - A flush round syncs the directory (new segment entries) and every segment written since the
//   last round before any durable append it covers is acknowledged.
// - Any failed write or sync takes the partition offline for good (StorageError 'storage-error');
//   it is never retried. Reads of offline partitions fail too.
import { batchRecordCount, batchTotalSize } from '../protocol/records/batch-header.js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { AppendTurn } from './append-turn.js';
import type { PendingAppend } from './append-turn.js';
import { validateAppend } from './append-validation.js';
import { Flusher, timedSyncRound } from './flusher.js';
import type { FileSystem } from './fs/file-system.js';
import { hasDeleteRetention, maxSegmentMs } from './log-config.js';
import type { LogConfig } from './log-config.js';
import { deleteSegmentFiles, loadLog } from './log-loader.js';
import type { RecoveryReport } from './log-loader.js';
import { LogSegment } from './log-segment.js';
import type { SegmentOptions } from './log-segment.js';
import { writeCheckpoint } from './partition-checkpoint.js';
import { PartitionCompactor } from './partition-compaction.js';
import type {
  AppendOptions,
  AppendResult,
  CompactionPass,
  HighWatermarkPolicy,
  PartitionLogOptions,
  ReadOptions,
  ReadResult,
  RetentionResult,
} from './partition-log-types.js';
import { deletablePrefix, retentionBreach } from './partition-retention.js';
import type { SegmentPredicate } from './partition-retention.js';
import { maxTimestampOffset, offsetForTimestamp } from './partition-timestamps.js';
import { readPartition } from './partition-read.js';
import type { ReadView } from './partition-read.js';
import { randomRollJitter } from './segment-roll.js';
import { segmentIndexFor } from './segment-list.js';
import { StorageError } from './storage-error.js';
import { TailCache } from './tail-cache.js';
import { framePool } from '../util/frame-pool.js';
import { TransactionIndex } from './transaction-index.js';
import type { AbortedTxnEntry } from './transaction-index.js';
import { readLatestStateSnapshot, writeStateSnapshot } from './state-snapshots.js';
import type { StateSnapshot } from './state-snapshots.js';
import type { TimestampOffset } from './time-index.js';

export type {
  AppendOptions,
  AppendResult,
  CompactionPass,
  CompactionResult,
  HighWatermarkPolicy,
  PartitionLogOptions,
  ReadOptions,
  ReadResult,
  RetentionResult,
} from './partition-log-types.js';

export class PartitionLog {
  private segments: LogSegment[];
  private logStart: number;
  private logEnd: number;
  private hw: number;
  private recoveryPoint: number;
  private failure: StorageError | null = null;
  private closed = false;
  private readonly turn: AppendTurn;
  private readonly flusher: Flusher;
  private readonly readView: ReadView;
  private readonly cache: TailCache;
  private readonly listeners = new Set<() => void>();
  private readonly unsynced = new Set<LogSegment>();
  private pendingFinalize: LogSegment[] = [];
  private dirDirty = false;
  private unflushedMessages = 0;
  private firstUnflushedMs = -1;
  private checkpointChain: Promise<void> = Promise.resolve();
  private exclusiveChain: Promise<unknown> = Promise.resolve();
  private readonly compactor: PartitionCompactor;
  /** segment.jitter.ms drawn for the active segment (Kafka's LogSegment.rollJitterMs). */
  private rollJitterMs: number;
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly policy: HighWatermarkPolicy;
  private config: LogConfig;

  private constructor(
    private readonly fs: FileSystem,
    readonly dir: string,
    loaded: { segments: LogSegment[]; logStartOffset: number; recoveryPoint: number },
    options: PartitionLogOptions,
    /** What opening this log found and repaired. */
    readonly recovery: RecoveryReport,
    /** Aborted transactions per segment (transaction-index.ts). */
    private readonly txnIndex: TransactionIndex,
  ) {
    this.segments = loaded.segments;
    this.logStart = loaded.logStartOffset;
    this.logEnd = this.active.nextOffset;
    this.hw = this.logEnd;
    this.recoveryPoint = loaded.recoveryPoint;
    this.config = options.config;
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? silentLogger;
    this.policy = options.highWatermarkPolicy ?? 'durable';
    this.cache = new TailCache(options.tailCacheBytes ?? 1 << 20);
    this.rollJitterMs = randomRollJitter(this.config);
    this.compactor = this.makeCompactor();
    this.turn = this.makeAppendTurn();
    this.readView = this.makeReadView();
    this.flusher = new Flusher(
      timedSyncRound(() => this.syncRound(), options.syncObserver),
      this.logEnd,
      (offset) => this.onFlushed(offset),
      (e) => this.goOffline(e),
    );
  }

  /** Opens (creating if needed) and, after an unclean stop, recovers the partition directory. */
  static async open(options: PartitionLogOptions): Promise<PartitionLog> {
    const logger = options.logger ?? silentLogger;
    const now = options.now ?? Date.now;
    const segOptions: SegmentOptions = { indexIntervalBytes: options.config.indexIntervalBytes, logger };
    const loaded = await loadLog(options.fs, options.dir, options.cleanShutdown ?? false, now(), segOptions);
    const logEnd = loaded.segments[loaded.segments.length - 1]!.nextOffset;
    const txnIndex = await TransactionIndex.load(options.fs, options.dir, loaded.segments[0]!.baseOffset, logEnd);
    return new PartitionLog(options.fs, options.dir, loaded, { ...options, logger, now }, loaded.recovery, txnIndex);
  }

  get logStartOffset(): number {
    return this.logStart;
  }
  get logEndOffset(): number {
    return this.logEnd;
  }
  get highWatermark(): number {
    return this.hw;
  }
  /** Offset below which segments and their indexes are flushed (persisted at rolls and close). */
  get recoveryPointOffset(): number {
    return this.recoveryPoint;
  }
  /** Closed (clean shutdown, or its topic was deleted): nothing may be written for it any more. */
  get isClosed(): boolean {
    return this.closed;
  }
  /** The error that took the partition offline, or null while it is healthy. */
  get offlineError(): StorageError | null {
    return this.failure;
  }
  get isOffline(): boolean {
    return this.failure !== null;
  }
  /** Bytes of all segment files. */
  get sizeInBytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }
  get segmentCount(): number {
    return this.segments.length;
  }
  /** Base offset of the active segment (changes when the log rolls). */
  get activeSegmentBaseOffset(): number {
    return this.active.baseOffset;
  }
  /** Base offsets of the segments, oldest first. */
  get segmentBaseOffsets(): number[] {
    return this.segments.map((s) => s.baseOffset);
  }
  /** Completed flush rounds (each one fdatasync of the active segment; shows group commit). */
  get flushRounds(): number {
    return this.flusher.rounds;
  }
  get logConfig(): LogConfig {
    return this.config;
  }

  updateConfig(config: LogConfig): void {
    this.config = config;
  }

  /**
   * Calls `listener` whenever the high watermark advances or the partition goes offline (long
   * polls park on this). Returns the function that removes it.
   */
  addAppendListener(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Appends one or more concatenated v2 batches (as received), assigning consecutive offsets by
   * rewriting base offsets in `records` in place (and timestamps + CRC under LogAppendTime). The
   * buffer is kept by the tail cache: do not reuse it. One write per call.
   */
  append(records: Buffer, options: AppendOptions): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StorageError('closed', 'the log is closed'));
    if (this.failure) return Promise.reject(this.failure);
    const invalid = validateAppend(records, this.config.maxMessageBytes, options.crcChecked === true);
    if (invalid) return Promise.reject(invalid);
    const result = this.turn.append(records, options.durable);
    // A pooled request frame (util/frame-pool.ts) is not reused while its bytes wait for the write.
    if (framePool.isPooled(records)) {
      framePool.retain(records);
      const release = (): void => framePool.release(records);
      result.then(release, release);
    }
    if (!options.durable) return result;
    return result.then(async (r) => {
      await this.flusher.waitFor(r.lastOffset + 1);
      return r;
    });
  }

  /** Writes gathered appends (offsets assigned) in one writev, then advances LEO and resolves them. */
  private async writeGathered(batch: readonly PendingAppend[], results: readonly AppendResult[], now: number): Promise<void> {
    if (batch.length === 0) return;
    const segment = this.active;
    try {
      await segment.appendChunks(batch.map((p) => p.records));
    } catch (e) {
      throw this.goOffline(e);
    }
    let requestFlush = false;
    for (let k = 0; k < batch.length; k++) {
      const r = results[k]!;
      const records = batch[k]!.records;
      this.cache.add(r.baseOffset, r.lastOffset + 1, records);
      for (let pos = 0; pos < records.length; pos += batchTotalSize(records, pos)) this.unflushedMessages += batchRecordCount(records, pos);
      if (!batch[k]!.durable) requestFlush = true;
    }
    this.logEnd = results[results.length - 1]!.lastOffset + 1;
    this.unsynced.add(segment);
    if (this.firstUnflushedMs < 0) this.firstUnflushedMs = now;
    if (this.policy === 'written') this.advanceHighWatermark(this.logEnd);
    if (requestFlush && (this.policy === 'durable' || this.unflushedMessages >= this.config.flushMessages)) this.flusher.request();
    for (let k = 0; k < batch.length; k++) batch[k]!.resolve(results[k]!);
  }

  private get active(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }

  /** Starts a new active segment at the log end (inside the append turn). */
  private async roll(now: number): Promise<void> {
    const old = this.active;
    let seg: LogSegment;
    try {
      seg = await LogSegment.create(this.fs, this.dir, this.logEnd, now, { indexIntervalBytes: this.config.indexIntervalBytes, logger: this.logger });
    } catch (e) {
      throw this.goOffline(e);
    }
    this.segments = [...this.segments, seg];
    this.rollJitterMs = randomRollJitter(this.config);
    this.dirDirty = true;
    this.pendingFinalize.push(old);
    this.cache.clear();
    this.logger.debug('rolled segment', { dir: this.dir, baseOffset: seg.baseOffset });
    this.flusher.request();
  }

  /** One group-commit round (see flusher.ts); resolves to the offset now durable. */
  private async syncRound(): Promise<number> {
    // Group commit: let appenders just released by the previous round queue their next writes,
    // and let every write already queued finish, so this one fsync covers all of them.
    await new Promise<void>((resolve) => setImmediate(resolve));
    await this.turn.idle();
    const target = this.logEnd;
    const segments = [...this.unsynced];
    this.unsynced.clear();
    const finalize = this.pendingFinalize;
    this.pendingFinalize = [];
    const dirDirty = this.dirDirty;
    this.dirDirty = false;
    this.unflushedMessages = 0;
    this.firstUnflushedMs = -1;
    // The directory entry of a new segment is durable before anything written to it is acknowledged.
    if (dirDirty) await this.fs.syncDir(this.dir);
    for (const s of segments) await s.file.datasync();
    if (finalize.length > 0) {
      for (const s of finalize) await s.writeIndexFiles();
      await this.txnIndex.sync();
      await this.fs.syncDir(this.dir);
      const last = this.segments.indexOf(finalize[finalize.length - 1]!);
      const point = this.segments[last + 1]?.baseOffset ?? target;
      if (point > this.recoveryPoint) {
        this.recoveryPoint = point;
        await this.persistCheckpoint();
      }
    }
    return target;
  }

  private onFlushed(offset: number): void {
    if (this.policy === 'durable') this.advanceHighWatermark(offset);
  }

  private advanceHighWatermark(offset: number): void {
    if (offset <= this.hw) return;
    this.hw = offset;
    this.notify();
  }

  private notify(): void {
    for (const l of this.listeners) {
      try {
        l();
      } catch (e) {
        this.logger.error('append listener threw', { dir: this.dir, error: String(e) });
      }
    }
  }

  /** Takes the partition offline after an I/O error; returns the error to throw. */
  private goOffline(cause: unknown): StorageError {
    if (this.failure) return this.failure;
    if (cause instanceof StorageError && cause.kind === 'storage-error') this.failure = cause;
    else {
      const msg = cause instanceof Error ? cause.message : String(cause);
      this.failure = new StorageError('storage-error', `partition ${this.dir} is offline after an I/O error: ${msg}`, { cause });
    }
    this.logger.error('partition offline', { dir: this.dir, error: this.failure.message });
    this.flusher.fail(this.failure);
    this.notify();
    return this.failure;
  }

  private persistCheckpoint(): Promise<void> {
    const c = { logStartOffset: this.logStart, recoveryPoint: this.recoveryPoint };
    const p = this.checkpointChain.then(() => writeCheckpoint(this.fs, this.dir, c));
    this.checkpointChain = p.catch(() => {});
    return p;
  }

  /**
   * Stored batches from the one holding `offset`: at most `maxBytes` but at least one whole batch.
   * `offset` equal to the high watermark gives no chunks (a long poll then waits for a listener).
   */
  async read(offset: number, maxBytes: number, options: ReadOptions = {}): Promise<ReadResult> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new StorageError('closed', 'the log is closed');
    return readPartition(this.readView, offset, maxBytes, options);
  }

  /**
   * ListOffsets by timestamp: the earliest offset (>= log start, < high watermark) whose record
   * timestamp is >= `timestamp`, with that timestamp; null when there is none. Exact inside
   * compressed batches too (partition-timestamps.ts).
   */
  async offsetForTimestamp(timestamp: number): Promise<TimestampOffset | null> {
    if (this.failure) throw this.failure;
    return offsetForTimestamp({ segments: this.segments, logStartOffset: this.logStart, highWatermark: this.hw }, timestamp);
  }

  /** ListOffsets MAX_TIMESTAMP (KIP-734): the record with the largest timestamp, or null when empty. */
  async maxTimestampOffset(): Promise<TimestampOffset | null> {
    if (this.failure) throw this.failure;
    return maxTimestampOffset({ segments: this.segments, logStartOffset: this.logStart, highWatermark: this.hw });
  }

  /** ListOffsets EARLIEST. */
  earliestOffset(): number {
    return this.logStart;
  }

  /** ListOffsets LATEST (read_uncommitted): the high watermark. */
  latestOffset(): number {
    return this.hw;
  }

  /**
   * DeleteRecords: moves the log start offset to `offset` (-1: the high watermark), persisting it
   * before resolving, and deletes the segments now wholly below it. Resolves to the new log start.
   */
  async deleteRecordsBefore(offset: number): Promise<number> {
    if (this.failure) throw this.failure;
    const target = offset === -1 ? this.hw : offset;
    if (target < 0 || target > this.hw) {
      throw new StorageError('offset-out-of-range', `offset ${offset} is outside [${this.logStart}, ${this.hw}]`);
    }
    if (target <= this.logStart) return this.logStart;
    this.logStart = target;
    try {
      await this.persistCheckpoint();
    } catch (e) {
      throw this.goOffline(e);
    }
    await this.deleteOldSegments(() => () => false);
    return this.logStart;
  }

  /**
   * Time and size retention (cleanup.policy including `delete`): deletes whole inactive segments,
   * oldest first, whose largest timestamp is older than retention.ms, while the partition exceeds
   * retention.bytes, or that lie wholly below the log start offset (partition-retention.ts).
   */
  async applyRetention(now = this.now()): Promise<RetentionResult> {
    if (this.failure || this.closed || !hasDeleteRetention(this.config)) return { segmentsDeleted: 0, bytesDeleted: 0 };
    return this.deleteOldSegments(() => retentionBreach(this.config, this.segments, now));
  }

  /** Runs `fn` in the exclusive section (see the ordering invariants at the top). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.exclusiveChain.then(fn);
    this.exclusiveChain = p.catch(() => {});
    return p;
  }

  /**
   * Deletes inactive, finalized segments from the oldest while the predicate says so (or they lie
   * below the log start offset). The log start offset moves first and is persisted; then the files
   * are unlinked (open handles keep serving in-flight reads) and closed once idle. Deletion is
   * immediate: Kafka's file.delete.delay.ms exists for readers without a reference, and every
   * Brook reader holds one (LogSegment.acquire), so no delay is needed.
   */
  private deleteOldSegments(makePredicate: () => SegmentPredicate): Promise<RetentionResult> {
    return this.exclusive(async () => {
      const n = await deletablePrefix(this.segments, this.logStart, this.recoveryPoint, makePredicate());
      if (n === 0) return { segmentsDeleted: 0, bytesDeleted: 0 };
      const doomed = this.segments.slice(0, n);
      this.segments = this.segments.slice(n);
      const bytes = doomed.reduce((a, s) => a + s.size, 0);
      try {
        if (this.segments[0]!.baseOffset > this.logStart) {
          this.logStart = this.segments[0]!.baseOffset;
          await this.persistCheckpoint();
        }
        for (const seg of doomed) {
          await deleteSegmentFiles(this.fs, seg);
          await seg.retire();
        }
        await this.txnIndex.deleteBelow(this.segments[0]!.baseOffset);
        await this.fs.syncDir(this.dir);
      } catch (e) {
        throw this.goOffline(e);
      }
      this.logger.info('deleted old segments', { dir: this.dir, segments: n, bytes, logStartOffset: this.logStart });
      return { segmentsDeleted: n, bytesDeleted: bytes };
    });
  }

  /**
   * One compaction pass when cleanup.policy includes `compact` and the log is due for one
   * (partition-compaction.ts); null when not due. Concurrent calls share the pass in progress.
   */
  compact(now = this.now()): Promise<CompactionPass | null> {
    if (this.failure || this.closed) return Promise.resolve(null);
    return this.compactor.compact(now);
  }

  private makeCompactor(): PartitionCompactor {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const log = this;
    return new PartitionCompactor({
      fs: this.fs,
      dir: this.dir,
      logger: this.logger,
      get config() {
        return log.config;
      },
      get segmentOptions() {
        return { indexIntervalBytes: log.config.indexIntervalBytes, logger: log.logger };
      },
      get logStartOffset() {
        return log.logStart;
      },
      get flushedUpTo() {
        return Math.min(log.recoveryPoint, log.hw);
      },
      segments: () => this.segments,
      exclusive: (fn) => this.exclusive(fn),
      replaceSegments: (old, replacement) => {
        const i = this.segments.indexOf(old[0]!);
        if (i < 0 || !old.every((s, k) => this.segments[i + k] === s)) return false;
        this.segments = [...this.segments.slice(0, i), replacement, ...this.segments.slice(i + old.length)];
        return true;
      },
      fail: (cause) => this.goOffline(cause),
    });
  }

  private makeAppendTurn(): AppendTurn {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const log = this;
    return new AppendTurn({
      now: () => this.now(),
      get config() {
        return log.config;
      },
      get rollJitterMs() {
        return log.rollJitterMs;
      },
      get activeSegment() {
        return log.active;
      },
      get logEndOffset() {
        return log.logEnd;
      },
      get failure() {
        return log.failure;
      },
      roll: (now) => this.roll(now),
      writeGathered: (batch, results, now) => this.writeGathered(batch, results, now),
    });
  }

  private makeReadView(): ReadView {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const log = this;
    return {
      get segments() {
        return log.segments;
      },
      cache: this.cache,
      get logStartOffset() {
        return log.logStart;
      },
      get logEndOffset() {
        return log.logEnd;
      },
      get highWatermark() {
        return log.hw;
      },
      dir: this.dir,
      logger: this.logger,
    };
  }

  /**
   * Periodic work (driven by LogManager's task with an injectable clock): flush.ms, rolling an
   * idle active segment, retention (when `retention`), and compaction on compacted topics.
   * The idle roll is Brook's addition (Kafka rolls only on append): a non-empty active segment
   * older than segment.ms (wall clock since it was created or opened; max.compaction.lag.ms caps
   * it on compacted topics) is rolled so an idle topic's tail becomes eligible for retention and
   * compaction.
   */
  async maintenance(now = this.now(), retention = true): Promise<RetentionResult> {
    if (this.failure || this.closed) return { segmentsDeleted: 0, bytesDeleted: 0 };
    if (this.firstUnflushedMs >= 0 && now - this.firstUnflushedMs >= this.config.flushMs) this.flusher.request();
    const idle = (): boolean => this.active.size > 0 && now - this.active.createdMs >= maxSegmentMs(this.config);
    if (idle()) {
      await this.turn.run(() => (idle() ? this.roll(now) : undefined));
    }
    const result = retention ? await this.applyRetention(now) : { segmentsDeleted: 0, bytesDeleted: 0 };
    await this.compact(now);
    return result;
  }

  /**
   * Records an aborted transaction whose ABORT marker was written at `e.lastOffset` (the broker calls
   * this after the marker's append; transaction-index.ts). Visible to `abortedTransactions` at once;
   * durable by the next segment roll, clean close or `writeStateSnapshot`.
   */
  appendAbortedTransaction(e: AbortedTxnEntry): void {
    const segments = this.segments;
    this.txnIndex.append(segments[segmentIndexFor(segments, e.lastOffset)]!.baseOffset, e);
  }

  /** Whether the ABORT marker at `lastOffset` is indexed (replays after a crash re-add missing ones). */
  hasAbortedTransactionAt(lastOffset: number): boolean {
    return this.txnIndex.has(lastOffset);
  }

  /** The aborted transactions overlapping [from, upTo): lastOffset >= from, firstOffset < upTo. */
  abortedTransactions(from: number, upTo: number): AbortedTxnEntry[] {
    return this.txnIndex.collect(from, upTo);
  }

  /**
   * Persists an owner's state "as of `offset`" (state-snapshots.ts). The aborted-transactions index is
   * made durable first, so every ABORT marker below a snapshot has its entry on disk.
   */
  async writeStateSnapshot(offset: number, payload: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new StorageError('closed', 'the log is closed');
    await this.txnIndex.sync();
    await writeStateSnapshot(this.fs, this.dir, offset, payload);
  }

  /** The newest valid state snapshot at or below the log end, or null. */
  readStateSnapshot(): Promise<StateSnapshot | null> {
    return readLatestStateSnapshot(this.fs, this.dir, this.logEnd);
  }

  /** Resolves once everything appended so far is durable. */
  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    await this.turn.idle();
    await this.flusher.waitFor(this.logEnd);
  }

  /**
   * Clean close: waits for appends in progress, flushes, writes the active segment's indexes and a
   * checkpoint with the recovery point at the log end. Idempotent. An offline log just closes.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.turn.idle();
    await this.compactor.idle();
    await this.exclusiveChain;
    if (!this.failure) {
      try {
        await this.flusher.waitFor(this.logEnd);
        await this.active.writeIndexFiles();
        await this.txnIndex.sync();
        await this.fs.syncDir(this.dir);
        this.recoveryPoint = this.logEnd;
        await this.persistCheckpoint();
      } catch (e) {
        this.goOffline(e);
      }
    }
    for (const s of this.segments) await s.close().catch(() => {});
    await this.txnIndex.close();
    this.listeners.clear();
  }
}
