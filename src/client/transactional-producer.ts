// A transactional producer for brook/streams exactly-once (KIP-98 transactions, used the KIP-447
// way: one producer per app instance thread, whose transactions carry the input offsets of every
// task it runs). The library's Producer has no transactions, so this speaks the coordinator
// protocol itself over the library's connections and produces through BatchProducer, which stamps
// every batch with this producer's id, epoch and per-partition sequence.
//
// One transaction, as the streams runtime drives it:
//   send()*   AddPartitionsToTxn for partitions not yet in the transaction, then Produce (acks=all)
//   commit()  AddOffsetsToTxn(group) -> TxnOffsetCommit to the GROUP coordinator, with the member's
//             generation, member id and group instance id (KIP-447: a zombie whose generation is
//             over is refused) -> EndTxn(commit)
//   abort()   EndTxn(abort); the next transaction starts with a fresh epoch (re-InitProducerId,
//             as KIP-360 does after an abortable error), so sequences restart at 0.
// init() is InitProducerId: it bumps the epoch for the transactional id, which fences any older
// incarnation and makes the coordinator abort that incarnation's open transaction.
import { addOffsetsToTxnV4, addPartitionsToTxnV3, endTxnV4, findCoordinatorV6, initProducerIdV4, txnOffsetCommitV4, type Connection, type Producer } from '@platformatic/kafka';
import { BatchProducer, ProduceBatchError, type PartitionRecords } from './batch-producer.js';
import type { OffsetWithMetadata } from './group-offsets.js';

