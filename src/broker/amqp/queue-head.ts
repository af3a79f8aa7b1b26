// The head of a queue's ready messages, where its limits act:
//
// - x-max-length / x-max-length-bytes count ready messages (RabbitMQ's rule: unacknowledged ones
//   do not count); drop-head archives the oldest with reason 'maxlen' (one pass at a time). The
//   byte count is a running estimate (bodies added on append), recounted from the log when an
//   acquisition, a release or a purge made it stale, and exactly before dropping;
// - TTL at the head: expired messages are archived with reason 'expired' by a head timer even
//   without consumers (RabbitMQ's TTL timer; only the head is checked, as RabbitMQ does).
import type { Logger } from '../../util/logger.js';
import { readWindow, type QueueEngine, type ShareSlot } from '../queues/index.js';
import type { PartitionLog } from '../../storage/index.js';
import type { DecodedBatches } from './decoded-batches.js';
import type { StoredMessage } from './message-record.js';
import type { QueueArguments } from './queue-arguments.js';

/** Most bytes read from the log per scan step. */
const READ_BYTES = 256 * 1024;

/** What the head needs of its queue. */
export interface QueueHeadHost {
  readonly name: string;
  readonly args: QueueArguments;
  readonly log: PartitionLog;
  readonly slot: ShareSlot;
  isDeleted(): boolean;
  readonly engine: QueueEngine;
  readonly decoded: DecodedBatches;
  readonly logger: Logger;
  now(): number;
  readyCount(): number;
  /** Messages accepted and not yet handed to the log. */
  pendingCount(): number;
  pendingBodyBytes(): number;
  pump(): void;
}

