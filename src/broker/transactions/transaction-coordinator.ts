// The transaction coordinator (KIP-98; Kafka's TransactionCoordinator + TransactionStateManager): owns
// every transactional id's metadata (txn-state.ts has the state table), persists each transition to
// __transaction_state before acting on it (txn-state-log.ts), writes the markers (txn-markers.ts),
// aborts transactions past their timeout and forgets idle transactional ids.
//
// Invariants:
// - operations on one transactional id run one at a time (a per-id promise chain), so a transition is
//   checked and persisted without another slipping in between; requests never get
//   CONCURRENT_TRANSACTIONS just because another request of the same id is being served;
// - memory changes only after the record describing it is durable: a crash can lose an answer, never
//   a state a client was told about;
// - EndTxn answers after the markers are durable and CompleteCommit/CompleteAbort is written, so a
//   read_committed consumer that starts after a successful commit sees all of it. A crash between the
//   Prepare record and the markers is finished by recovery at start (before clients connect).
//
// Fencing: InitProducerId for an id whose transaction is open aborts it with the epoch bumped (its
// markers carry the new epoch, which every partition in it then enforces), then bumps again for the
// new producer. The old producer's next request fails with PRODUCER_FENCED (INVALID_PRODUCER_EPOCH
// for request versions before KIP-588). A timed-out transaction is aborted the same way.
import { ErrorCode } from '../../protocol/errors.js';
import type { GroupCoordinator } from '../groups/group-coordinator.js';
import { LazyInternalTopic } from '../groups/lazy-internal-topic.js';
import type { ProducerStateManager } from '../producers/producer-state-manager.js';
import type { BrokerService, ServiceDeps } from '../service.js';
import { CONSUMER_OFFSETS_TOPIC, TRANSACTION_STATE_TOPIC } from '../topics/internal-topics.js';
import { LazyTxnStateLog } from './lazy-txn-state-log.js';
import { TxnMarkerWriter } from './txn-markers.js';
import { TRANSACTION_STATE_TOPIC_CONFIGS, TxnStateLog } from './txn-state-log.js';
import { isComplete, partitionKey, type TxnMetadata } from './txn-state.js';

/** Kafka bumps to a fresh producer id before the epoch reaches Short.MAX_VALUE. */
const MAX_EPOCH = 32766;

export interface TopicPartitions {
  name: string;
  partitions: readonly number[];
}

export interface PartitionResult {
  name: string;
  partitions: { partition: number; errorCode: number }[];
}

export interface InitResult {
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

/** Test seam: lets a crash test kill the process right after a Prepare record is durable. */
export interface TxnCoordinatorHooks {
  afterPrepare?: (m: Readonly<TxnMetadata>) => void;
}

export class TransactionCoordinator implements BrokerService {
  private readonly txns = new Map<string, TxnMetadata>();
  private readonly byProducerId = new Map<number, TxnMetadata>();
  private readonly chains = new Map<string, Promise<unknown>>();
  private stateLog!: TxnStateLog;
  private readonly markers: TxnMarkerWriter;
  private timer: NodeJS.Timeout | null = null;
  private lastExpiryCheck = 0;
  readonly hooks: TxnCoordinatorHooks = {};
  private readonly now = (): number => Date.now();

  constructor(
    readonly deps: ServiceDeps,
    private readonly producers: ProducerStateManager,
    private readonly groups: GroupCoordinator,
  ) {
    this.markers = new TxnMarkerWriter(deps.logs, producers, groups);
  }

