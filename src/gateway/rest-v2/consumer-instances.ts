// REST Proxy v2 consumer instances: server-side consumers that HTTP clients create, subscribe
// (or assign), poll, commit and delete. Each instance owns one client-layer Consumer:
//   subscribe  joins the consumer group (the library heartbeats and rebalances); the
//              instance reads the partitions the group assigns it;
//   assign     reads explicit partitions without joining (commits as a "simple" consumer).
// Records are read by explicit position with the LogReader, so seek is exact; a partition's
// first position is the group's committed offset, else `auto.offset.reset`.
//
// Bounds: at most `maxConsumerInstances` at once (creation beyond answers 50301), and an
// instance idle for `consumerIdleMs` (no request) is deleted, as kafka-rest's
// consumer.instance.timeout.ms does, so abandoned consumers do not accumulate.
//
// Ownership: with HTTP authentication on, an instance belongs to the principal that created it and
// is "not found" (40403) for everyone else. The routes check READ on the group for every call but
// READ on the topics only when subscribing or assigning, so without this a user allowed into the
// group could poll records of topics only the instance's creator may read.
import { randomUUID } from 'node:crypto';
import {
  EARLIEST_TIMESTAMP,
  FETCH_MAX_BYTES,
  FETCH_PARTITION_MAX_BYTES,
  commitAsSimpleConsumer,
  GroupOffsets,
  LATEST_TIMESTAMP,
  LogReader,
  createConsumer,
  listOffsetsAt,
  partitionKey,
  type Consumer,
  type FetchedRecord,
  type TopicPartition,
} from '../../client/index.js';
import type { Logger } from '../../util/logger.js';
import type { EmbeddedFormat } from '../content-types.js';
import { rest } from '../http-error.js';
import { closeConsumer, type KafkaAccess } from '../kafka-access.js';
import type { ResolvedGatewayOptions } from '../options.js';

export interface InstanceConfig {
  format: EmbeddedFormat;
  autoOffsetReset: 'earliest' | 'latest';
  autoCommit: boolean;
  requestTimeoutMs: number;
  fetchMinBytes: number;
}

export class ConsumerInstance {
  lastUsed = Date.now();
  mode: 'none' | 'subscribe' | 'assign' = 'none';
  subscription: string[] = [];
  private assigned: TopicPartition[] = [];
  private readonly positions = new Map<string, bigint>();
  private joining: Promise<void> | null = null;
  private readonly offsets: GroupOffsets;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(
    readonly group: string,
    readonly id: string,
    /** The principal that created it (null: HTTP authentication is off). */
    readonly owner: string | null,
    readonly config: InstanceConfig,
    private readonly consumer: Consumer,
    private readonly kafka: KafkaAccess,
  ) {
    this.offsets = new GroupOffsets(consumer);
    consumer.on('consumer:group:join', () => this.onAssignment());
  }

  /** Runs operations on this instance one at a time (as kafka-rest serialises them). */
  run<T>(op: () => Promise<T>): Promise<T> {
    this.lastUsed = Date.now();
    const p = this.busy.then(op, op);
    this.busy = p.catch(() => undefined);
    return p;
  }

