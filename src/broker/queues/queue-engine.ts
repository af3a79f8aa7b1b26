// The queue engine: per-record delivery on top of partition logs, durable through the share-group
// state log. It knows logs and records, not protocols; two front doors use it.
//
// Design note -- the two front doors
//
// Kafka share groups (KIP-932, src/broker/groups/share/ and the ShareFetch/ShareAcknowledge
// handlers): one share-partition per (share group, topic-partition). A ShareFetch opens the
// share-partitions its session names, reads each log from nextFetchOffset() (readWindow), lets
// acquire() pick the records and returns the stored batches with the acquired ranges; piggy-backed
// and explicit acknowledgements go to acknowledge(), answered only once durable; a member leaving
// or its connection closing is releaseMember(); parked fetches subscribe() to be woken when records
// become available again, besides the log's own append listeners.
//
// AMQP 0-9-1 queues (src/broker/amqp, a later front door): a queue is a log (one partition of an
// internal topic the queue owns) plus one share-partition keyed (queue name, that log's topic id,
// 0). Publishing appends to the log. basic.consume / basic.get are acquire() with the consumer tag
// (or the channel) as member, maxRecords = the channel's free prefetch (basic.qos prefetch-count;
// the window bound maxInFlight is set high, RabbitMQ has no such limit) and recordLimit = true so
// exactly that many messages are locked; each acquired offset becomes one basic.deliver whose
// delivery tag maps to (queue, offset) and whose `redelivered` flag is deliveryCount > 1 -- true
// also after a broker restart, since acquisitions are recorded with their count. basic.ack is
// acknowledge(Accept), basic.nack/basic.reject with requeue=true is Release (the message goes back
// in its place: per-queue order is offset order), requeue=false is Reject, which archives it and,
// with a dead-letter target (x-dead-letter-exchange resolved to a topic), writes it there with the
// reason headers. A channel or connection closing is releaseMember() for its consumers: unacked
// messages are redelivered, as RabbitMQ does. The consumer timeout (consumer_timeout) is the AMQP
// channel's: it closes the channel, which releases; the lock is only a backstop that outlives it.
// The delivery limit gives quorum queues' x-delivery-limit. Per-message TTL
// and x-max-length are the AMQP door's to enforce: it reads the record timestamps/headers it
// delivers and rejects expired ones with reason 'expired' before delivering, and trims the head
// with moveStartTo-equivalent log DeleteRecords, which this engine follows (syncLogStart) like
// retention.
//
// Durability: every acknowledgement (accept, release, reject) is in the state log and fdatasynced
// before acknowledge() resolves (AMQP's accepts are only written: basic.ack has no reply, and
// RabbitMQ too may redeliver a message acknowledged just before a power failure); acquisitions are written (not fsynced: their fsync rides the next
// durable write) before acquire() resolves, so after kill -9 every acquired-but-unacknowledged
// record is Available again with the delivery count of its last acquisition, and after power loss
// it is Available with at most that count. Nothing acknowledged is ever delivered again.
import type { PartitionLog } from '../../storage/index.js';
import type { Logger } from '../../util/logger.js';
import type { DeadLetterSink, DeadLetterTarget } from './dead-letter.js';
import { LockTimer, realTimers, type TimerFunctions } from './lock-timer.js';
import type { ArchiveReason } from './delivery-state.js';
import type { AckBatch, AckRefusal, AcquiredRange, AcquireOptions, Archival, BatchExtent, DeliveryPolicy, Outcome, PartitionStats } from './partition-types.js';
import { SharePartition } from './share-partition.js';
import type { StateKey } from './state-log-codec.js';
import { stateKeyString, type StateEntry, type StatePersister } from './state-persister.js';

/** How a front door binds a share-partition to its log and its configuration. */
export interface PartitionBinding {
  /** Names for the dead-letter headers: the group or queue, and the topic. */
  owner: string;
  topic: string;
  partition: number;
  log: PartitionLog;
  policy(): DeliveryPolicy;
  deadLetter(): DeadLetterTarget | null;
}

/** One open share-partition (opaque to front doors beyond what they read). */
export class ShareSlot {
  binding: PartitionBinding | null = null;
  failed: Error | null = null;
  /** Bumped whenever records may have become acquirable (for lost-wakeup checks). */
  version = 0;
  readonly listeners = new Set<() => void>();
  readonly archiving = new Set<string>();
  constructor(
    readonly id: string,
    readonly entry: StateEntry,
    readonly sp: SharePartition,
  ) {}
  get key(): StateKey {
    return this.entry.key;
  }
}

