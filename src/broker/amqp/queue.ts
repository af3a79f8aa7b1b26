// One AMQP queue at run time: its log (one partition of an internal topic), its share-partition
// in the queue engine (src/broker/queues: acquire / acknowledge / release / archive), its consumers,
// and the queue-level rules the engine leaves to this front door (queue-engine.ts's design note):
//
// - publish: messages are appended in one record batch per queue per event-loop turn, durable
//   (fdatasync before the publisher's confirm) when the message is persistent and the queue durable
//   (one batch per event-loop turn: the publishes of every connection read in that turn);
// - delivery: consumers with credit (basic.qos) take turns (round robin; consumer priorities and
//   single active consumer in consumer-order.ts); each turn acquires up to
//   the consumer's credit with the channel as the engine member, in offset order (requeued messages
//   go back to their place, so per-queue order is offset order); redelivered = delivery count > 1;
// - TTL: expired messages (x-message-ttl, per-message expiration) are archived with reason
//   'expired' before delivery and by a head timer, dead-lettered when the queue has a DLX;
// - x-max-length / x-max-length-bytes count ready messages (RabbitMQ's rule: unacknowledged ones
//   do not count): drop-head archives the oldest with reason 'maxlen', reject-publish refuses,
//   reject-publish-dlx refuses and dead-letters the refused message (reason 'maxlen');
// - purge archives every ready message (never dead-lettered).
//
// Ordering invariant: one pump runs per queue at a time; every engine call that changes state does
// so synchronously before its first await, so a consumer removed before an acquisition never gets
// it, and one removed after has it released by the engine's releaseMember.
import { buildRecordBatch } from '../../protocol/records/batch-builder.js';
import type { RecordInput } from '../../protocol/records/record.js';
import type { PartitionLog } from '../../storage/index.js';
import type { Logger } from '../../util/logger.js';
import { AckType, readWindow, type AckBatch, type QueueEngine, type ShareSlot } from '../queues/index.js';
import type { QueueDefinition } from './definitions-store.js';
import { toRecord, type AmqpMessage, type StoredMessage } from './message-record.js';
import type { QueueArguments } from './queue-arguments.js';
import { DecodedBatches } from './decoded-batches.js';
import { ConsumerOrder } from './consumer-order.js';

export interface Delivery {
  message: StoredMessage;
  /** 1 on first delivery. */
  deliveryCount: number;
}

/** A consumer as the queue sees it (implemented by channels). */
export interface QueueConsumer {
  readonly tag: string;
  /** The engine member owning its acquisitions: the channel. */
  readonly member: string;
  readonly noAck: boolean;
  readonly exclusive: boolean;
  /** basic.consume x-priority (consumer-order.ts); 0 without. */
  readonly priority: number;
  /** Deliveries it holds unacknowledged. */
  readonly unacked: number;
  /** Messages it may take now (Infinity: no limit). */
  credit(): number;
  /** Whether it can still receive (its channel is open and it is not cancelled). */
  live(): boolean;
  deliver(queue: AmqpQueue, deliveries: Delivery[]): void;
}

export interface QueueHooks {
  now(): number;
  logger: Logger;
  /** The queue became unused long enough (x-expires) or lost its last consumer (auto-delete). */
  onIdle(queue: AmqpQueue, why: 'expires' | 'auto-delete'): void;
  /** x-overflow=reject-publish-dlx refused a message: it is dead-lettered (reason maxlen). */
  onRefused?(queue: AmqpQueue, m: AmqpMessage): void;
}

/**
 * Publisher flow control: a queue with consumers that holds more ready messages than this
 * stops reading the connections publishing to it (see AmqpQueue.backlogOver) until it is down to half.
 */
export const FLOW_BACKLOG = 1000;
/** A queue that delivered nothing for this long is not draining: it holds no publisher. */
const FLOW_STALL_MS = 1000;

/** Most bytes read from the log per delivery turn. */
const READ_BYTES = 256 * 1024;
/** Most bytes of records per appended batch. */
const APPEND_BATCH_BYTES = 1 << 20;