  assignment(): TopicPartition[] {
    return this.mode === 'subscribe' ? (this.consumer.assignments ?? []).flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition }))) : [...this.assigned];
  }

  async subscribe(topics: string[]): Promise<void> {
    if (this.mode === 'assign') throw rest.illegalState('Subscription to topics, partitions and pattern are mutually exclusive');
    if (this.mode === 'subscribe' && this.subscription.join() !== [...topics].sort().join()) throw rest.consumerAlreadySubscribed();
    if (this.mode === 'subscribe') return;
    this.mode = 'subscribe';
    this.subscription = [...topics].sort();
    this.consumer.topics.trackAll(...this.subscription);
    // Joining runs in the background; polls wait for it (within their timeout), as a Java
    // consumer's first poll() does.
    this.joining = this.consumer.joinGroup({ sessionTimeout: 45_000, heartbeatInterval: 3000, rebalanceTimeout: 60_000 }).then(
      () => this.onAssignment(),
      () => undefined,
    );
  }

  async unsubscribe(): Promise<void> {
    if (this.mode === 'subscribe') await new Promise<void>((resolve) => this.consumer.leaveGroup(false, () => resolve()));
    this.mode = 'none';
    this.subscription = [];
    this.assigned = [];
    this.positions.clear();
  }

  assign(partitions: TopicPartition[]): void {
    if (this.mode === 'subscribe') throw rest.illegalState('Subscription to topics, partitions and pattern are mutually exclusive');
    this.mode = partitions.length > 0 ? 'assign' : 'none';
    this.assigned = partitions.map((p) => ({ topic: p.topic, partition: p.partition }));
    const keep = new Set(this.assigned.map((p) => partitionKey(p.topic, p.partition)));
    for (const k of this.positions.keys()) if (!keep.has(k)) this.positions.delete(k);
  }

  seek(offsets: { topic: string; partition: number; offset: bigint }[]): void {
    const current = new Set(this.assignment().map((p) => partitionKey(p.topic, p.partition)));
    for (const o of offsets) {
      if (!current.has(partitionKey(o.topic, o.partition))) throw rest.illegalState(`No current assignment for partition ${o.topic}-${o.partition}`);
      this.positions.set(partitionKey(o.topic, o.partition), o.offset);
    }
  }

  async seekTo(partitions: TopicPartition[], where: 'beginning' | 'end'): Promise<void> {
    const current = new Set(this.assignment().map((p) => partitionKey(p.topic, p.partition)));
    for (const p of partitions) if (!current.has(partitionKey(p.topic, p.partition))) throw rest.illegalState(`No current assignment for partition ${p.topic}-${p.partition}`);
    const at = await listOffsetsAt(this.kafka.admin, partitions, where === 'beginning' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP);
    for (const [k, v] of at) this.positions.set(k, v);
  }

  /** Reads records from the current positions (waiting up to `timeoutMs`); delivered() then moves past them. */
  async poll(timeoutMs: number, maxBytes: number): Promise<FetchedRecord[]> {
    if (this.joining) {
      await Promise.race([this.joining, new Promise((r) => setTimeout(r, timeoutMs))]);
    }
    const assigned = this.assignment();
    if (assigned.length === 0) return [];
    await this.initPositions(assigned);
    // max_bytes bounds the answer, not the Fetch: the default (64 MiB) as one Fetch would make the
    // client's decoding, not the broker, the cost (client/fetch-sizes.ts). A poll returns what one
    // Fetch of at most the client layer's sizes brings (at least one whole batch, KIP-74).
    const reader = new LogReader(this.consumer, { maxWaitMs: timeoutMs, maxBytes: Math.min(maxBytes, FETCH_MAX_BYTES), partitionMaxBytes: Math.min(maxBytes, FETCH_PARTITION_MAX_BYTES) });
    const round = await reader.fetch(assigned.map((p) => ({ ...p, offset: this.positions.get(partitionKey(p.topic, p.partition)) ?? 0n })));
    if (round.offsetOutOfRange) {
      // Retention removed data under a position: start over per auto.offset.reset.
      for (const p of assigned) this.positions.delete(partitionKey(p.topic, p.partition));
      return [];
    }
    const out: FetchedRecord[] = [];
    let bytes = 0;
    for (const r of round.records) {
      const size = (r.key?.length ?? 0) + (r.value?.length ?? 0);
      // Stopping at the first record over the limit keeps every partition's records contiguous.
      if (out.length > 0 && bytes + size > maxBytes) break;
      out.push(r);
      bytes += size;
    }
    return out;
  }

  /** Moves the positions past records handed to the client (and commits them under auto.commit.enable). */
  async delivered(records: readonly FetchedRecord[]): Promise<void> {
    for (const r of records) this.positions.set(partitionKey(r.topic, r.partition), r.offset + 1n);
    if (this.config.autoCommit && records.length > 0) await this.commit(undefined).catch(() => undefined);
  }

  /** Commits the given offsets, or (none given) every position reached by a poll. */
  async commit(offsets: { topic: string; partition: number; offset: bigint }[] | undefined): Promise<void> {
    const list = offsets ?? [...this.positions].map(([k, offset]) => ({ ...splitKey(k), offset }));
    // A group member commits with its generation; an assign()-mode instance as a simple consumer.
    if (this.mode === 'subscribe') await this.offsets.commit(list.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset, metadata: '' })));
    else await commitAsSimpleConsumer(this.kafka.admin, this.group, list);
  }

  async committed(partitions: TopicPartition[]): Promise<{ topic: string; partition: number; offset: number; metadata: string }[]> {
    const byTopic = new Map<string, number[]>();
    for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    const got = await this.offsets.fetch([...byTopic].map(([topic, ps]) => ({ topic, partitions: ps })));
    return partitions.map((p) => {
      const c = got.get(partitionKey(p.topic, p.partition));
      return { topic: p.topic, partition: p.partition, offset: c ? Number(c.offset) : -1, metadata: c?.metadata ?? '' };
    });
  }

  async close(): Promise<void> {
    await this.offsets.close().catch(() => undefined);
    if (this.mode === 'subscribe') await new Promise<void>((resolve) => this.consumer.leaveGroup(false, () => resolve()));
    await closeConsumer(this.consumer);
  }

  private onAssignment(): void {
    const keep = new Set(this.assignment().map((p) => partitionKey(p.topic, p.partition)));
    for (const k of this.positions.keys()) if (!keep.has(k)) this.positions.delete(k);
  }

  private async initPositions(assigned: TopicPartition[]): Promise<void> {
    const missing = assigned.filter((p) => !this.positions.has(partitionKey(p.topic, p.partition)));
    if (missing.length === 0) return;
    const byTopic = new Map<string, number[]>();
    for (const p of missing) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    const committed = await this.offsets.fetch([...byTopic].map(([topic, ps]) => ({ topic, partitions: ps })));
    const unset = missing.filter((p) => !committed.has(partitionKey(p.topic, p.partition)));
    const reset = await listOffsetsAt(this.kafka.admin, unset, this.config.autoOffsetReset === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP);
    for (const p of missing) {
      const k = partitionKey(p.topic, p.partition);
      this.positions.set(k, committed.get(k)?.offset ?? reset.get(k) ?? 0n);
    }
  }
}