  async start(): Promise<void> {
    const { config, topics, logs, logger } = this.deps;
    // Kafka creates __transaction_state on first use (lazy-txn-state-log.ts); an existing one is loaded.
    const existing = topics.get(TRANSACTION_STATE_TOPIC);
    const partitions = existing?.partitions ?? config.getNumber('transaction.state.log.num.partitions');
    this.stateLog = existing
      ? new TxnStateLog(logs, partitions)
      : new LazyTxnStateLog(logs, partitions, new LazyInternalTopic(topics, TRANSACTION_STATE_TOPIC, partitions, TRANSACTION_STATE_TOPIC_CONFIGS, logger));
    const loaded = await this.stateLog.load(logger);
    for (const m of loaded) this.remember(m);
    // Finish what a crash interrupted between the Prepare record and Complete (Kafka's
    // TransactionStateManager on loading a partition): markers again, then Complete.
    for (const m of loaded) {
      if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort') await this.serial(m.transactionalId, () => this.finish(m));
    }
    if (loaded.length > 0) logger.info('loaded transactions', { transactionalIds: loaded.length });
    const interval = config.getNumber('transaction.abort.timed.out.transaction.cleanup.interval.ms');
    this.timer = setInterval(() => void this.tick(), interval);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.chains.values()]);
  }

  /** Metadata of one transactional id (DescribeTransactions). */
  get(transactionalId: string): Readonly<TxnMetadata> | undefined {
    return this.txns.get(transactionalId);
  }

  all(): IterableIterator<Readonly<TxnMetadata>> {
    return this.txns.values();
  }

  /** InitProducerId with a transactional.id (KIP-98; expected id/epoch of KIP-360 on v3+). */
  initProducerId(transactionalId: string, timeoutMs: number, expectedProducerId: number, expectedEpoch: number, fencedCode: number): Promise<InitResult> {
    const fail = (errorCode: number): InitResult => ({ errorCode, producerId: -1, producerEpoch: -1 });
    if (transactionalId === '') return Promise.resolve(fail(ErrorCode.INVALID_REQUEST));
    if (timeoutMs <= 0 || timeoutMs > this.deps.config.getNumber('transaction.max.timeout.ms')) {
      return Promise.resolve(fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT));
    }
    return this.serial(transactionalId, async () => {
      const now = this.now();
      let m = this.txns.get(transactionalId);
      if (!m) {
        const pid = await this.producers.initProducerId();
        if (pid.errorCode !== ErrorCode.NONE) return fail(pid.errorCode);
        const fresh: TxnMetadata = {
          transactionalId,
          producerId: pid.producerId,
          producerEpoch: 0,
          lastProducerEpoch: -1,
          timeoutMs,
          state: 'Empty',
          partitions: new Set(),
          startTimestampMs: -1,
          lastUpdateTimestampMs: now,
        };
        await this.persist(fresh);
        return { errorCode: ErrorCode.NONE, producerId: fresh.producerId, producerEpoch: fresh.producerEpoch };
      }
      if (expectedProducerId >= 0) {
        const matches = expectedProducerId === m.producerId && (expectedEpoch === m.producerEpoch || expectedEpoch === m.lastProducerEpoch);
        if (!matches) return fail(fencedCode);
      }
      if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort') return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
      if (m.state === 'Ongoing') {
        await this.abortWithBump(m);
        m = this.txns.get(transactionalId)!;
      }
      const next = this.bumped(m);
      if (m.producerEpoch >= MAX_EPOCH) {
        const pid = await this.producers.initProducerId();
        if (pid.errorCode !== ErrorCode.NONE) return fail(pid.errorCode);
        next.producerId = pid.producerId;
        next.producerEpoch = 0;
        next.lastProducerEpoch = -1;
      }
      next.state = 'Empty';
      next.timeoutMs = timeoutMs;
      next.partitions = new Set();
      next.startTimestampMs = -1;
      next.lastUpdateTimestampMs = now;
      await this.persist(next);
      return { errorCode: ErrorCode.NONE, producerId: next.producerId, producerEpoch: next.producerEpoch };
    });
  }

  /**
   * AddPartitionsToTxn (and AddOffsetsToTxn through it). `verifyOnly` (v4+, KIP-890 part 1) only
   * checks that the partitions are in the open transaction.
   */
  addPartitions(transactionalId: string, producerId: number, epoch: number, topics: readonly TopicPartitions[], verifyOnly: boolean, fencedCode: number): Promise<PartitionResult[]> {
    const all = (errorCode: number): PartitionResult[] => topics.map((t) => ({ name: t.name, partitions: t.partitions.map((partition) => ({ partition, errorCode })) }));
    return this.serial(transactionalId, async () => {
      const m = this.txns.get(transactionalId);
      const error = this.checkProducer(m, producerId, epoch, fencedCode);
      if (error !== ErrorCode.NONE || !m) return all(error);
      if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort') return all(ErrorCode.CONCURRENT_TRANSACTIONS);
      if (verifyOnly) {
        return topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((partition) => ({
            partition,
            errorCode: m.state === 'Ongoing' && m.partitions.has(partitionKey(t.name, partition)) ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE,
          })),
        }));
      }
      const unknown = (name: string, p: number): boolean => {
        const info = this.deps.topics.get(name);
        return info === undefined || p < 0 || p >= info.partitions;
      };
      if (topics.some((t) => t.partitions.some((p) => unknown(t.name, p)))) {
        return topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((partition) => ({ partition, errorCode: unknown(t.name, partition) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED })),
        }));
      }
      const keys = topics.flatMap((t) => t.partitions.map((p) => partitionKey(t.name, p)));
      if (m.state === 'Ongoing' && keys.every((k) => m.partitions.has(k))) return all(ErrorCode.NONE);
      const now = this.now();
      const next: TxnMetadata = { ...m, partitions: new Set(m.state === 'Ongoing' ? m.partitions : []), lastUpdateTimestampMs: now };
      for (const k of keys) next.partitions.add(k);
      if (m.state !== 'Ongoing') next.startTimestampMs = now;
      next.state = 'Ongoing';
      try {
        await this.persist(next);
      } catch (e) {
        this.deps.logger.error('persisting a transaction failed', { transactionalId, error: String(e) });
        return all(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      }
      return all(ErrorCode.NONE);
    });
  }

  /** AddOffsetsToTxn: the group's __consumer_offsets partition joins the transaction. */
  async addOffsets(transactionalId: string, producerId: number, epoch: number, groupId: string, fencedCode: number): Promise<number> {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const partition = this.groups.partitionFor(groupId);
    const r = await this.addPartitions(transactionalId, producerId, epoch, [{ name: CONSUMER_OFFSETS_TOPIC, partitions: [partition] }], false, fencedCode);
    return r[0]!.partitions[0]!.errorCode;
  }

  /** TxnOffsetCommit's producer check: the producer must hold the id's current epoch. */
  checkTxnOffsetCommit(transactionalId: string, producerId: number, epoch: number, groupId: string, fencedCode: number): number {
    const m = this.txns.get(transactionalId);
    const error = this.checkProducer(m, producerId, epoch, fencedCode);
    if (error !== ErrorCode.NONE || !m) return error;
    // The offsets partition must have joined the transaction first (AddOffsetsToTxn), or no marker
    // would ever decide these offsets.
    if (m.state !== 'Ongoing' || !m.partitions.has(partitionKey(CONSUMER_OFFSETS_TOPIC, this.groups.partitionFor(groupId)))) return ErrorCode.INVALID_TXN_STATE;
    return ErrorCode.NONE;
  }

  /**
   * WriteTxnMarkers (key 27) from a client: Admin.abortTransaction ends a hanging transaction on one partition by
   * writing its ABORT marker there directly (KIP-664), bypassing the transaction's metadata here, as in Kafka.
   */
  writeRequestedMarker(topic: string, partition: number, producerId: number, producerEpoch: number, commit: boolean): Promise<number> {
    return this.markers.writeRequested(topic, partition, producerId, producerEpoch, commit);
  }

  /**
   * Produce's check for a transactional batch (the broker-side verification of KIP-890 part 1): the
   * producer must hold its id's current epoch and the partition must be in the open transaction.
   */
  verifyProduce(producerId: number, epoch: number, topic: string, partition: number): number {
    const m = this.byProducerId.get(producerId);
    if (!m) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (epoch !== m.producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    if (m.state !== 'Ongoing' || !m.partitions.has(partitionKey(topic, partition))) return ErrorCode.INVALID_TXN_STATE;
    return ErrorCode.NONE;
  }

  /** EndTxn: commit or abort the open transaction. */
  endTxn(transactionalId: string, producerId: number, epoch: number, commit: boolean, fencedCode: number): Promise<number> {
    return this.serial(transactionalId, async () => {
      const m = this.txns.get(transactionalId);
      if (m && m.producerId === producerId && epoch !== m.producerEpoch && epoch === m.lastProducerEpoch && m.state === 'CompleteAbort' && !commit) {
        return ErrorCode.NONE; // the coordinator already aborted it (timeout): the client's abort is satisfied
      }
      const error = this.checkProducer(m, producerId, epoch, fencedCode);
      if (error !== ErrorCode.NONE || !m) return error;
      switch (m.state) {
        case 'Ongoing':
          break;
        case 'CompleteCommit':
          return commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
        case 'CompleteAbort':
          return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
        case 'PrepareCommit':
        case 'PrepareAbort':
          return ErrorCode.CONCURRENT_TRANSACTIONS;
        default:
          return ErrorCode.INVALID_TXN_STATE;
      }
      try {
        await this.prepareAndFinish(m, commit);
      } catch (e) {
        this.deps.logger.error('completing a transaction failed; will retry', { transactionalId, error: String(e) });
        return ErrorCode.COORDINATOR_NOT_AVAILABLE;
      }
      return ErrorCode.NONE;
    });
  }

  private checkProducer(m: TxnMetadata | undefined, producerId: number, epoch: number, fencedCode: number): number {
    if (!m) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (m.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (epoch !== m.producerEpoch) return fencedCode;
    return ErrorCode.NONE;
  }

  private async prepareAndFinish(m: TxnMetadata, commit: boolean, from: TxnMetadata = m): Promise<void> {
    const prepared: TxnMetadata = { ...m, state: commit ? 'PrepareCommit' : 'PrepareAbort', lastUpdateTimestampMs: this.now() };
    await this.persist(prepared, from);
    this.hooks.afterPrepare?.(prepared);
    await this.finish(prepared);
  }

  /** Markers, then Complete*: the second half of EndTxn, and recovery's whole job. */
  private async finish(m: TxnMetadata): Promise<void> {
    const commit = m.state === 'PrepareCommit';
    await this.markers.writeAll(m, commit);
    const done: TxnMetadata = { ...m, state: commit ? 'CompleteCommit' : 'CompleteAbort', partitions: new Set(), lastUpdateTimestampMs: this.now() };
    await this.persist(done);
  }

  /** Aborts an open transaction with the epoch bumped: fencing (InitProducerId) and timeouts. */
  private async abortWithBump(m: TxnMetadata): Promise<void> {
    const next = this.bumped(m);
    await this.prepareAndFinish(next, false, m);
  }

  /** A copy with the next epoch (or a fresh producer id when epochs run out). Not yet persisted. */
  private bumped(m: TxnMetadata): TxnMetadata {
    // Out of epochs (32766 bumps of one id): InitProducerId moves to a fresh producer id instead;
    // a timeout or fence abort keeps the last epoch, which still fences the old producer's requests.
    if (m.producerEpoch >= MAX_EPOCH) return { ...m, partitions: new Set(m.partitions) };
    return { ...m, lastProducerEpoch: m.producerEpoch, producerEpoch: m.producerEpoch + 1, partitions: new Set(m.partitions) };
  }

  /** Writes `next` durably, then makes it the id's state in memory. */
  private async persist(next: TxnMetadata, previous?: TxnMetadata): Promise<void> {
    await this.stateLog.write(next, this.now());
    if (previous && previous.producerId !== next.producerId) this.byProducerId.delete(previous.producerId);
    this.remember(next);
  }

  private remember(m: TxnMetadata): void {
    const old = this.txns.get(m.transactionalId);
    if (old && old.producerId !== m.producerId) this.byProducerId.delete(old.producerId);
    this.txns.set(m.transactionalId, m);
    this.byProducerId.set(m.producerId, m);
  }

  /** Runs `fn` after every earlier operation on the same transactional id. */
  private serial<T>(transactionalId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(transactionalId) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.chains.set(transactionalId, tail);
    void tail.then(() => {
      if (this.chains.get(transactionalId) === tail) this.chains.delete(transactionalId);
    });
    return run;
  }

  /** Periodic work: abort timed-out transactions, retry unfinished ones, expire idle ids. */
  async tick(now = this.now()): Promise<void> {
    const expireIds = now - this.lastExpiryCheck >= this.deps.config.getNumber('transaction.remove.expired.transaction.cleanup.interval.ms');
    if (expireIds) this.lastExpiryCheck = now;
    const idExpirationMs = this.deps.config.getNumber('transactional.id.expiration.ms');
    for (const m of [...this.txns.values()]) {
      const id = m.transactionalId;
      try {
        if (m.state === 'Ongoing' && now > m.startTimestampMs + m.timeoutMs) {
          await this.serial(id, async () => {
            const cur = this.txns.get(id);
            if (!cur || cur.state !== 'Ongoing' || now <= cur.startTimestampMs + cur.timeoutMs) return;
            this.deps.logger.info('aborting a transaction past its timeout', { transactionalId: id, producerId: cur.producerId, timeoutMs: cur.timeoutMs });
            await this.abortWithBump(cur);
          });
        } else if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort') {
          await this.serial(id, async () => {
            const cur = this.txns.get(id);
            if (cur && (cur.state === 'PrepareCommit' || cur.state === 'PrepareAbort')) await this.finish(cur);
          });
        } else if (expireIds && isComplete(m.state) && now - m.lastUpdateTimestampMs > idExpirationMs) {
          await this.serial(id, async () => {
            const cur = this.txns.get(id);
            if (!cur || !isComplete(cur.state) || now - cur.lastUpdateTimestampMs <= idExpirationMs) return;
            await this.stateLog.tombstone(id, now);
            this.txns.delete(id);
            if (this.byProducerId.get(cur.producerId) === cur) this.byProducerId.delete(cur.producerId);
            this.deps.logger.info('expired transactional id', { transactionalId: id });
          });
        }
      } catch (e) {
        this.deps.logger.error('transaction maintenance failed', { transactionalId: id, error: String(e) });
      }
    }
  }
}