interface Pending {
  record: RecordInput;
  durable: boolean;
  size: number;
  done: (error?: unknown) => void;
}

/** A stream queue's consumer (stream-consumer.ts) as the queue sees it: told to read when the log grows. */
export interface StreamReader {
  pump(): void;
  /** The queue was deleted: basic.cancel to the client. */
  cancelByServer(): void;
}

export class AmqpQueue {
  readonly consumers: QueueConsumer[] = [];
  /** Consumers of a stream queue (x-queue-type=stream): readers with their own positions. */
  readonly streamConsumers = new Set<StreamReader>();
  /** The connection owning an exclusive queue. */
  exclusiveOwner: unknown = null;
  deleted = false;
  /** Cumulative counts since the queue was opened in this process (the management API's message_stats). */
  readonly stats = { published: 0, delivered: 0, acked: 0 };
  /** Set on a priority level of a priority queue (priority-queue.ts): its consumers are the parent's. */
  parent: AmqpQueue | null = null;
  private readonly order: ConsumerOrder<QueueConsumer>;
  private pending: Pending[] = [];
  /**
   * One past the last offset handed to the log (this queue is its log's only writer, so offsets
   * are assigned in flush order): messages written or still being written count as ready.
   */
  private appendedEnd = 0;
  private flushScheduled = false;
  private pumping = false;
  private pumpAgain = false;
  private hadConsumer = false;
  private expiryTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Whether records may carry an expiry (a TTL argument, or messages published with expiration). */
  private mayExpire: boolean;
  private readonly unsubscribe: () => void;
  private readonly decoded = new DecodedBatches();
  /** When a delivery turn last handed messages to a consumer (publisher flow control). */
  private lastDeliveryAt = 0;
  /** Connections held by this queue's backlog: called once it is down to FLOW_BACKLOG / 2. */
  private backlogWaiters: (() => void)[] = [];

  constructor(
    readonly vhost: string,
    readonly def: QueueDefinition,
    readonly args: QueueArguments,
    readonly log: PartitionLog,
    readonly slot: ShareSlot,
    private readonly engine: QueueEngine,
    private readonly hooks: QueueHooks,
  ) {
    this.mayExpire = true;
    this.order = new ConsumerOrder(args.singleActiveConsumer);
    this.unsubscribe = log.addAppendListener(() => this.pump());
    this.touch();
  }

  get name(): string {
    return this.def.name;
  }

  get owner(): string {
    return this.slot.key.groupId;
  }

  /** Ready messages: available in the window, plus everything past it, plus appends in flight. */
  readyCount(): number {
    if (this.args.type === 'stream') return Math.max(0, Math.max(this.log.highWatermark, this.appendedEnd) - this.log.logStartOffset) + this.pending.length;
    const s = this.slot.sp;
    let available = 0;
    for (const r of s.window.runs) if (r.state === 0) available += r.last - r.first + 1;
    return available + Math.max(0, Math.max(this.log.highWatermark, this.appendedEnd) - s.endOffset) + this.pending.length;
  }

  /** Messages acquired by consumers and not yet settled. */
  unackedCount(): number {
    let n = 0;
    for (const r of this.slot.sp.window.runs) if (r.state === 1) n += r.last - r.first + 1;
    return n;
  }

  // ---- publisher flow control ----

  /**
   * Whether publishers to this queue should be held (RabbitMQ's credit flow, by backlog): the queue
   * has consumers, delivered within the last second or got a consumer then (it is draining, so the
   * hold ends), and holds more than FLOW_BACKLOG ready messages. Without it a consumer slower than
   * its publishers turns publish-to-deliver latency into backlog.
   */
  backlogOver(): boolean {
    if (this.consumers.length === 0 || this.args.type === 'stream' || this.deleted) return false;
    if (this.hooks.now() - this.lastDeliveryAt > FLOW_STALL_MS) return false;
    return this.readyCount() > FLOW_BACKLOG;
  }

  /** Calls fn once the backlog is down to half the bound (or the queue stops draining or goes). */
  onBacklogDrained(fn: () => void): void {
    this.backlogWaiters.push(fn);
  }

