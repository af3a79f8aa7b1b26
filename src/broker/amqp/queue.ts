// One AMQP queue at run time: its log (one partition of an internal topic), its share-partition
// in the queue engine (src/broker/queues: acquire / acknowledge / release / archive), its consumers,
// and the queue-level rules the engine leaves to this front door (queue-engine.ts's design note):
//
// - publish (queue-appender.ts): messages are appended in one record batch per queue per
//   event-loop turn, durable (fdatasync before the publisher's confirm) when the message is
//   persistent and the queue durable, unless a consumer acknowledged it before the sync ended
//   (unsynced-publishes.ts);
// - delivery: consumers with credit (basic.qos) take turns (round robin; consumer priorities and
//   single active consumer in consumer-order.ts); each turn acquires up to the consumer's credit
//   with the channel as the engine member (queue-take.ts);
// - TTL: expired messages (x-message-ttl, per-message expiration) are archived with reason
//   'expired' before delivery and by a head timer (queue-head.ts), dead-lettered when the queue
//   has a DLX;
// - x-max-length / x-max-length-bytes (queue-head.ts): drop-head archives the oldest with reason
//   'maxlen', reject-publish refuses, reject-publish-dlx refuses and dead-letters the refused
//   message (reason 'maxlen');
// - purge archives every ready message (never dead-lettered).
//
// Ordering invariant: one pump runs per queue at a time; every engine call that changes state does
// so synchronously before its first await, so a consumer removed before an acquisition never gets
// it, and one removed after has it released by the engine's releaseMember.
import type { PartitionLog } from '../../storage/index.js';
import type { Logger } from '../../util/logger.js';
import { AckType, type AckBatch, type QueueEngine, type ShareSlot } from '../queues/index.js';
import type { QueueDefinition } from './definitions-store.js';
import { exchangeBytes, routingKeyBytes, type AmqpMessage } from './message-record.js';
import type { QueueArguments } from './queue-arguments.js';
import { DecodedBatches } from './decoded-batches.js';
import { DrainPace, FLOW_BACKLOG } from './drain-pace.js';
import { ConsumerOrder } from './consumer-order.js';
import { QueueAppender } from './queue-appender.js';
import { QueueHead } from './queue-head.js';
import { takeFromLog, type Delivery, type TakeHost } from './queue-take.js';