function splitKey(key: string): TopicPartition {
  const at = key.lastIndexOf(':');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}

export class ConsumerInstances {
  private readonly instances = new Map<string, ConsumerInstance>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly kafka: KafkaAccess,
    private readonly options: ResolvedGatewayOptions,
    private readonly logger: Logger,
  ) {
    this.sweeper = setInterval(() => void this.expireIdle(), Math.max(1000, Math.min(10_000, options.consumerIdleMs / 2)));
    this.sweeper.unref();
  }

  get count(): number {
    return this.instances.size;
  }

  create(group: string, name: string | undefined, config: InstanceConfig, owner: string | null): ConsumerInstance {
    const id = name ?? `rest-consumer-${randomUUID()}`;
    const key = `${group}\u0000${id}`;
    if (this.instances.has(key)) throw rest.consumerAlreadyExists();
    if (this.instances.size >= this.options.maxConsumerInstances) throw rest.tooManyConsumers();
    const consumer = createConsumer({ ...this.kafka.client, clientId: `${this.options.clientId}-${id}` }, { groupId: group, autocommit: false });
    const instance = new ConsumerInstance(group, id, owner, config, consumer, this.kafka);
    this.instances.set(key, instance);
    return instance;
  }

  /** The instance, for `principal` only when it created it. */
  get(group: string, id: string, principal: string | null): ConsumerInstance {
    const i = this.instances.get(`${group}\u0000${id}`);
    if (!i || i.owner !== principal) throw rest.consumerInstanceNotFound();
    i.lastUsed = Date.now();
    return i;
  }

  async delete(group: string, id: string, principal: string | null): Promise<void> {
    const i = this.get(group, id, principal);
    this.instances.delete(`${group}\u0000${id}`);
    await i.close();
  }

  private async expireIdle(): Promise<void> {
    const cutoff = Date.now() - this.options.consumerIdleMs;
    for (const [key, i] of this.instances) {
      if (i.lastUsed >= cutoff) continue;
      this.instances.delete(key);
      this.logger.info('deleting an idle REST consumer instance', { group: i.group, instance: i.id });
      await i.close();
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.instances.values()];
    this.instances.clear();
    await Promise.all(all.map((i) => i.close()));
  }
}
