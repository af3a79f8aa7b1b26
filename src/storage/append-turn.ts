// The append turn of one partition log (partition-log.ts): appends and rolls run one at a time in
// a promise chain. Offsets are assigned, the write issued and LEO advanced inside the turn; appends
// arriving while a turn writes share the next turn and its one writev (write coalescing,
// appendGroup). Durable appends wait for the flusher *after* leaving the turn (the partition log
// does that), which is what lets concurrent appends share one fsync.
//
// This module decides offsets, LogAppendTime and where rolls fall; the host owns the log's state and
// does the writing (writeGathered: the writev, LEO, tail cache, flush bookkeeping) and the roll.
import {
  batchLastOffsetDelta,
  batchMaxTimestamp,
  batchTotalSize,
  setBatchBaseOffset,
  setLogAppendTime,
} from '../protocol/records/batch-header.js';
import type { LogConfig } from './log-config.js';
import type { LogSegment } from './log-segment.js';
import type { FlushWaiter } from './flusher.js';
import type { AppendResult } from './partition-log-types.js';
import { shouldRoll } from './segment-roll.js';
import type { RollInput } from './segment-roll.js';
import type { StorageError } from './storage-error.js';

/**
 * One append waiting in (or for) a turn. A durable one, once written, waits for the flusher as its
 * own FlushWaiter (the host enqueues it with its result set), so acks=all adds no allocation per
 * append to what acks=1 costs.
 */
export class PendingAppend implements FlushWaiter {
  /** Set once written (offsets assigned); what the append resolves to. */
  result: AppendResult | null = null;

  constructor(
    readonly records: Buffer,
    readonly durable: boolean,
    readonly resolve: (r: AppendResult) => void,
    readonly reject: (e: Error) => void,
    /** AppendOptions.onWritten: the append's bytes are written (a durable one's sync not yet done). */
    readonly onWritten?: (r: AppendResult) => void,
  ) {}

  get flushOffset(): number {
    return this.result!.lastOffset + 1;
  }

  flushed(): void {
    this.resolve(this.result!);
  }

  flushFailed(e: Error): void {
    this.reject(e);
  }
}

/** What the append turn reads of the partition log, and the two steps it leaves to it. */
export interface AppendTurnHost {
  now(): number;
  readonly config: LogConfig;
  /** segment.jitter.ms drawn for the active segment. */
  readonly rollJitterMs: number;
  readonly activeSegment: LogSegment;
  readonly logEndOffset: number;
  /** The error that took the partition offline, or null. */
  readonly failure: StorageError | null;
  /** Starts a new active segment at the log end (called inside the turn). */
  roll(now: number): Promise<void>;
  /** Writes gathered appends (offsets assigned) in one writev, then advances LEO and resolves them. */
  writeGathered(batch: readonly PendingAppend[], results: readonly AppendResult[], now: number): Promise<void>;
}

export class AppendTurn {
  private chain: Promise<unknown> = Promise.resolve();
  /** Appends waiting for the next append turn; they share its one write (see appendGroup). */
  private forming: PendingAppend[] | null = null;

  constructor(private readonly host: AppendTurnHost) {}

  /** Resolves once every turn queued so far has finished (never rejects). */
  idle(): Promise<unknown> {
    return this.chain;
  }

  /** Runs `fn` in its own turn, after every turn queued so far. */
  run<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    const step = this.chain.then(fn);
    this.chain = step.catch(() => {});
    return step;
  }

  /** Queues an append: it joins the turn being formed, or starts the next one. */
  append(records: Buffer, durable: boolean, onWritten?: (r: AppendResult) => void): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      const pending = new PendingAppend(records, durable, resolve, reject, onWritten);
      if (this.forming) {
        this.forming.push(pending);
        return;
      }
      const group = [pending];
      this.forming = group;
      void this.run(() => {
        if (this.forming === group) this.forming = null;
        return this.appendGroup(group);
      });
    });
  }

  /**
   * One append turn for every append that arrived while the previous turn was writing: offsets are
   * assigned in arrival order and all of them go to the file in one writev. Write coalescing is what
   * keeps latency flat under load: with one write per append, appends queue behind each other's
   * thread-pool round trips, and the queue grows without bound once arrivals outpace round trips
   * (measured: 30 ms p50 waiting for the turn at 10k msg/s, for 0.08 ms writes).
   */
  private async appendGroup(group: PendingAppend[]): Promise<void> {
    const host = this.host;
    const now = host.now();
    const appendTime = host.config.logAppendTime;
    let batch: PendingAppend[] = [];
    let batchBytes = 0;
    let next = host.logEndOffset;
    const results: AppendResult[] = [];
    // One roll question object per turn, updated in place (a turn runs for every produce request).
    const roll: RollInput = { config: host.config, jitterMs: host.rollJitterMs, incomingBytes: 0, incomingMaxTimestamp: -1, nextOffset: next, now };
    let i = 0;
    try {
      for (; i < group.length; i++) {
        if (host.failure) throw host.failure;
        const records = group[i]!.records;
        let maxTimestamp = -1;
        for (let pos = 0; pos < records.length; pos += batchTotalSize(records, pos)) maxTimestamp = Math.max(maxTimestamp, batchMaxTimestamp(records, pos));
        if (appendTime) maxTimestamp = now;
        roll.config = host.config;
        roll.jitterMs = host.rollJitterMs;
        roll.incomingMaxTimestamp = maxTimestamp;
        // A roll decision counts the bytes already gathered; when one is due they are written to the
        // old segment first, so each segment gets exactly what it would have got one append at a time.
        if (batch.length > 0) {
          roll.incomingBytes = batchBytes + records.length;
          roll.nextOffset = next;
          if (shouldRoll(host.activeSegment, roll)) {
            await host.writeGathered(batch, results, now);
            batch = [];
            batchBytes = 0;
            results.length = 0;
          }
        }
        if (batch.length === 0) {
          roll.incomingBytes = records.length;
          roll.nextOffset = host.logEndOffset;
          if (shouldRoll(host.activeSegment, roll)) await host.roll(now);
        }
        const baseOffset = next;
        for (let pos = 0; pos < records.length; pos += batchTotalSize(records, pos)) {
          setBatchBaseOffset(records, pos, next);
          if (appendTime) setLogAppendTime(records, pos, now);
          next += batchLastOffsetDelta(records, pos) + 1;
        }
        batch.push(group[i]!);
        batchBytes += records.length;
        results.push({ baseOffset, lastOffset: next - 1, logAppendTimeMs: appendTime ? now : -1 });
      }
      await host.writeGathered(batch, results, now);
    } catch (e) {
      // Everything not yet resolved fails with the error (the partition is offline by now).
      const err = e instanceof Error ? e : new Error(String(e));
      for (const p of batch) p.reject(err);
      for (let k = i + 1; k < group.length; k++) group[k]!.reject(err);
      if (i < group.length && !batch.includes(group[i]!)) group[i]!.reject(err);
    }
  }
}