export type { Delivery } from './queue-take.js';

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
  private readonly appender: QueueAppender;
  private readonly head: QueueHead;
  private readonly takeHost: TakeHost;
  private pumping = false;
  private pumpAgain = false;
  private hadConsumer = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;
  private readonly decoded = new DecodedBatches();
  /** Messages handed to consumers lately (publisher flow control). */
  private readonly pace = new DrainPace();
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
    this.appender = new QueueAppender(log, {
      now: () => hooks.now(),
      // With consumers, the batch just written is likely their next delivery: it is kept as
      // messages so that delivery does not scan it again (a stream queue's readers have their own).
      stored: (messages, batchBytes) => {
        if (this.consumers.length > 0) this.decoded.add(messages(), batchBytes);
      },
      written: (bodyBytes) => (this.head.readyBytes += bodyBytes),
      appended: () => {
        this.head.afterAppend();
        this.pump();
      },
    });
    this.head = new QueueHead({
      name: def.name,
      args,
      log,
      slot,
      engine,
      decoded: this.decoded,
      logger: hooks.logger,
      isDeleted: () => this.deleted,
      now: () => hooks.now(),
      readyCount: () => this.readyCount(),
      pendingCount: () => this.appender.pendingCount,
      pendingBodyBytes: () => this.appender.pendingBodyBytes(),
      pump: () => this.pump(),
    });
    this.takeHost = {
      log,
      slot,
      engine,
      decoded: this.decoded,
      head: this.head,
      maxLengthBytes: args.maxLengthBytes,
      stats: this.stats,
      now: () => hooks.now(),
      settle: (member, offsets, type) => this.settle(member, offsets, type),
    };
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
    if (this.args.type === 'stream') return Math.max(0, Math.max(this.log.highWatermark, this.appender.endOffset) - this.log.logStartOffset) + this.appender.pendingCount;
    const s = this.slot.sp;
    let available = 0;
    for (const r of s.window.runs) if (r.state === 0) available += r.last - r.first + 1;
    return available + Math.max(0, Math.max(this.log.highWatermark, this.appender.endOffset) - s.endOffset) + this.appender.pendingCount;
  }

  /** Messages acquired by consumers and not yet settled. */
  unackedCount(): number {
    let n = 0;
    for (const r of this.slot.sp.window.runs) if (r.state === 1) n += r.last - r.first + 1;
    return n;
  }

  // ---- publisher flow control ----

  /**
   * Whether publishers to this queue should be held (drain-pace.ts): its consumers stream and it
   * holds more than FLOW_BACKLOG ready messages, so publish-to-deliver latency does not turn into
   * backlog. Slower consumers (a work queue's) hold nobody: the queue buffers what publishers send.
   */
  backlogOver(): boolean {
    if (this.consumers.length === 0 || this.args.type === 'stream' || this.deleted) return false;
    return this.readyCount() > FLOW_BACKLOG && this.pace.streaming(this.hooks.now());
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
   * Enqueues a message; `done` is called once it is in the log (fdatasynced when `durable`, or
   * written and already acknowledged by a consumer), with the error when the write failed. Returns false when x-overflow reject-publish refuses it.
   */
  publish(m: AmqpMessage, durable: boolean, done: (error?: unknown) => void): boolean {
    if (this.args.overflow !== 'drop-head' && this.head.full(m.body.length)) {
      if (this.args.overflow === 'reject-publish-dlx') this.hooks.onRefused?.(this, m);
      return false;
    }
    const now = this.hooks.now();
    const ttl = minDefined(this.args.messageTtl, m.expirationMs);
    if (m.expirationMs !== undefined) this.head.mayExpire = true;
    this.stats.published++;
    const size = m.body.length + m.properties.length + m.routingKey.length + 64;
    const expiresAt = ttl === undefined ? Infinity : now + ttl;
    this.appender.enqueue(exchangeBytes(m.exchange), routingKeyBytes(m.routingKey), m.properties, m.body, now, expiresAt, durable && this.def.durable, size, done);
    return true;
  }

  /** publish() as a promise (dead-lettering, tests); rejects when refused. */
  publishAsync(m: AmqpMessage, durable: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.publish(m, durable, (e) => (e === undefined ? resolve() : reject(e as Error)))) reject(new Error('rejected by x-overflow'));
    });
  }

  /**
   * Resolves once every message this queue accepted so far is in its log (or failed to get there):
   * basic.get waits for it (queue-appender.ts).
   */
  whenAppended(): Promise<void> {
    return this.appender.whenAppended();
  }

  // ---- consumers ----

  addConsumer(c: QueueConsumer): void {
    this.consumers.push(c);
    this.order.added(c);
    this.hadConsumer = true;
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
      this.pace.took(took.length, this.hooks.now());
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
  take(member: string, max: number, autoAccept: boolean): Promise<Delivery[] | null> {
    return takeFromLog(this.takeHost, member, max, autoAccept);
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
    if (!refusal && type === AckType.Accept) {
      this.stats.acked += sorted.length;
      // Consumed and acknowledged (and the acknowledgement written): a publisher's confirm for any
      // of them still waiting for the log's fdatasync goes out now (unsynced-publishes.ts).
      this.appender.consumed(sorted);
    }
    if (refusal) this.hooks.logger.debug('acknowledgement refused by the queue engine', { queue: this.name, reason: refusal.message });
    if (type === AckType.Release) {
      this.head.readyBytesValid = false;
      this.pump();
    }
  }

  /** Releases everything `member` holds (its channel closed): redelivered later. */
  async releaseMember(member: string): Promise<void> {
    await this.engine.releaseMember(this.owner, member);
    this.head.readyBytesValid = false;
    this.pump();
  }

  /** queue.purge: archives every ready message (no dead-lettering); returns how many. */
  async purge(): Promise<number> {
    const ready = this.readyCount() - this.appender.pendingCount;
    let n = 0;
    const sp = this.slot.sp;
    const ranges: [number, number][] = sp.window.runs.filter((r) => r.state === 0).map((r) => [r.first, r.last]);
    if (this.log.highWatermark > sp.endOffset) ranges.push([sp.endOffset, this.log.highWatermark - 1]);
    for (const [first, last] of ranges) n += await this.engine.discard(this.slot, first, last, 'rejected', false, true);
    this.head.readyBytes = 0;
    return Math.min(n, Math.max(ready, n));
  }

  /** Stops timers and listeners (the queue is being deleted or the server closes). */
  stop(): void {
    this.deleted = true;
    this.checkBacklog(true);
    this.unsubscribe();
    this.decoded.clear();
    this.head.stop();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.appender.failPending(new Error('queue deleted'));
  }

  /** Starts head expiry after a restart (messages may have expired while the broker was down). */
  start(): void {
    this.head.scheduleExpiry();
  }
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