export class QueueHead {
  /** Whether records may carry an expiry (a TTL argument, or messages published with expiration). */
  mayExpire = true;
  /** Body bytes of ready messages in the log (x-max-length-bytes). */
  readyBytes = 0;
  /** False once readyBytes may be stale: recounted on next use. */
  readyBytesValid = false;
  private dropping = false;
  private dropAgain = false;
  private expiryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly q: QueueHeadHost) {}

  // ---- length limits ----

  /** Whether a message of `extraBytes` would exceed x-max-length or x-max-length-bytes. */
  full(extraBytes: number): boolean {
    const { maxLength, maxLengthBytes } = this.q.args;
    if (maxLength !== undefined && this.q.readyCount() >= maxLength) return true;
    if (maxLengthBytes !== undefined && this.readyBytesEstimate() + extraBytes > maxLengthBytes) return true;
    return false;
  }

  /** After an append: drop-head when over a limit, and arm the expiry timer. */
  afterAppend(): void {
    const { overflow, maxLength, maxLengthBytes } = this.q.args;
    if (overflow === 'drop-head' && (maxLength !== undefined || maxLengthBytes !== undefined)) void this.dropHead();
    this.scheduleExpiry();
  }

  /** drop-head: archives the oldest ready messages until the queue is within its limits (one pass at a time). */
  private async dropHead(): Promise<void> {
    if (this.dropping) {
      this.dropAgain = true;
      return;
    }
    this.dropping = true;
    try {
      do {
        this.dropAgain = false;
        await this.dropHeadOnce();
      } while (this.dropAgain && !this.q.isDeleted());
    } finally {
      this.dropping = false;
    }
  }

  private async dropHeadOnce(): Promise<void> {
    const { maxLength, maxLengthBytes } = this.q.args;
    let excess = maxLength !== undefined ? this.q.readyCount() - this.q.pendingCount() - maxLength : 0;
    if (maxLengthBytes !== undefined) {
      // Exact here (a read of the ready messages, at most about the limit): the running count is an estimate.
      await this.recountBytes();
      const bytesOver = this.readyBytes - maxLengthBytes;
      if (bytesOver > 0) excess = Math.max(excess, await this.countHeadForBytes(bytesOver));
    }
    if (excess <= 0) return;
    await this.discardHead(excess, 'maxlen').catch((e: unknown) => this.q.logger.warn('dropping queue head failed', { queue: this.q.name, error: String(e) }));
  }

  /** Archives the first `n` ready messages (in the window, then past it). */
  private async discardHead(n: number, reason: 'maxlen' | 'expired'): Promise<number> {
    let left = n;
    let done = 0;
    const sp = this.q.slot.sp;
    const ranges: [number, number][] = [];
    for (const r of sp.window.runs) {
      if (left <= 0) break;
      if (r.state !== 0) continue;
      const last = Math.min(r.last, r.first + left - 1);
      ranges.push([r.first, last]);
      left -= last - r.first + 1;
    }
    if (left > 0) {
      const from = sp.endOffset;
      const last = Math.min(this.q.log.highWatermark - 1, from + left - 1);
      if (last >= from) ranges.push([from, last]);
    }
    for (const [first, last] of ranges) done += await this.q.engine.discard(this.q.slot, first, last, reason, true, false);
    return done;
  }

  // ---- byte accounting (x-max-length-bytes): body sizes of ready messages, read from the log ----

  private readyBytesEstimate(): number {
    if (this.q.args.maxLengthBytes === undefined) return 0;
    if (!this.readyBytesValid) void this.recountBytes();
    return this.readyBytes + this.q.pendingBodyBytes();
  }

  private async recountBytes(): Promise<void> {
    this.readyBytesValid = true;
    let total = 0;
    await this.forEachReady((m) => {
      total += m.body.length;
      return true;
    });
    this.readyBytes = total;
  }

  private async countHeadForBytes(bytesOver: number): Promise<number> {
    let n = 0;
    let freed = 0;
    await this.forEachReady((m) => {
      n++;
      freed += m.body.length;
      return freed < bytesOver;
    });
    this.readyBytes -= freed;
    return n;
  }

  /** Calls fn for ready messages from the head while it returns true. */
  private async forEachReady(fn: (m: StoredMessage) => boolean): Promise<void> {
    const { slot, log } = this.q;
    let offset = Math.max(slot.sp.startOffset, log.logStartOffset);
    const hw = log.highWatermark;
    while (offset < hw) {
      const read = await readWindow(log, offset, READ_BYTES, null);
      if (!read || read.extents.length === 0) return;
      const messages: StoredMessage[] = [];
      this.q.decoded.forEachIn(read.chunks, offset, Infinity, (m) => messages.push(m));
      for (const m of messages) {
        const run = slot.sp.window.runAt(m.offset);
        const ready = run ? run.state === 0 : m.offset >= slot.sp.endOffset;
        if (ready && !fn(m)) return;
      }
      offset = read.extents[read.extents.length - 1]!.last + 1;
    }
  }

  // ---- TTL ----

  /** Archives the expired ones among `messages` that are still ready (before a delivery); returns how many. */
  async discardExpired(messages: readonly StoredMessage[], now: number): Promise<number> {
    let n = 0;
    for (const m of messages) {
      if (m.expiresAt > now) continue;
      const run = this.q.slot.sp.window.runAt(m.offset);
      if (run && run.state !== 0) continue;
      n += await this.q.engine.discard(this.q.slot, m.offset, m.offset, 'expired', true, false);
    }
    return n;
  }

  /** Head expiry: messages expire at the head even without consumers (RabbitMQ's TTL timer). */
  scheduleExpiry(): void {
    if (!this.mayExpire || this.expiryTimer || this.q.isDeleted()) return;
    this.expiryTimer = setTimeout(() => {
      this.expiryTimer = null;
      void this.expireHead();
    }, 50);
    this.expiryTimer.unref();
  }

  stop(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
  }

  private async expireHead(): Promise<void> {
    if (this.q.isDeleted()) return;
    const now = this.q.now();
    let soonest = Infinity;
    let sawExpiry = false;
    const dead: number[] = [];
    await this.forEachReady((m) => {
      if (Number.isFinite(m.expiresAt)) sawExpiry = true;
      if (m.expiresAt <= now) {
        dead.push(m.offset);
        return dead.length < 10_000;
      }
      soonest = Math.min(soonest, m.expiresAt);
      // Only the head is checked, as RabbitMQ does: a later message with a shorter TTL waits.
      return false;
    }).catch(() => {});
    for (const o of dead) await this.q.engine.discard(this.q.slot, o, o, 'expired', true, false).catch(() => 0);
    if (dead.length > 0) this.q.pump();
    if (!sawExpiry && this.q.args.messageTtl === undefined) this.mayExpire = false;
    if (Number.isFinite(soonest) || dead.length >= 10_000) {
      const wait = Math.max(5, Math.min(soonest - now, 60_000));
      this.expiryTimer = setTimeout(() => {
        this.expiryTimer = null;
        void this.expireHead();
      }, wait);
      this.expiryTimer.unref();
    }
  }
}
