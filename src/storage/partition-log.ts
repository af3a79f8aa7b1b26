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
// - A flush round (partition-sync.ts) syncs the directory (new segment entries) and every segment
//   written since the last round before any durable append it covers is acknowledged; rounds run
//   one at a time.
// - Any failed write or sync takes the partition offline for good (StorageError 'storage-error');
//   it is never retried. Reads of offline partitions fail too.
import { batchRecordCount, batchTotalSize } from '../protocol/records/batch-header.js';
import { silentLogger } from '../util/logger.js';
import { AppendTurn } from './append-turn.js';
import type { PendingAppend } from './append-turn.js';
import { validateAppend } from './append-validation.js';
import { Flusher, timedSyncRound } from './flusher.js';
import { maxSegmentMs } from './log-config.js';
import type { LogConfig } from './log-config.js';
import { loadLog } from './log-loader.js';
import type { RecoveryReport } from './log-loader.js';
import { LogSegment } from './log-segment.js';
import type { SegmentOptions } from './log-segment.js';
import { CheckpointWriter } from './partition-checkpoint.js';
import { compactorFor } from './partition-compaction.js';
import type { PartitionCompactor } from './partition-compaction.js';
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
import { retentionBreach } from './partition-retention.js';
import type { SegmentPredicate } from './partition-retention.js';
import { maxTimestampOffset, offsetForTimestamp } from './partition-timestamps.js';
import { readPartition, readPartitionCached } from './partition-read.js';
import { PartitionState } from './partition-state.js';
import { PartitionSync } from './partition-sync.js';
import { deleteOldSegments } from './segment-deletion.js';
import { randomRollJitter } from './segment-roll.js';
import { segmentIndexFor } from './segment-list.js';
import { StorageError } from './storage-error.js';
import { TailCache } from './tail-cache.js';
import { framePool } from '../util/frame-pool.js';
import { SlotList } from '../util/slot-list.js';
import { TransactionIndex } from './transaction-index.js';
import type { AbortedTxnEntry } from './transaction-index.js';
import { PartitionSnapshots } from './partition-snapshots.js';
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
  private readonly state: PartitionState;
  private closed = false;
  private readonly turn: AppendTurn;
  private readonly flusher: Flusher;
  /** A slot list, not a Set: one add and one delete per parked long poll (util/slot-list.ts). */
  private readonly listeners = new SlotList<() => void>();
  private readonly sync: PartitionSync;
  private readonly checkpoints: CheckpointWriter;
  private exclusiveChain: Promise<unknown> = Promise.resolve();
  private readonly compactor: PartitionCompactor;
  private readonly now: () => number;
  private readonly policy: HighWatermarkPolicy;
  /** State snapshots for the owner, and the one at every roll (partition-snapshots.ts). */
  private readonly snapshots: PartitionSnapshots;

  private constructor(
    readonly dir: string,
    state: PartitionState,
    options: PartitionLogOptions,
    /** What opening this log found and repaired. */
    readonly recovery: RecoveryReport,
  ) {
    this.state = state;
    this.now = options.now ?? Date.now;
    this.policy = options.highWatermarkPolicy ?? 'durable';
    this.compactor = compactorFor(state, (fn) => this.exclusive(fn), (cause) => this.goOffline(cause));
    this.turn = this.makeAppendTurn();
    this.checkpoints = new CheckpointWriter(state.fs, dir);
    this.snapshots = new PartitionSnapshots(state.fs, dir, state.logger, state.txnIndex);
    this.sync = new PartitionSync(
      state,
      () => this.turn.idle(),
      () => this.persistCheckpoint(),
    );
    this.flusher = new Flusher(
      timedSyncRound((taken) => this.sync.round(taken), options.syncObserver),
      state.logEndOffset,
      (offset) => this.onFlushed(offset),
      (e) => this.goOffline(e),
    );
  }

  /** Opens (creating if needed) and, after an unclean stop, recovers the partition directory. */
  static async open(options: PartitionLogOptions): Promise<PartitionLog> {
    const logger = options.logger ?? silentLogger;
    const now = options.now ?? Date.now;
    const segOptions: SegmentOptions = { indexIntervalBytes: options.config.indexIntervalBytes, logger };
    const rebuilder = options.stateRebuilder?.(options.dir, options.config);
    const loaded = await loadLog(options.fs, options.dir, options.cleanShutdown ?? false, now(), segOptions, {
      deferRecoverySync: (options.highWatermarkPolicy ?? 'durable') === 'written',
      stateRebuilder: rebuilder,
      // Roll snapshots keep the gap to about a segment; a larger one (no snapshot yet) is left to the first use.
      maxRebuildGapBytes: 2 * options.config.segmentBytes,
    });
    const logEnd = loaded.segments[loaded.segments.length - 1]!.nextOffset;
    const txnIndex = await TransactionIndex.load(options.fs, options.dir, loaded.segments[0]!.baseOffset, logEnd);
    // ABORT markers the rebuild saw whose index entries the crash lost before they were synced.
    for (const e of loaded.rebuiltState?.aborted ?? []) {
      if (!txnIndex.has(e.lastOffset)) txnIndex.append(loaded.segments[segmentIndexFor(loaded.segments, e.lastOffset)]!.baseOffset, e);
    }
    const state = new PartitionState({
      fs: options.fs,
      dir: options.dir,
      logger,
      cache: new TailCache(options.tailCacheBytes ?? 1 << 20),
      txnIndex,
      segments: loaded.segments,
      logStartOffset: loaded.logStartOffset,
      recoveryPoint: loaded.recoveryPoint,
      config: options.config,
      rollJitterMs: randomRollJitter(options.config),
    });
    const log = new PartitionLog(options.dir, state, { ...options, logger, now }, loaded.recovery);
    if (loaded.rebuiltState) log.snapshots.useRebuilt({ offset: loaded.rebuiltState.offset, payload: loaded.rebuiltState.payload });
    else if (loaded.created && rebuilder) {
      // A new partition: the owner's empty state, so rolls write snapshots before anyone asks for the state.
      rebuilder.start(null, 0);
      log.snapshots.useRebuilt({ offset: logEnd, payload: rebuilder.finish().payload });
    } else if (loaded.recovery.clean) await log.snapshots.useFileAt(logEnd);
    log.syncRecovered(loaded.unsyncedRecovered);
    return log;
  }

  /** Recovered segments not yet durable are synced by a background round (log-loader.ts says why). */
  private syncRecovered(segments: readonly LogSegment[]): void {
    if (segments.length === 0) return;
    this.sync.noteRecovered(segments, this.state.segments[this.state.segments.length - 1]!);
    this.flusher.request();
  }

  get logStartOffset(): number {
    return this.state.logStartOffset;
  }
  get logEndOffset(): number {
    return this.state.logEndOffset;
  }
  get highWatermark(): number {
    return this.state.highWatermark;
  }
  /** Offset below which segments and their indexes are flushed (persisted at rolls and close). */
  get recoveryPointOffset(): number {
    return this.state.recoveryPoint;
  }
  /** Closed (clean shutdown, or its topic was deleted): nothing may be written for it any more. */
  get isClosed(): boolean {
    return this.closed;
  }
  /** The error that took the partition offline, or null while it is healthy. */
  get offlineError(): StorageError | null {
    return this.state.failure;
  }
  get isOffline(): boolean {
    return this.state.failure !== null;
  }
  /** Bytes of all segment files. */
  get sizeInBytes(): number {
    let n = 0;
    for (const s of this.state.segments) n += s.size;
    return n;
  }
  get segmentCount(): number {
    return this.state.segments.length;
  }
  /** Base offset of the active segment (changes when the log rolls). */
  get activeSegmentBaseOffset(): number {
    return this.state.activeSegment.baseOffset;
  }
  /** Base offsets of the segments, oldest first. */
  get segmentBaseOffsets(): number[] {
    return this.state.segments.map((s) => s.baseOffset);
  }
  /** Completed flush rounds (each one fdatasync of the active segment; shows group commit). */
  get flushRounds(): number {
    return this.flusher.rounds;
  }
  get logConfig(): LogConfig {
    return this.state.config;
  }

  updateConfig(config: LogConfig): void {
    this.state.config = config;
  }

  /**
   * Calls `listener` whenever the high watermark advances or the partition goes offline (long
   * polls park on this). Returns the function that removes it.
   */
  addAppendListener(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Removes a listener added by addAppendListener (as calling its remover does, without the closure). */
  removeAppendListener(listener: () => void): void {
    this.listeners.delete(listener);
  }

  /**
   * Appends one or more concatenated v2 batches (as received), assigning consecutive offsets by
   * rewriting base offsets in `records` in place (and timestamps + CRC under LogAppendTime). The
   * buffer is kept by the tail cache: do not reuse it. One write per call.
   */
  append(records: Buffer, options: AppendOptions): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StorageError('closed', 'the log is closed'));
    if (this.state.failure) return Promise.reject(this.state.failure);
    const invalid = validateAppend(records, this.state.config.maxMessageBytes, options.crcChecked === true);
    if (invalid) return Promise.reject(invalid);
    // Durable: resolved by the flusher once fdatasync covers it (writeGathered enqueues it).
    const result = this.turn.append(records, options.durable, options.onWritten);
    // A pooled request frame (util/frame-pool.ts) is not reused while its bytes wait for the write.
    if (framePool.isPooled(records)) {
      framePool.retain(records);
      const release = (): void => framePool.release(records);
      result.then(release, release);
    }
    return result;
  }

  /** Writes gathered appends (offsets assigned) in one writev, then advances LEO and resolves them. */
  private async writeGathered(batch: readonly PendingAppend[], results: readonly AppendResult[], now: number): Promise<void> {
    if (batch.length === 0) return;
    const segment = this.state.activeSegment;
    try {
      const chunks: Buffer[] = [];
      for (const p of batch) chunks.push(p.records);
      const writing = segment.appendChunks(chunks);
      if (writing) await writing;
    } catch (e) {
      throw this.goOffline(e);
    }
    let requestFlush = false;
    let messages = 0;
    for (let k = 0; k < batch.length; k++) {
      const r = results[k]!;
      const records = batch[k]!.records;
      this.state.cache.add(r.baseOffset, r.lastOffset + 1, records);
      for (let pos = 0; pos < records.length; pos += batchTotalSize(records, pos)) messages += batchRecordCount(records, pos);
      if (!batch[k]!.durable) requestFlush = true;
    }
    this.state.logEndOffset = results[results.length - 1]!.lastOffset + 1;
    this.sync.noteWrite(segment, messages, now);
    // Before the high watermark moves: nothing can have read these bytes back yet.
    for (let k = 0; k < batch.length; k++) batch[k]!.onWritten?.(results[k]!);
    if (this.policy === 'written') this.advanceHighWatermark(this.state.logEndOffset);
    if (requestFlush && (this.policy === 'durable' || this.sync.unflushedMessages >= this.state.config.flushMessages)) this.flusher.request();
    // Durable appends resolve when the flusher covers them (acks=all: only after fdatasync).
    for (let k = 0; k < batch.length; k++) {
      const p = batch[k]!;
      if (p.durable) {
        p.result = results[k]!;
        this.flusher.enqueue(p);
      } else p.resolve(results[k]!);
    }
  }

  /** Starts a new active segment at the log end (inside the append turn). */
  private async roll(now: number): Promise<void> {
    const old = this.state.activeSegment;
    let seg: LogSegment;
    try {
      seg = await LogSegment.create(this.state.fs, this.dir, this.state.logEndOffset, now, { indexIntervalBytes: this.state.config.indexIntervalBytes, logger: this.state.logger });
    } catch (e) {
      throw this.goOffline(e);
    }
    this.state.segments = [...this.state.segments, seg];
    this.state.rollJitterMs = randomRollJitter(this.state.config);
    this.sync.noteRoll(old);
    this.state.cache.clear();
    this.state.logger.debug('rolled segment', { dir: this.dir, baseOffset: seg.baseOffset });
    this.snapshots.rolled(seg.baseOffset);
    this.flusher.request();
  }

  private onFlushed(offset: number): void {
    if (this.policy === 'durable') this.advanceHighWatermark(offset);
  }

  private advanceHighWatermark(offset: number): void {
    if (offset <= this.state.highWatermark) return;
    this.state.highWatermark = offset;
    this.notify();
  }

  private notify(): void {
    this.listeners.forEach(this.callListener);
  }

  private readonly callListener = (l: () => void): void => {
    try {
      l();
    } catch (e) {
      this.state.logger.error('append listener threw', { dir: this.dir, error: String(e) });
    }
  };

  /** Takes the partition offline after an I/O error; returns the error to throw. */
  private goOffline(cause: unknown): StorageError {
    if (this.state.failure) return this.state.failure;
    if (cause instanceof StorageError && cause.kind === 'storage-error') this.state.failure = cause;
    else {
      const msg = cause instanceof Error ? cause.message : String(cause);
      this.state.failure = new StorageError('storage-error', `partition ${this.dir} is offline after an I/O error: ${msg}`, { cause });
    }
    this.state.logger.error('partition offline', { dir: this.dir, error: this.state.failure.message });
    this.flusher.fail(this.state.failure);
    this.notify();
    return this.state.failure;
  }

  private persistCheckpoint(): Promise<void> {
    return this.checkpoints.write({ logStartOffset: this.state.logStartOffset, recoveryPoint: this.state.recoveryPoint });
  }

  /**
   * Stored batches from the one holding `offset`: at most `maxBytes` but at least one whole batch.
   * `offset` equal to the high watermark gives no chunks (a long poll then waits for a listener).
   */
  async read(offset: number, maxBytes: number, options: ReadOptions = {}): Promise<ReadResult> {
    if (this.state.failure) throw this.state.failure;
    if (this.closed) throw new StorageError('closed', 'the log is closed');
    return readPartition(this.state, offset, maxBytes, options);
  }

  /**
   * read() up to the high watermark (or `maxOffset`, as read()'s option, when lower), answered now
   * when no file needs reading (from the tail cache, or nothing at the bound); null when read() must
   * be awaited (it also reports errors).
   */
  readCached(offset: number, maxBytes: number, maxOffset?: number): ReadResult | null {
    if (this.state.failure || this.closed) return null;
    return readPartitionCached(this.state, offset, maxBytes, maxOffset);
  }

  /**
   * ListOffsets by timestamp: the earliest offset (>= log start, < high watermark) whose record
   * timestamp is >= `timestamp`, with that timestamp; null when there is none. Exact inside
   * compressed batches too (partition-timestamps.ts).
   */
  async offsetForTimestamp(timestamp: number): Promise<TimestampOffset | null> {
    if (this.state.failure) throw this.state.failure;
    return offsetForTimestamp({ segments: this.state.segments, logStartOffset: this.state.logStartOffset, highWatermark: this.state.highWatermark }, timestamp);
  }

  /** ListOffsets MAX_TIMESTAMP (KIP-734): the record with the largest timestamp, or null when empty. */
  async maxTimestampOffset(): Promise<TimestampOffset | null> {
    if (this.state.failure) throw this.state.failure;
    return maxTimestampOffset({ segments: this.state.segments, logStartOffset: this.state.logStartOffset, highWatermark: this.state.highWatermark });
  }

  /** ListOffsets EARLIEST. */
  earliestOffset(): number {
    return this.state.logStartOffset;
  }

  /** ListOffsets LATEST (read_uncommitted): the high watermark. */
  latestOffset(): number {
    return this.state.highWatermark;
  }

  /**
   * DeleteRecords: moves the log start offset to `offset` (-1: the high watermark), persisting it
   * before resolving, and deletes the segments now wholly below it. Resolves to the new log start.
   */
  async deleteRecordsBefore(offset: number): Promise<number> {
    if (this.state.failure) throw this.state.failure;
    const target = offset === -1 ? this.state.highWatermark : offset;
    if (target < 0 || target > this.state.highWatermark) {
      throw new StorageError('offset-out-of-range', `offset ${offset} is outside [${this.state.logStartOffset}, ${this.state.highWatermark}]`);
    }
    if (target <= this.state.logStartOffset) return this.state.logStartOffset;
    this.state.logStartOffset = target;
    try {
      await this.persistCheckpoint();
    } catch (e) {
      throw this.goOffline(e);
    }
    await this.deleteOldSegments(() => () => false);
    return this.state.logStartOffset;
  }

  /**
   * Time and size retention (cleanup.policy including `delete`): deletes whole inactive segments,
   * oldest first, whose largest timestamp is older than retention.ms, while the partition exceeds
   * retention.bytes, or that lie wholly below the log start offset (partition-retention.ts).
   */
  async applyRetention(now = this.now()): Promise<RetentionResult> {
    if (this.state.failure || this.closed || !this.state.config.deleteRetention) return { segmentsDeleted: 0, bytesDeleted: 0 };
    return this.deleteOldSegments(() => retentionBreach(this.state.config, this.state.segments, now));
  }

  /** Runs `fn` in the exclusive section (see the ordering invariants at the top). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.exclusiveChain.then(fn);
    this.exclusiveChain = p.catch(() => {});
    return p;
  }

  /** Deletes old segments in the exclusive section (segment-deletion.ts). */
  private deleteOldSegments(makePredicate: () => SegmentPredicate): Promise<RetentionResult> {
    return this.exclusive(() =>
      deleteOldSegments(
        this.state,
        makePredicate(),
        () => this.persistCheckpoint(),
        (e) => this.goOffline(e),
      ),
    );
  }

  /**
   * One compaction pass when cleanup.policy includes `compact` and the log is due for one
   * (partition-compaction.ts); null when not due. Concurrent calls share the pass in progress.
   */
  compact(now = this.now()): Promise<CompactionPass | null> {
    if (this.state.failure || this.closed) return Promise.resolve(null);
    return this.compactor.compact(now);
  }

  private makeAppendTurn(): AppendTurn {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const log = this;
    return new AppendTurn({
      now: () => this.now(),
      get config() {
        return log.state.config;
      },
      get rollJitterMs() {
        return log.state.rollJitterMs;
      },
      get activeSegment() {
        return log.state.activeSegment;
      },
      get logEndOffset() {
        return log.state.logEndOffset;
      },
      get failure() {
        return log.state.failure;
      },
      roll: (now) => this.roll(now),
      writeGathered: (batch, results, now) => this.writeGathered(batch, results, now),
    });
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
    if (this.state.failure || this.closed) return { segmentsDeleted: 0, bytesDeleted: 0 };
    if (this.sync.flushDue(now, this.state.config.flushMs)) this.flusher.request();
    const idle = (): boolean => this.state.activeSegment.size > 0 && now - this.state.activeSegment.createdMs >= maxSegmentMs(this.state.config);
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
    const segments = this.state.segments;
    this.state.txnIndex.append(segments[segmentIndexFor(segments, e.lastOffset)]!.baseOffset, e);
  }

  /** Whether the ABORT marker at `lastOffset` is indexed (replays after a crash re-add missing ones). */
  hasAbortedTransactionAt(lastOffset: number): boolean {
    return this.state.txnIndex.has(lastOffset);
  }

  /** The aborted transactions overlapping [from, upTo): lastOffset >= from, firstOffset < upTo. */
  abortedTransactions(from: number, upTo: number): AbortedTxnEntry[] {
    return this.state.txnIndex.collect(from, upTo);
  }

  /**
   * Persists an owner's state "as of `offset`" (state-snapshots.ts). The aborted-transactions index is
   * made durable first, so every ABORT marker below a snapshot has its entry on disk.
   */
  async writeStateSnapshot(offset: number, payload: Buffer): Promise<void> {
    if (this.state.failure) throw this.state.failure;
    if (this.closed) throw new StorageError('closed', 'the log is closed');
    await this.snapshots.write(offset, payload);
  }

  /**
   * The owner's state: the newest valid snapshot at or below the log end, a file or the state recovery rebuilt
   * (state-rebuild.ts), or null. The caller becomes the owner: it writes the snapshots from now on, and `onRoll`
   * tells it when the log rolls (partition-snapshots.ts).
   */
  readStateSnapshot(): Promise<StateSnapshot | null> {
    return this.snapshots.read(this.state.logEndOffset);
  }

  /** The owner's roll listener: called synchronously at every roll, in the append turn (the log end is the new base). */
  onRoll(listener: (() => void) | null): void {
    this.snapshots.setRollListener(listener);
  }

  /** Resolves once everything appended so far is durable. */
  async flush(): Promise<void> {
    if (this.state.failure) throw this.state.failure;
    await this.turn.idle();
    await this.flusher.waitFor(this.state.logEndOffset);
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
    if (!this.state.failure) {
      try {
        await this.flusher.waitFor(this.state.logEndOffset);
        await this.flusher.idle(); // a round requested after the one covering the end may still be using the files
        await this.state.activeSegment.writeIndexFiles();
        await this.snapshots.closing(this.state.logEndOffset);
        await this.state.txnIndex.sync();
        await this.state.fs.syncDir(this.dir);
        this.state.recoveryPoint = this.state.logEndOffset;
        await this.persistCheckpoint();
      } catch (e) {
        this.goOffline(e);
      }
    }
    for (const s of this.state.segments) await s.close().catch(() => {});
    await this.state.txnIndex.close();
    this.listeners.clear();
  }
}