  private checkBacklog(force = false): void {
    if (this.backlogWaiters.length === 0) return;
    if (!force && this.consumers.length > 0 && !this.deleted && this.readyCount() > FLOW_BACKLOG / 2) return;
    const waiters = this.backlogWaiters;
    this.backlogWaiters = [];
    for (const w of waiters) w();
  }

  // ---- publishing ----

  /**
   * Enqueues a message; `done` is called once it is in the log (fdatasynced when `durable`), with
   * the error when the write failed. Returns false when x-overflow reject-publish refuses it.
   */
  publish(m: AmqpMessage, durable: boolean, done: (error?: unknown) => void): boolean {
    if (this.args.overflow !== 'drop-head' && this.full(m.body.length)) {
      if (this.args.overflow === 'reject-publish-dlx') this.hooks.onRefused?.(this, m);
      return false;
    }
    const now = this.hooks.now();
    const ttl = minDefined(this.args.messageTtl, m.expirationMs);
    if (m.expirationMs !== undefined) this.mayExpire = true;
    const record = toRecord(m, now, ttl === undefined ? Infinity : now + ttl);
    this.stats.published++;
    this.pending.push({ record, durable: durable && this.def.durable, size: m.body.length + m.properties.length + m.routingKey.length + 64, done });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // After every I/O callback of this event-loop turn: publishes from all connections read in
      // the turn share one record batch, one write and one fsync.
      setImmediate(this.flushBound);
    }
    return true;
  }

  /** publish() as a promise (dead-lettering, tests); rejects when refused. */
  publishAsync(m: AmqpMessage, durable: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.publish(m, durable, (e) => (e === undefined ? resolve() : reject(e as Error)))) reject(new Error('rejected by x-overflow'));
    });
  }

  private full(extraBytes: number): boolean {
    const { maxLength, maxLengthBytes } = this.args;
    if (maxLength !== undefined && this.readyCount() >= maxLength) return true;
    if (maxLengthBytes !== undefined && this.readyBytesEstimate() + extraBytes > maxLengthBytes) return true;
    return false;
  }

  /** Resolved when the last append handed to the log has settled. */
  private lastAppend: Promise<void> = Promise.resolve();
  /** Waiting for the next flush's appends (whenAppended() called while messages were pending). */
  private flushWaiters: Array<() => void> = [];

  /**
   * Resolves once every message this queue accepted so far is in its log (or failed to get there).
   * basic.get waits for it: in RabbitMQ a message routed before a get (the publisher's channel
   * closed, say) is in the queue when the get arrives; here it may still wait for this turn's batch.
   */
  whenAppended(): Promise<void> {
    if (this.pending.length === 0) return this.lastAppend;
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  private readonly flushBound = (): void => this.flush();

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
      const batch = buildRecordBatch(
        group.map((p) => p.record),
        { timestamp: group[0]!.record.timestamp ?? this.hooks.now() },
      );
      this.appendedEnd = Math.max(this.appendedEnd, this.log.logEndOffset) + group.length;
      this.lastAppend = this.log.append(batch, { durable: group.some((p) => p.durable) }).then(
        () => {
          for (const p of group) this.readyBytes += p.record.value?.length ?? 0;
          for (const p of group) p.done();
          this.afterAppend();
        },
        (e: unknown) => {
          for (const p of group) p.done(e ?? new Error('append failed'));
        },
      );
    }
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    if (waiters.length > 0) void this.lastAppend.then(() => waiters.forEach((w) => w()));
  }

  private afterAppend(): void {
    if (this.args.overflow === 'drop-head' && (this.args.maxLength !== undefined || this.args.maxLengthBytes !== undefined)) void this.dropHead();
    this.scheduleExpiry();
    this.pump();
  }

  private dropping = false;
  private dropAgain = false;

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
      } while (this.dropAgain && !this.deleted);
    } finally {
      this.dropping = false;
    }
  }

  private async dropHeadOnce(): Promise<void> {
    const { maxLength, maxLengthBytes } = this.args;
    let excess = maxLength !== undefined ? this.readyCount() - this.pending.length - maxLength : 0;
    if (maxLengthBytes !== undefined) {
      // Exact here (a read of the ready messages, at most about the limit): the running count is an estimate.
      await this.recountBytes();
      const bytesOver = this.readyBytes - maxLengthBytes;
      if (bytesOver > 0) excess = Math.max(excess, await this.countHeadForBytes(bytesOver));
    }
    if (excess <= 0) return;
    await this.discardHead(excess, 'maxlen').catch((e: unknown) => this.hooks.logger.warn('dropping queue head failed', { queue: this.name, error: String(e) }));
  }

  /** Archives the first `n` ready messages (in the window, then past it). */
  private async discardHead(n: number, reason: 'maxlen' | 'expired'): Promise<number> {
    let left = n;
    let done = 0;
    const sp = this.slot.sp;
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
      const last = Math.min(this.log.highWatermark - 1, from + left - 1);
      if (last >= from) ranges.push([from, last]);
    }
    for (const [first, last] of ranges) done += await this.engine.discard(this.slot, first, last, reason, true, false);
    return done;
  }

  // ---- byte accounting (x-max-length-bytes): body sizes of ready messages, read from the log ----

  private readyBytes = 0;
  private readyBytesValid = false;

  private readyBytesEstimate(): number {
    if (this.args.maxLengthBytes === undefined) return 0;
    if (!this.readyBytesValid) void this.recountBytes();
    return this.readyBytes + this.pending.reduce((s, p) => s + (p.record.value?.length ?? 0), 0);
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
    let offset = Math.max(this.slot.sp.startOffset, this.log.logStartOffset);
    const hw = this.log.highWatermark;
    while (offset < hw) {
      const read = await readWindow(this.log, offset, READ_BYTES, null);
      if (!read || read.extents.length === 0) return;
      const messages: StoredMessage[] = [];
      this.decoded.forEachIn(read.chunks, offset, Infinity, (m) => messages.push(m));
      for (const m of messages) {
        const run = this.slot.sp.window.runAt(m.offset);
        const ready = run ? run.state === 0 : m.offset >= this.slot.sp.endOffset;
        if (ready && !fn(m)) return;
      }
      offset = read.extents[read.extents.length - 1]!.last + 1;
    }
  }

  // ---- consumers ----

  addConsumer(c: QueueConsumer): void {
    this.consumers.push(c);
    this.order.added(c);
    this.hadConsumer = true;
    // A new consumer counts as draining (flow control) until it has had a second to take messages.
    this.lastDeliveryAt = this.hooks.now();
    this.touch();
    this.pump();
  }

  addStreamConsumer(c: StreamReader): void {
    this.streamConsumers.add(c);
    this.touch();
    c.pump();
  }

  removeConsumer(c: QueueConsumer | StreamReader): void {
    if (this.streamConsumers.delete(c as StreamReader)) {
      this.touch();
      return;
    }
    const i = this.consumers.indexOf(c as QueueConsumer);
    if (i < 0) return;
    this.consumers.splice(i, 1);
    this.touch();
    if (this.consumers.length === 0) this.checkBacklog(true);
    if (this.consumers.length === 0 && this.hadConsumer && this.def.autoDelete) this.hooks.onIdle(this, 'auto-delete');
  }

  /** Resets the x-expires clock (declare, get, consume, cancel). */
  touch(): void {
    if (this.args.expires === undefined || this.deleted) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.consumers.length === 0 && !this.deleted) this.hooks.onIdle(this, 'expires');
      else this.touch();
    }, this.args.expires);
    this.idleTimer.unref();
  }

  /** Tries to deliver to consumers with credit; runs one turn at a time. */
  pump(): void {
    if (this.parent) {
      this.parent.pump();
      return;
    }
    if (this.deleted || this.slot.failed) return;
    if (this.args.type === 'stream') {
      for (const c of this.streamConsumers) c.pump();
      return;
    }
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    if (this.consumers.length === 0) return;
    this.pumping = true;
    void this.pumpLoop()
      .catch((e: unknown) => this.hooks.logger.warn('queue delivery failed', { queue: this.name, error: String(e) }))
      .finally(() => {
        this.pumping = false;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.pump();
        }
      });
  }

  private async pumpLoop(): Promise<void> {
    for (;;) {
      this.pumpAgain = false;
      if (this.deleted) return;
      const c = this.order.next(this.consumers);
      if (!c) return;
      const share = this.consumers.length > 1 ? 64 : 1024;
      const next = await this.takeNext(c.member, Math.min(c.credit(), share), c.noAck);
      if (next === null) return;
      const { source, deliveries: took } = next;
      if (took.length === 0) continue;
      this.lastDeliveryAt = this.hooks.now();
      if (c.live()) {
        c.deliver(source, took);
        this.checkBacklog();
      } else await source.settle(c.member, took.map((d) => d.message.offset), AckType.Release);
    }
  }

  /**
   * take() from the queue, or for a priority queue from its highest non-empty level: `source` is
   * the queue the deliveries belong to (their acknowledgements go there).
   */
  async takeNext(member: string, max: number, autoAccept: boolean): Promise<{ source: AmqpQueue; deliveries: Delivery[] } | null> {
    const deliveries = await this.take(member, max, autoAccept);
    return deliveries === null ? null : { source: this, deliveries };
  }

  /**
   * Acquires up to `max` messages for `member`, archiving expired ones on the way. Returns null
   * when nothing is acquirable now; [] when only expired messages were found (try again).
   */
  async take(member: string, max: number, autoAccept: boolean): Promise<Delivery[] | null> {
    if (!this.engine.hasAcquirable(this.slot)) return null;
    const from = this.engine.nextFetchOffset(this.slot);
    const read = await readWindow(this.log, from, Math.min(READ_BYTES, Math.max(16 * 1024, max * 1024)), null);
    if (!read || read.extents.length === 0) return null;
    const now = this.hooks.now();
    let expired = 0;
    if (this.mayExpire) {
      const candidates: StoredMessage[] = [];
      this.decoded.forEachIn(read.chunks, from, Infinity, (m) => candidates.push(m));
      expired = await this.discardExpired(candidates, now);
    }
    // In offset order (forEachInRanges walks the read once).
    const ranges = (await this.engine.acquire(this.slot, member, read.extents, { maxRecords: Math.max(1, max), batchSize: 0, recordLimit: true, now })).sort((a, b) => a.first - b.first);
    // Acquired messages are no longer ready: the byte count of x-max-length-bytes is recounted.
    if (this.args.maxLengthBytes !== undefined && ranges.length > 0) this.readyBytesValid = false;
    const out: Delivery[] = [];
    const gaps: number[] = [];
    // One walk over the read for every acquired range; offsets of a range without a message
    // (control batches, compacted-away records) are gaps, acknowledged as such.
    let range = -1;
    let next = 0;
    const closeRange = (): void => {
      if (range >= 0) for (const last = ranges[range]!.last; next <= last; next++) gaps.push(next);
    };
    this.decoded.forEachInRanges(read.chunks, ranges, (m, r) => {
      if (r !== range) {
        closeRange();
        for (let k = range + 1; k < r; k++) for (let o = ranges[k]!.first; o <= ranges[k]!.last; o++) gaps.push(o);
        range = r;
        next = ranges[r]!.first;
      }
      for (; next < m.offset; next++) gaps.push(next);
      out.push({ message: m, deliveryCount: ranges[r]!.deliveryCount });
      next = m.offset + 1;
    });
    closeRange();
    for (let k = range + 1; k < ranges.length; k++) for (let o = ranges[k]!.first; o <= ranges[k]!.last; o++) gaps.push(o);
    if (gaps.length > 0) await this.settle(member, gaps, AckType.Gap);
    this.stats.delivered += out.length;
    if (autoAccept && out.length > 0) void this.settle(member, out.map((d) => d.message.offset), AckType.Accept).catch(() => {});
    if (out.length === 0 && expired === 0 && gaps.length === 0) return null;
    return out;
  }

  private async discardExpired(messages: readonly StoredMessage[], now: number): Promise<number> {
    let n = 0;
    for (const m of messages) {
      if (m.expiresAt > now) continue;
      const run = this.slot.sp.window.runAt(m.offset);
      if (run && run.state !== 0) continue;
      n += await this.engine.discard(this.slot, m.offset, m.offset, 'expired', true, false);
    }
    return n;
  }

  /** Head expiry: messages expire at the head even without consumers (RabbitMQ's TTL timer). */
  private scheduleExpiry(): void {
    if (!this.mayExpire || this.expiryTimer || this.deleted) return;
    this.expiryTimer = setTimeout(() => {
      this.expiryTimer = null;
      void this.expireHead();
    }, 50);
    this.expiryTimer.unref();
  }

  private async expireHead(): Promise<void> {
    if (this.deleted) return;
    const now = this.hooks.now();
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
    for (const o of dead) await this.engine.discard(this.slot, o, o, 'expired', true, false).catch(() => 0);
    if (dead.length > 0) this.pump();
    if (!sawExpiry && this.args.messageTtl === undefined) this.mayExpire = false;
    if (Number.isFinite(soonest) || dead.length >= 10_000) {
      const wait = Math.max(5, Math.min(soonest - now, 60_000));
      this.expiryTimer = setTimeout(() => {
        this.expiryTimer = null;
        void this.expireHead();
      }, wait);
      this.expiryTimer.unref();
    }
  }

  // ---- settlement ----

  /** Applies one acknowledgement type to offsets `member` holds (ack, requeue, reject). */
  async settle(member: string, offsets: readonly number[], type: number): Promise<void> {
    if (offsets.length === 0 || this.deleted || this.args.type === 'stream') return;
    const sorted = [...offsets].sort((a, b) => a - b);
    const batches: AckBatch[] = [];
    for (const o of sorted) {
      const last = batches[batches.length - 1];
      if (last && last.last + 1 === o) last.last = o;
      else if (!last || last.last !== o) batches.push({ first: o, last: o, types: [type] });
    }
    // basic.ack has no reply: accepts (and gaps) are written, their fsync rides the state log's next
    // durable write or its flush.ms (AMQP_STATE_TOPIC_CONFIGS); requeues and rejects are fsynced.
    const refusal = await this.engine.acknowledge(this.slot, member, batches, type !== AckType.Accept && type !== AckType.Gap);
    if (!refusal && type === AckType.Accept) this.stats.acked += sorted.length;
    if (refusal) this.hooks.logger.debug('acknowledgement refused by the queue engine', { queue: this.name, reason: refusal.message });
    if (type === AckType.Release) {
      this.readyBytesValid = false;
      this.pump();
    }
  }

  /** Releases everything `member` holds (its channel closed): redelivered later. */
  async releaseMember(member: string): Promise<void> {
    await this.engine.releaseMember(this.owner, member);
    this.readyBytesValid = false;
    this.pump();
  }

  /** queue.purge: archives every ready message (no dead-lettering); returns how many. */
  async purge(): Promise<number> {
    const ready = this.readyCount() - this.pending.length;
    let n = 0;
    const sp = this.slot.sp;
    const ranges: [number, number][] = sp.window.runs.filter((r) => r.state === 0).map((r) => [r.first, r.last]);
    if (this.log.highWatermark > sp.endOffset) ranges.push([sp.endOffset, this.log.highWatermark - 1]);
    for (const [first, last] of ranges) n += await this.engine.discard(this.slot, first, last, 'rejected', false, true);
    this.readyBytes = 0;
    return Math.min(n, Math.max(ready, n));
  }

  /** Stops timers and listeners (the queue is being deleted or the server closes). */
  stop(): void {
    this.deleted = true;
    this.checkBacklog(true);
    this.unsubscribe();
    this.decoded.clear();
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.expiryTimer = null;
    this.idleTimer = null;
    for (const p of this.pending) p.done(new Error('queue deleted'));
    this.pending = [];
    for (const w of this.flushWaiters.splice(0)) w();
  }

  /** Starts head expiry after a restart (messages may have expired while the broker was down). */
  start(): void {
    this.scheduleExpiry();
  }
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