/** The consumer-group member a transaction commits offsets for (KIP-447 fencing). */
export interface GroupMembership {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface TransactionalProducerOptions {
  readonly transactionalId: string;
  /** How long the coordinator lets a transaction stay open before aborting it (Kafka Streams uses 10 s under EOS). */
  readonly transactionTimeoutMs?: number;
  /** How long the broker may take to acknowledge a produce. */
  readonly timeoutMs?: number;
}

/**
 * A transaction that could not complete. `fenced` says whether this instance lost the right to
 * go on: another producer took the transactional id (PRODUCER_FENCED / INVALID_PRODUCER_EPOCH),
 * or the group member's generation is over (the offsets belong to someone else now).
 */
export class TransactionError extends Error {
  override readonly name = 'TransactionError';
  constructor(
    message: string,
    readonly errorCode: number,
    readonly fenced: 'producer' | 'group' | false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const COORDINATOR_KEY_GROUP = 0;
const COORDINATOR_KEY_TRANSACTION = 1;
// Worth retrying against a (re-found) coordinator: load in progress, not available, not coordinator,
// CONCURRENT_TRANSACTIONS (the previous transaction's markers are still being written), and
// UNKNOWN_TOPIC_OR_PARTITION (Apache Kafka's coordinator learns a topic created a moment ago, such
// as an internal topic an app has just created, a little after CreateTopics answers; Kafka's own
// producer re-enqueues AddPartitionsToTxn on this retriable error too).
const COORDINATOR_RETRIABLE = new Set([3, 14, 15, 16, 51]);
const COORDINATOR_MOVED = new Set([15, 16]);
const PRODUCER_FENCED = new Set([47 /* INVALID_PRODUCER_EPOCH */, 90 /* PRODUCER_FENCED */, 49 /* INVALID_PRODUCER_ID_MAPPING */]);
const GROUP_FENCED = new Set([22 /* ILLEGAL_GENERATION */, 25 /* UNKNOWN_MEMBER_ID */, 27 /* REBALANCE_IN_PROGRESS */, 82 /* FENCED_INSTANCE_ID */]);
const ATTEMPTS = 20;

export class TransactionalProducer {
  private readonly transactionalId: string;
  private readonly transactionTimeoutMs: number;
  private readonly batches: BatchProducer;
  private producerId = -1n;
  private producerEpoch = -1;
  /** `${topic}:${partition}` -> next sequence number (per producer epoch). */
  private sequences = new Map<string, number>();
  /** Partitions added to the open transaction. */
  private partitions = new Set<string>();
  /** `${keyType}:${key}` -> coordinator node, until it answers NOT_COORDINATOR. */
  private readonly coordinators = new Map<string, number>();
  private needsInit = true;

  /** `client` supplies metadata and connections; its own send path is not used. */
  constructor(
    private readonly client: Producer,
    options: TransactionalProducerOptions,
  ) {
    this.transactionalId = options.transactionalId;
    this.transactionTimeoutMs = options.transactionTimeoutMs ?? 10_000;
    this.batches = new BatchProducer(client, {
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      transaction: {
        transactionalId: this.transactionalId,
        stamp: (topic, partition, recordCount) => {
          const key = `${topic}:${partition}`;
          const baseSequence = this.sequences.get(key) ?? 0;
          // Sequences wrap from 2^31 - 1 back to 0, as Kafka's do.
          this.sequences.set(key, (baseSequence + recordCount) % 0x80000000);
          return { producerId: Number(this.producerId), producerEpoch: this.producerEpoch, baseSequence, transactional: true };
        },
      },
    });
  }

  /** True while records or offsets were sent in a transaction that is not yet committed or aborted. */
  get inTransaction(): boolean {
    return this.partitions.size > 0;
  }

  get epoch(): number {
    return this.producerEpoch;
  }

  /** InitProducerId: a new epoch for the transactional id (fencing older incarnations), sequences from 0. */
  async init(): Promise<void> {
    const response = await this.withCoordinator(
      COORDINATOR_KEY_TRANSACTION,
      this.transactionalId,
      (c) => initProducerIdV4.api.async(c, this.transactionalId, this.transactionTimeoutMs, this.producerId, this.producerEpoch),
      (r) => r.errorCode,
    );
    this.producerId = response.producerId;
    this.producerEpoch = response.producerEpoch;
    this.sequences = new Map();
    this.partitions = new Set();
    this.needsInit = false;
  }

  /** Produces the records inside the open transaction (starting one if none is open). */
  async send(parts: readonly PartitionRecords[]): Promise<Map<string, bigint>> {
    if (this.needsInit) await this.init();
    const fresh = new Map<string, Set<number>>();
    for (const p of parts) {
      if (p.records.length === 0 || this.partitions.has(`${p.topic}:${p.partition}`)) continue;
      let ps = fresh.get(p.topic);
      if (!ps) fresh.set(p.topic, (ps = new Set()));
      ps.add(p.partition);
    }
    if (fresh.size > 0) {
      const topics = [...fresh].map(([name, ps]) => ({ name, partitions: [...ps] }));
      const tx = { transactionalId: this.transactionalId, producerId: this.producerId, producerEpoch: this.producerEpoch, verifyOnly: false, topics };
      await this.withCoordinator(COORDINATOR_KEY_TRANSACTION, this.transactionalId, (c) => addPartitionsToTxnV3.api.async(c, [tx]), (r) => {
        for (const t of r.resultsByTransaction[0]?.topicResults ?? []) for (const p of t.resultsByPartition) if (p.partitionErrorCode !== 0) return p.partitionErrorCode;
        return r.errorCode;
      });
      for (const t of topics) for (const p of t.partitions) this.partitions.add(`${t.name}:${p}`);
    }
    try {
      return await this.batches.produce(parts);
    } catch (e) {
      if (e instanceof ProduceBatchError) throw this.failure(`producing in transaction ${this.transactionalId}`, e.errorCode, e);
      throw e;
    }
  }

  /**
   * Adds the group's offsets to the transaction and commits it. With no records and no offsets
   * there is no transaction to end.
   */
  async commit(group: GroupMembership, offsets: readonly OffsetWithMetadata[]): Promise<void> {
    if (this.needsInit) await this.init();
    if (offsets.length > 0) {
      await this.withCoordinator(COORDINATOR_KEY_TRANSACTION, this.transactionalId, (c) => addOffsetsToTxnV4.api.async(c, this.transactionalId, this.producerId, this.producerEpoch, group.groupId), (r) => r.errorCode);
      this.partitions.add(`__consumer_offsets:${group.groupId}`);
      const byTopic = new Map<string, { name: string; partitions: Array<{ partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: string }> }>();
      for (const o of offsets) {
        let t = byTopic.get(o.topic);
        if (!t) byTopic.set(o.topic, (t = { name: o.topic, partitions: [] }));
        t.partitions.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, committedMetadata: o.metadata });
      }
      // KIP-447: sent to the group coordinator with the member's generation, so a member that lost
      // its partitions in a rebalance cannot commit offsets for them.
      await this.withCoordinator(
        COORDINATOR_KEY_GROUP,
        group.groupId,
        (c) => txnOffsetCommitV4.api.async(c, this.transactionalId, group.groupId, this.producerId, this.producerEpoch, group.generationId, group.memberId, group.groupInstanceId, [...byTopic.values()]),
        (r) => {
          for (const t of r.topics) for (const p of t.partitions) if (p.errorCode !== 0) return p.errorCode;
          return 0;
        },
      );
    }
    await this.end(true);
  }