export interface QueueEngineOptions {
  persister: StatePersister;
  deadLetters: DeadLetterSink;
  logger: Logger;
  now?: () => number;
  timers?: TimerFunctions;
  /** How often log start offsets are followed and the state log pruned (ms). */
  maintenanceIntervalMs?: number;
  pruneIntervalMs?: number;
  /** Re-snapshot a share-partition whose snapshot is this many state-log records behind the tail. */
  coldSnapshotRecords?: number;
}

export class QueueEngine {
  private readonly slots = new Map<string, ShareSlot>();
  private readonly creating = new Map<string, Promise<ShareSlot>>();
  private readonly persister: StatePersister;
  private readonly deadLetters: DeadLetterSink;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly timers: TimerFunctions;
  private readonly locks: LockTimer<ShareSlot>;
  private maintenance: unknown = null;
  private lastPrune = 0;
  private closed = false;

  constructor(private readonly options: QueueEngineOptions) {
    this.persister = options.persister;
    this.deadLetters = options.deadLetters;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? realTimers;
    this.locks = new LockTimer(this.now, this.timers, (slot, now) => this.expire(slot, now));
  }

  /** Loads every share-partition from the state log (when it exists) and starts maintenance. */
  async start(stateLogExists: boolean): Promise<void> {
    if (stateLogExists) {
      const started = this.now();
      const { states, records } = await this.persister.load(this.logger);
      for (const [id, s] of states) this.slots.set(id, new ShareSlot(id, s.entry, s.partition));
      this.logger.info('loaded share-partition state', { sharePartitions: states.size, records, ms: this.now() - started });
    }
    this.lastPrune = this.now();
    this.scheduleMaintenance();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.locks.close();
    if (this.maintenance !== null) this.timers.clearTimeout(this.maintenance);
    for (const slot of this.slots.values()) for (const l of slot.listeners) l();
  }

  has(key: StateKey): boolean {
    return this.slots.has(stateKeyString(key));
  }

  /** Every share-partition with state, optionally of one owner (group or queue). */
  keys(owner?: string): StateKey[] {
    const out: StateKey[] = [];
    for (const s of this.slots.values()) if (owner === undefined || s.key.groupId === owner) out.push(s.key);
    return out;
  }

  /** Fetches parked on a share-partition right now (metrics, tests). */
  waiting(key: StateKey): number {
    return this.slots.get(stateKeyString(key))?.listeners.size ?? 0;
  }

  stats(key: StateKey): PartitionStats | null {
    return this.slots.get(stateKeyString(key))?.sp.stats() ?? null;
  }

  /**
   * The share-partition for `key`, bound to its log; created at `initialStart()` (the auto offset
   * reset) with a durable first snapshot when it has no state yet. Concurrent first opens share
   * one creation.
   */
  async open(key: StateKey, binding: PartitionBinding, initialStart: () => Promise<number>): Promise<ShareSlot> {
    const id = stateKeyString(key);
    let slot = this.slots.get(id);
    if (!slot) {
      let pending = this.creating.get(id);
      if (!pending) {
        pending = (async () => {
          await this.persister.log.ensure();
          const sp = new SharePartition(await initialStart());
          const entry = await this.persister.create(key, sp, 0);
          const created = new ShareSlot(id, entry, sp);
          this.slots.set(id, created);
          return created;
        })();
        this.creating.set(id, pending);
        pending.then(
          () => this.creating.delete(id),
          () => this.creating.delete(id),
        );
      }
      slot = await pending;
    }
    const first = slot.binding === null;
    slot.binding = binding;
    if (first) this.resumeArchivals(slot);
    return slot;
  }

  nextFetchOffset(slot: ShareSlot): number {
    return slot.sp.nextFetchOffset();
  }

  /** Whether a fetch could acquire something now (for deciding whether to park). */
  hasAcquirable(slot: ShareSlot): boolean {
    if (!slot.binding) return false;
    return slot.sp.hasAcquirable(slot.binding.log.highWatermark, slot.binding.policy());
  }

  /** Follows the log start offset (retention, DeleteRecords): the share-partition start never lags it. */
  syncLogStart(slot: ShareSlot): Promise<void> {
    const log = slot.binding?.log;
    if (!log || log.logStartOffset <= slot.sp.startOffset) return Promise.resolve();
    return this.persist(slot, slot.sp.moveStartTo(log.logStartOffset), false);
  }

