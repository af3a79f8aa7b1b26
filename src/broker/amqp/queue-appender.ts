// The publish side of a queue: accepted messages wait in `pending` until the end of the event-loop
// turn, then go to the queue's log as record batches (at most APPEND_BATCH_BYTES each), one write
// per batch, durable (fdatasync before `done`) when any message of the batch is persistent and the
// queue durable. One batch per turn carries the publishes of every connection read in that turn.
//
// A durable batch's messages can be settled before its fdatasync ends, when a consumer acknowledges
// them first (unsynced-publishes.ts); each `done` runs once either way.
//
// This queue is its log's only writer, so offsets are assigned in flush order: `appendedEnd` (one
// past the last offset handed to the log) counts messages still being written as ready.
import type { PartitionLog } from '../../storage/index.js';
import { encodeMessageBatch, storedMessagesOf, type QueuedMessage } from './message-batch.js';
import type { StoredMessage } from './message-record.js';
import { UnsyncedPublishes, type UnsyncedPublish } from './unsynced-publishes.js';

/** Most bytes of records per appended batch. */
const APPEND_BATCH_BYTES = 1 << 20;

/** One accepted message: what its record holds, and its publisher's wait. */
class Pending implements UnsyncedPublish, QueuedMessage {
  settled = false;
  propertiesAt = 0;
  bodyAt = 0;

  constructor(
    readonly exchange: Buffer,
    readonly routingKey: Buffer,
    readonly properties: Buffer,
    readonly body: Buffer,
    readonly timestamp: number,
    readonly expiresAt: number,
    readonly durable: boolean,
    readonly size: number,
    readonly done: (error?: unknown) => void,
  ) {}

  settle(): void {
    this.done();
  }
}

export interface AppenderHooks {
  now(): number;
  /**
   * A batch was just written, before anything could read it back: `messages()` gives its messages
   * as a read would (views of the batch, built only if called), `batchBytes` long.
   */
  stored(messages: () => StoredMessage[], batchBytes: number): void;
  /** A batch is in the log: `bodyBytes` of message bodies became ready (before its `done`s run). */
  written(bodyBytes: number): void;
  /** After the `done`s of a written batch (drop-head, expiry, delivery). */
  appended(): void;
}

export class QueueAppender {
  private pending: Pending[] = [];
  private flushScheduled = false;
  /** One past the last offset handed to the log. */
  private appendedEnd = 0;
  /** Resolved when the last append handed to the log has settled. */
  private lastAppend: Promise<void> = Promise.resolve();
  /** Waiting for the next flush's appends (whenAppended() called while messages were pending). */
  private flushWaiters: Array<() => void> = [];
  private readonly flushBound = (): void => this.flush();
  /** Durable batches written and not yet synced: consumers' acknowledgements may settle them first. */
  private readonly unsynced = new UnsyncedPublishes();

  constructor(
    private readonly log: PartitionLog,
    private readonly hooks: AppenderHooks,
  ) {}

  /** Messages accepted and not yet handed to the log. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** One past the last offset handed to the log (written or being written). */
  get endOffset(): number {
    return this.appendedEnd;
  }

  /** Body bytes of the messages not yet handed to the log. */
  pendingBodyBytes(): number {
    return this.pending.reduce((s, p) => s + p.body.length, 0);
  }

  /**
   * Accepts a message (exchange and routing key as UTF-8 bytes; expiresAt Infinity without a TTL)
   * for the next batch; `size` is its share of APPEND_BATCH_BYTES.
   */
  enqueue(
    exchange: Buffer,
    routingKey: Buffer,
    properties: Buffer,
    body: Buffer,
    timestamp: number,
    expiresAt: number,
    durable: boolean,
    size: number,
    done: (error?: unknown) => void,
  ): void {
    this.pending.push(new Pending(exchange, routingKey, properties, body, timestamp, expiresAt, durable, size, done));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // After every I/O callback of this event-loop turn: publishes from all connections read in
      // the turn share one record batch, one write and one fsync.
      setImmediate(this.flushBound);
    }
  }

  /**
   * Resolves once every message accepted so far is in the log (or failed to get there).
   * basic.get waits for it: in RabbitMQ a message routed before a get (the publisher's channel
   * closed, say) is in the queue when the get arrives; here it may still wait for this turn's batch.
   */
  whenAppended(): Promise<void> {
    if (this.pending.length === 0) return this.lastAppend;
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  /**
   * Consumers acknowledged these offsets (sorted; the acknowledgement is written to the state log):
   * messages among them still waiting for their batch's fdatasync are settled now.
   */
  consumed(offsets: readonly number[]): void {
    this.unsynced.consumed(offsets);
  }

  /** Fails every pending message (the queue is deleted) and releases the waiters. */
  failPending(error: Error): void {
    for (const p of this.pending) p.done(error);
    this.pending = [];
    this.unsynced.clear();
    for (const w of this.flushWaiters.splice(0)) w();
  }

  private flush(): void {
    this.flushScheduled = false;
    const all = this.pending;
    this.pending = [];
    for (let i = 0; i < all.length; ) {
      let bytes = 0;
      let j = i;
      while (j < all.length && (j === i || bytes + all[j]!.size <= APPEND_BATCH_BYTES)) bytes += all[j++]!.size;
      const group = all.slice(i, j);
      i = j;
      const batch = encodeMessageBatch(group, 0, group.length);
      this.appendedEnd = Math.max(this.appendedEnd, this.log.logEndOffset) + group.length;
      const durable = group.some((p) => p.durable);
      let writtenAt = -1;
      const onWritten = (r: { baseOffset: number }): void => {
        this.hooks.stored(() => storedMessagesOf(batch, r.baseOffset, group, 0, group.length), batch.length);
        if (!durable) return;
        writtenAt = r.baseOffset;
        this.unsynced.written(r.baseOffset, group);
      };
      const untrack = (): void => {
        if (writtenAt >= 0) this.unsynced.synced(writtenAt);
      };
      // The batch was built here, so its CRC is known good: the log skips checking it again.
      this.lastAppend = this.log.append(batch, { durable, onWritten, crcChecked: true }).then(
        () => {
          untrack();
          let body = 0;
          for (const p of group) body += p.body.length;
          this.hooks.written(body);
          for (const p of group) if (!p.settled) p.done();
          this.hooks.appended();
        },
        (e: unknown) => {
          // Refused before it was written (too large, the log offline): the group took no offsets.
          if (writtenAt < 0) this.appendedEnd -= group.length;
          untrack();
          // A message settled early was consumed and acknowledged: the failed sync cannot take it back.
          for (const p of group) if (!p.settled) p.done(e ?? new Error('append failed'));
        },
      );
    }
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    if (waiters.length > 0) void this.lastAppend.then(() => waiters.forEach((w) => w()));
  }
}