  /** Aborts the open transaction (if any); the next one starts under a new epoch. */
  async abort(): Promise<void> {
    try {
      if (this.inTransaction && !this.needsInit) await this.end(false);
    } finally {
      this.partitions = new Set();
      this.needsInit = true;
    }
  }

  private async end(commit: boolean): Promise<void> {
    if (!this.inTransaction) return;
    await this.withCoordinator(COORDINATOR_KEY_TRANSACTION, this.transactionalId, (c) => endTxnV4.api.async(c, this.transactionalId, this.producerId, this.producerEpoch, commit), (r) => r.errorCode);
    this.partitions = new Set();
  }

  /** Runs a coordinator request, re-finding the coordinator and retrying while the error says so. */
  private async withCoordinator<T>(keyType: number, key: string, request: (c: Connection) => Promise<T>, errorOf: (response: T) => number): Promise<T> {
    let lastCode = -1;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      let response: T;
      try {
        response = await answer(request(await this.coordinatorConnection(keyType, key)));
      } catch (e) {
        // A lost connection (coordinator restarted or moved): find it again and retry.
        if (e instanceof TransactionError || attempt === ATTEMPTS - 1) throw e instanceof TransactionError ? e : new TransactionError(`transaction ${this.transactionalId}: ${e instanceof Error ? e.message : String(e)}`, -1, false, { cause: e });
        this.coordinators.delete(`${keyType}:${key}`);
        await new Promise((r) => setTimeout(r, Math.min(20 * 2 ** attempt, 500)));
        continue;
      }
      const code = errorOf(response);
      if (code === 0) return response;
      lastCode = code;
      if (!COORDINATOR_RETRIABLE.has(code)) throw this.failure(`transaction ${this.transactionalId}`, code);
      if (COORDINATOR_MOVED.has(code)) this.coordinators.delete(`${keyType}:${key}`);
      await new Promise((r) => setTimeout(r, Math.min(20 * 2 ** attempt, 500)));
    }
    throw this.failure(`transaction ${this.transactionalId}: coordinator kept answering`, lastCode);
  }

  private failure(what: string, code: number, cause?: unknown): TransactionError {
    const fenced = PRODUCER_FENCED.has(code) ? 'producer' : GROUP_FENCED.has(code) ? 'group' : false;
    if (fenced === 'producer') this.needsInit = true;
    return new TransactionError(`${what} failed with Kafka error ${code}`, code, fenced, cause === undefined ? undefined : { cause });
  }

  private async coordinatorConnection(keyType: number, key: string): Promise<Connection> {
    let node = this.coordinators.get(`${keyType}:${key}`);
    if (node === undefined) {
      const metadata = await this.client.metadata({ topics: [] });
      const any = [...metadata.brokers.keys()][0];
      if (any === undefined) throw new TransactionError('no broker in the cluster metadata', -1, false);
      const via = await this.connection(any);
      for (let attempt = 0; ; attempt++) {
        const found = (await answer(findCoordinatorV6.api.async(via, keyType, [key]))).coordinators[0];
        if (found && found.errorCode === 0) {
          node = found.nodeId;
          break;
        }
        if (attempt >= ATTEMPTS || !found || !COORDINATOR_RETRIABLE.has(found.errorCode)) throw new TransactionError(`finding the coordinator for ${key} failed with Kafka error ${found?.errorCode ?? -1}`, found?.errorCode ?? -1, false);
        await new Promise((r) => setTimeout(r, 50));
      }
      this.coordinators.set(`${keyType}:${key}`, node);
    }
    return this.connection(node);
  }

  private async connection(node: number): Promise<Connection> {
    const c = (await this.client.connectToBrokers([node])).get(node);
    if (!c) throw new TransactionError(`no connection to broker ${node}`, -1, false);
    return c;
  }
}

/** The library rejects with a ResponseError that still carries the parsed response; error codes are checked by the caller. */
async function answer<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (e) {
    const parsed = typeof e === 'object' && e !== null ? (e as { response?: unknown }).response : undefined;
    if (typeof parsed === 'object' && parsed !== null) return parsed as T;
    throw e;
  }
}