  /**
   * Acquires for `member` among the batches read. Resolves once the acquisition is written to the
   * state log (not fsynced): a kill -9 after the records were handed out still finds their new
   * delivery count; a power failure may lose it (they come back with the count before).
   */
  async acquire(slot: ShareSlot, member: string, extents: readonly BatchExtent[], options: AcquireOptions): Promise<AcquiredRange[]> {
    this.check(slot);
    const { acquisition, outcome } = slot.sp.acquire(member, extents, options, this.policy(slot));
    this.locks.update(slot, slot.sp.nextDeadline());
    await this.persist(slot, outcome, false);
    return acquisition.ranges;
  }

  /**
   * Applies acknowledgements; resolves (null) once they are durable, or with the refusal. With
   * `durable` false (AMQP basic.ack, which has no reply to wait for) it resolves once written: the
   * fdatasync rides the state log's next durable write or its flush.ms.
   */
  async acknowledge(slot: ShareSlot, member: string, batches: readonly AckBatch[], durable = true): Promise<AckRefusal | null> {
    this.check(slot);
    const { refusal, outcome } = slot.sp.acknowledge(member, batches, this.policy(slot), this.now());
    if (refusal) return refusal;
    this.locks.update(slot, slot.sp.nextDeadline());
    await this.persist(slot, outcome, durable);
    return null;
  }

  /**
   * Archives the Available records of [first, last] without delivering them (AMQP: expired
   * messages, x-max-length drop-head, queue.purge). Records past the window's end (never
   * acquired) are taken into the window first; the caller passes offsets below the log's high
   * watermark. With `deadLetter` (and a dead-letter target bound) they go through Archiving to the
   * dead-letter sink with `reason`. Resolves once written (durable when asked).
   */
  async discard(slot: ShareSlot, first: number, last: number, reason: ArchiveReason, deadLetter: boolean, durable: boolean): Promise<number> {
    this.check(slot);
    const policy = { ...this.policy(slot), deadLetter: deadLetter && this.policy(slot).deadLetter };
    const { outcome, count } = slot.sp.archiveAvailable(first, last, reason, policy);
    await this.persist(slot, outcome, durable);
    return count;
  }

  /** Releases every lock of `member` in the share-partitions of `owner` (leave, disconnect, fencing). */
  async releaseMember(owner: string, member: string): Promise<void> {
    const writes: Promise<void>[] = [];
    for (const slot of this.slots.values()) {
      if (slot.key.groupId !== owner || slot.failed) continue;
      const outcome = slot.sp.releaseMember(member, this.policy(slot));
      this.locks.update(slot, slot.sp.nextDeadline());
      writes.push(this.persist(slot, outcome, false).catch(() => {}));
    }
    await Promise.all(writes);
  }

  /** Calls `listener` when records of the share-partition become available again; returns the unsubscribe. */
  subscribe(slot: ShareSlot, listener: () => void): () => void {
    slot.listeners.add(listener);
    return () => slot.listeners.delete(listener);
  }

  /** Moves the share-partition to `start` with nothing in flight (AlterShareGroupOffsets); durable. */
  async reset(key: StateKey, start: number, binding: PartitionBinding | null): Promise<void> {
    const id = stateKeyString(key);
    let slot = this.slots.get(id);
    if (!slot) {
      if (!binding) throw new Error('no log to bind a new share-partition to');
      slot = await this.open(key, binding, async () => start);
    }
    slot.entry.stateEpoch++;
    slot.sp.reset(start);
    slot.failed = null;
    this.locks.update(slot, Infinity);
    await this.persister.snapshot(slot.entry, slot.sp, true);
    this.notify(slot);
  }

  /** Deletes the share-partition's state (DeleteGroups, DeleteShareGroupOffsets); durable. */
  async delete(key: StateKey): Promise<void> {
    const id = stateKeyString(key);
    const slot = this.slots.get(id);
    if (!slot) return;
    this.slots.delete(id);
    this.locks.forget(slot);
    await this.persister.delete(slot.entry);
    this.notify(slot);
  }

  private policy(slot: ShareSlot): DeliveryPolicy {
    const p = slot.binding?.policy();
    if (!p) return { lockDurationMs: 30_000, deliveryLimit: 5, maxInFlight: 2000, renewEnabled: true, deadLetter: false };
    return { ...p, deadLetter: slot.binding!.deadLetter() !== null };
  }

  private check(slot: ShareSlot): void {
    if (slot.failed) throw slot.failed;
  }

  private expire(slot: ShareSlot, now: number): number {
    if (slot.failed || !this.slots.has(slot.id)) return Infinity;
    const outcome = slot.sp.expireLocks(now, this.policy(slot));
    this.persist(slot, outcome, false).catch(() => {});
    return slot.sp.nextDeadline();
  }

  /** Writes an operation's outcome, wakes waiting fetches and starts dead-letter copies. */
  private persist(slot: ShareSlot, outcome: Outcome, durable: boolean): Promise<void> {
    if (outcome.released || outcome.startMoved) this.notify(slot);
    const written = this.persister.write(slot.entry, slot.sp, outcome, durable).catch((e: unknown) => {
      const error = e instanceof Error ? e : new Error(String(e));
      if (!slot.failed) this.logger.error('share-partition state write failed; the share-partition is unavailable until restart', { group: slot.key.groupId, topicId: slot.key.topicId, partition: slot.key.partition, error: error.message });
      slot.failed = error;
      throw error;
    });
    // The dead-letter copy is written once Archiving is in the state log (KIP-1191's order): a crash
    // in between writes it again after the restart, never loses it.
    if (outcome.archivals.length > 0) {
      written.then(
        () => {
          for (const a of outcome.archivals) this.deadLetter(slot, a);
        },
        () => {},
      );
    }
    return written;
  }

  private notify(slot: ShareSlot): void {
    slot.version++;
    for (const l of [...slot.listeners]) l();
  }

  private resumeArchivals(slot: ShareSlot): void {
    for (const a of slot.sp.pendingArchivals(this.policy(slot).deliveryLimit)) this.deadLetter(slot, a);
  }

  /** Copies an archived range to the dead-letter topic, then marks it Archived (retried; given up after a few tries, as Kafka does). */
  private deadLetter(slot: ShareSlot, a: Archival): void {
    const tag = `${a.first}-${a.last}`;
    if (slot.archiving.has(tag)) return;
    slot.archiving.add(tag);
    void (async () => {
      const binding = slot.binding;
      const target = binding?.deadLetter() ?? null;
      for (let attempt = 0; target && binding && attempt < 5 && !this.closed; attempt++) {
        try {
          await this.deadLetters.write(binding, target, a);
          break;
        } catch (e) {
          this.logger.warn('writing to the dead-letter topic failed', { group: binding.owner, topic: target.topic, first: a.first, last: a.last, attempt, error: String(e) });
          await new Promise((r) => this.timers.setTimeout(() => r(undefined), 100 * 2 ** attempt));
        }
      }
      slot.archiving.delete(tag);
      if (this.closed || !this.slots.has(slot.id)) return;
      await this.persist(slot, slot.sp.completeArchival(a), false).catch(() => {});
    })();
  }

  private scheduleMaintenance(): void {
    if (this.closed) return;
    this.maintenance = this.timers.setTimeout(() => void this.runMaintenance(), this.options.maintenanceIntervalMs ?? 1000);
  }

  /** Follows log start offsets; prunes the state log every pruneIntervalMs. */
  async runMaintenance(): Promise<void> {
    try {
      for (const slot of [...this.slots.values()]) {
        if (slot.failed) continue;
        // The log was deleted (its topic is gone): so is the share-partition, as Kafka deletes
        // share-group state with its topic.
        if (slot.binding?.log.isClosed && !this.closed) await this.delete(slot.key).catch(() => {});
        else await this.syncLogStart(slot).catch(() => {});
      }
      const now = this.now();
      if (now - this.lastPrune >= (this.options.pruneIntervalMs ?? 300_000)) {
        this.lastPrune = now;
        await this.prune();
      }
    } catch (e) {
      this.logger.warn('share state maintenance failed', { error: String(e) });
    } finally {
      this.scheduleMaintenance();
    }
  }

  /** Prunes the state log below the snapshots still needed (also run by tests). */
  async prune(): Promise<number> {
    const live = [...this.slots.values()].filter((s) => !s.failed).map((s) => ({ entry: s.entry, sp: s.sp }));
    return this.persister.prune(live, this.options.coldSnapshotRecords ?? 10_000);
  }
}
