// A stream task: one subtopology running for one input partition. It is the only place records
// enter the engine, and it knows nothing of how they were fetched or where its outputs go
// (engine/transport.ts). The Kafka runtime and the TestDriver drive this same class.
//
// Invariants:
//   * records are processed one at a time, to completion, in the order `process` is called;
//   * stream time advances before a record is processed and never goes back;
//   * every store write is sent to its changelog (task partition) before `process` returns;
//   * `prepareCommit` resolves only after all async work started by processed records is done,
//     so the offsets it returns never run ahead of the outputs they depend on.

import { StreamsError, serdeError } from '../errors.js';
import { createStore } from '../stores/create-store.js';
import type { StateStore } from '../stores/store.js';
import { newTaskMetrics, type TaskMetrics } from './metrics.js';
import { restoreStore } from './restore.js';
import type { Processor, ProcessorContext, PunctuationType, RecordContext } from './processor.js';
import type { SinkNode, SourceNode, Subtopology, Topology } from './topology.js';
import {
  systemClock,
  topicPartitionKey,
  type ChangelogOffsets,
  type ChangelogReader,
  type Clock,
  type CommitPoint,
  type CommittedState,
  type ConsumedRecord,
  type RecordCollector,
  type RecordHeader,
} from './transport.js';

/** What to do with a record whose key or value cannot be deserialized. */
export type DeserializationErrorPolicy = 'fail' | 'skip' | { deadLetterTopic: string };

export interface TaskOptions {
  readonly clock?: Clock;
  readonly stateDir?: string | undefined;
  readonly onDeserializationError?: DeserializationErrorPolicy;
  /** The instance's global stores (GlobalTable), readable by every task's processors that declared them. */
  readonly globalStores?: ReadonlyMap<string, StateStore>;
}

/** A store handed over to a new active task (from a standby, or a recycled task) with its changelog position. */
export interface HandedOverStore {
  readonly store: StateStore;
  /** Next changelog offset the store has not applied. */
  readonly position: bigint;
}

interface Schedule {
  readonly type: PunctuationType;
  readonly intervalMs: number;
  readonly callback: (time: number) => void;
  next: number;
  cancelled: boolean;
}

/** One node's runtime: its processor, and the context through which it forwards. */
class NodeRuntime implements ProcessorContext<unknown, unknown> {
  children: Processor<unknown, unknown>[] = [];
  constructor(
    readonly task: StreamTask,
    readonly processor: Processor<unknown, unknown>,
    private readonly allowedStores: readonly string[],
  ) {}
  get taskId(): string {
    return this.task.id;
  }
  get partition(): number {
    return this.task.partition;
  }
  get streamTime(): number {
    return this.task.streamTime;
  }
  get record(): RecordContext | undefined {
    return this.task.currentRecord;
  }
  get metrics(): TaskMetrics {
    return this.task.metrics;
  }
  forward(key: unknown, value: unknown, timestamp: number, oldValue?: unknown): void {
    this.task.currentTimestamp = timestamp;
    const children = this.children;
    for (let i = 0; i < children.length; i++) children[i]!.process(key, value, timestamp, oldValue);
  }
  forwardWithHeaders(key: unknown, value: unknown, timestamp: number, headers: readonly RecordHeader[] | undefined, oldValue?: unknown): void {
    const task = this.task;
    const saved = task.headers;
    task.headers = headers;
    try {
      this.forward(key, value, timestamp, oldValue);
    } finally {
      task.headers = saved;
    }
  }
  store<S extends StateStore>(name: string): S {
    if (!this.allowedStores.includes(name)) {
      throw new StreamsError('STORE_NOT_FOUND', `store '${name}' is not declared for this processor in task ${this.task.id}`);
    }
    return this.task.store(name) as S;
  }
  schedule(intervalMs: number, type: PunctuationType, callback: (time: number) => void): () => void {
    return this.task.schedule(intervalMs, type, callback);
  }
  block(until: Promise<void>): void {
    this.task.block(until);
  }
  track(work: Promise<unknown>): void {
    this.task.track(work);
  }
  getPosition(name: string): number | undefined {
    return this.task.positions.get(name);
  }
  setPosition(name: string, value: number): void {
    this.task.positions.set(name, value);
  }
}

/**
 * Serializes and hands records to the collector. Records carry the task's current headers: those
 * of the input record being processed, as Kafka Streams' processor-context headers do through
 * every operator, or those an async continuation or punctuation forwarded with (forwardWithHeaders).
 */
class SinkProcessor implements Processor<unknown, unknown> {
  constructor(
    private readonly node: SinkNode,
    private readonly task: StreamTask,
  ) {}
  process(key: unknown, value: unknown, timestamp: number): void {
    const k = key === null || key === undefined ? null : this.node.keySerde.serialize(key);
    const v = value === null || value === undefined ? null : this.node.valueSerde.serialize(value);
    const headers = this.task.headers;
    const partition = this.node.partitioner?.(key, value);
    this.task.collector.send({ topic: this.node.topic, partition, timestamp, key: k, value: v, headers });
    this.task.metrics.recordsOut++;
  }
}

interface Consumed {
  readonly topic: string;
  readonly partition: number;
  last: bigint;
  end: bigint | undefined;
}

export class StreamTask {
  readonly id: string;
  readonly metrics: TaskMetrics = newTaskMetrics();
  readonly positions = new Map<string, number>();
  streamTime = -1;
  currentTimestamp = -1;
  private currentTimestampOfRecord = -1;
  /** The input record being processed (its context is built only if a processor asks for it). */
  private current: ConsumedRecord | undefined;
  private currentContext: RecordContext | undefined;
  /** Headers sinks write: the current input record's, or those of a forwardWithHeaders call. */
  headers: readonly RecordHeader[] | undefined;
  private readonly clock: Clock;
  private readonly onDeserializationError: DeserializationErrorPolicy;
  private readonly sources = new Map<string, { node: SourceNode; children: Processor<unknown, unknown>[] }>();
  private readonly runtimes: NodeRuntime[] = [];
  private readonly stores = new Map<string, StateStore>();
  /** Per input partition: the offset of the last record processed (next = last + 1), and its end. */
  private readonly consumed = new Map<string, Consumed>();
  /** The partition of the previous record: most records come in runs from one partition. */
  private lastConsumed: Consumed | undefined;
  private readonly schedules: Schedule[] = [];
  private nextStreamDue = Number.POSITIVE_INFINITY;
  private readonly inFlight = new Set<Promise<unknown>>();
  private blocked: Promise<void>[] = [];
  private failure: unknown;
  private state: 'created' | 'running' | 'closed' = 'created';

  constructor(
    readonly topology: Topology,
    readonly subtopology: Subtopology,
    readonly partition: number,
    readonly collector: RecordCollector,
    private readonly options: TaskOptions = {},
  ) {
    this.id = `${subtopology.id}_${partition}`;
    this.clock = options.clock ?? systemClock;
    this.onDeserializationError = options.onDeserializationError ?? 'fail';
  }

  /**
   * Open stores, restore them from their changelogs (up to the committed changelog ends, repairing
   * the uncommitted tail: engine/restore.ts), then initialize processors.
   */
  async initialize(reader: ChangelogReader, committed: CommittedState = {}, handover?: ReadonlyMap<string, HandedOverStore>): Promise<void> {
    if (this.state !== 'created') throw new StreamsError('TASK_CLOSED', `task ${this.id} already initialized`);
    this.readMetadata(committed.metadata);
    this.metrics.restoring = true;
    for (const name of this.subtopology.stores) {
      const spec = this.topology.stores.get(name)!;
      const given = handover?.get(name);
      const store = given?.store ?? (await createStore(spec, { stateDir: this.options.stateDir, appId: this.topology.appId, taskId: this.id }));
      this.stores.set(name, store);
      const topic = spec.changelogTopic;
      const partition = this.partition;
      const limit = committed.changelogEnds ? (committed.changelogEnds.get(topic) ?? 0n) : undefined;
      const from = given?.position ?? store.checkpoint() ?? 0n;
      const repairs = await restoreStore(store, reader, topic, partition, from, limit, (n) => {
        this.metrics.restoredRecords += n;
      });
      const log = (key: Buffer, value: Buffer | null, timestamp?: number) =>
        this.collector.send({ topic, partition, timestamp: timestamp ?? this.currentTimestamp, key, value });
      const now = this.clock.now();
      for (const r of repairs) this.collector.send({ topic, partition, timestamp: now, key: r.key, value: r.value });
      store.init({ log });
    }
    this.metrics.restoring = false;
    this.wireNodes();
    this.state = 'running';
  }

  /** The input record being processed, as processors see it (built on first use per record). */
  get currentRecord(): RecordContext | undefined {
    const r = this.current;
    if (r === undefined) return undefined;
    return (this.currentContext ??= { topic: r.topic, partition: r.partition, offset: r.offset, timestamp: this.currentTimestampOfRecord, headers: r.headers });
  }

  store(name: string): StateStore {
    const s = this.stores.get(name) ?? this.options.globalStores?.get(name);
    if (!s) throw new StreamsError('STORE_NOT_FOUND', `task ${this.id} has no store '${name}'`);
    return s;
  }

  storeNames(): string[] {
    return [...this.stores.keys()];
  }

  /** Process one consumed record. A returned promise is back-pressure: await it before the next call. */
  process(record: ConsumedRecord): void | Promise<void> {
    if (this.state !== 'running') throw new StreamsError('TASK_CLOSED', `task ${this.id} is not running`);
    if (this.failure !== undefined) throw this.failed();
    const source = this.sources.get(record.topic);
    if (!source) throw new StreamsError('TOPOLOGY_INVALID', `task ${this.id} does not read topic '${record.topic}'`);
    this.trackConsumed(record);
    this.metrics.recordsIn++;
    const node = source.node;
    let key: unknown = null;
    let value: unknown = null;
    try {
      if (record.key !== null) key = node.keySerde.deserialize(record.key);
    } catch (e) {
      return this.onBadRecord(record, serdeError(`key (${node.keySerde.name})`, record, e));
    }
    try {
      if (record.value !== null) value = node.valueSerde.deserialize(record.value);
    } catch (e) {
      return this.onBadRecord(record, serdeError(`value (${node.valueSerde.name})`, record, e));
    }
    if (value === null && !node.keepNullValues) {
      this.metrics.skipped++;
      return;
    }
    const ts = node.timestamp ? node.timestamp(key, value, record.timestamp) : record.timestamp;
    if (!(ts >= 0)) {
      this.metrics.skipped++; // Kafka Streams drops records with negative timestamps too
      return;
    }
    if (ts > this.streamTime) this.streamTime = ts;
    this.current = record;
    this.currentContext = undefined;
    this.currentTimestampOfRecord = ts;
    this.headers = record.headers;
    this.currentTimestamp = ts;
    try {
      const children = source.children;
      for (let i = 0; i < children.length; i++) children[i]!.process(key, value, ts);
      if (this.streamTime >= this.nextStreamDue) this.punctuate('stream-time', this.streamTime);
    } catch (e) {
      this.failure = e;
      throw this.failed();
    } finally {
      this.current = undefined;
      this.currentContext = undefined;
      this.headers = undefined;
    }
    if (this.blocked.length > 0) {
      const waits = this.blocked;
      this.blocked = [];
      return Promise.all(waits).then(() => {
        if (this.failure !== undefined) throw this.failed();
      });
    }
  }

  /** Fire wall-clock punctuations that are due at `now`. */
  punctuateWallClock(now: number = this.clock.now()): void {
    if (this.state !== 'running') return;
    this.punctuate('wall-clock', now);
  }

  /** The runtime's view of how far each input partition goes, for the lag metric. */
  updateEndOffset(topic: string, partition: number, endOffset: bigint): void {
    const c = this.consumed.get(topicPartitionKey(topic, partition));
    if (c) c.end = endOffset;
    let lag = 0;
    for (const p of this.consumed.values()) if (p.end !== undefined && p.end > p.last + 1n) lag += Number(p.end - p.last - 1n);
    this.metrics.lag = lag;
  }

  /** Wait for in-flight async work and flush stores; the offsets returned may then be committed once outputs are acknowledged. */
  async prepareCommit(): Promise<CommitPoint> {
    await this.idle();
    for (const s of this.stores.values()) await s.flush();
    const offsets = [...this.consumed.values()].map((c) => ({ topic: c.topic, partition: c.partition, offset: c.last + 1n }));
    return { offsets, metadata: this.writeMetadata() };
  }

  /** After the commit succeeded: tell stores which changelog offsets are now durable. */
  async postCommit(changelogEndOffsets: ChangelogOffsets): Promise<void> {
    for (const name of this.stores.keys()) {
      const spec = this.topology.stores.get(name)!;
      const end = changelogEndOffsets.get(topicPartitionKey(spec.changelogTopic, this.partition));
      if (end !== undefined) this.stores.get(name)!.committed(end);
    }
  }

  /** Resolves when no async work is in flight; rejects with the task's failure. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    if (this.failure !== undefined) throw this.failed();
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    await this.closeProcessors();
    for (const s of this.stores.values()) await s.close();
  }

  /**
   * Close the processors but keep the stores open and return them, so a standby task can keep
   * them warm (Kafka Streams recycles an active task into a standby the same way). Only valid
   * right after a successful commit: the stores then hold exactly the committed state.
   */
  async closeKeepingStores(): Promise<Map<string, StateStore>> {
    if (this.state === 'closed') throw new StreamsError('TASK_CLOSED', `task ${this.id} is closed`);
    await this.closeProcessors();
    return new Map(this.stores);
  }

  private async closeProcessors(): Promise<void> {
    this.state = 'closed';
    await Promise.allSettled([...this.inFlight]);
    for (const r of this.runtimes) await r.processor.close?.();
  }

  schedule(intervalMs: number, type: PunctuationType, callback: (time: number) => void): () => void {
    if (!(intervalMs > 0)) throw new RangeError('punctuation interval must be > 0');
    const base = type === 'stream-time' ? Math.max(this.streamTime, 0) : this.clock.now();
    const s: Schedule = { type, intervalMs, callback, next: base + intervalMs, cancelled: false };
    this.schedules.push(s);
    if (type === 'stream-time' && s.next < this.nextStreamDue) this.nextStreamDue = s.next;
    return () => {
      s.cancelled = true;
    };
  }

  block(until: Promise<void>): void {
    this.blocked.push(until);
  }

  track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    work.then(
      () => this.inFlight.delete(work),
      (e: unknown) => {
        this.inFlight.delete(work);
        this.failure ??= e;
      },
    );
  }

  private punctuate(type: PunctuationType, now: number): void {
    // A punctuation runs outside any input record (as Kafka's punctuation record context): its
    // forwards carry no headers unless it passes some (forwardWithHeaders).
    const savedHeaders = this.headers;
    const savedRecord = this.current;
    const savedContext = this.currentContext;
    this.headers = undefined;
    this.current = undefined;
    this.currentContext = undefined;
    try {
      this.runPunctuations(type, now);
    } finally {
      this.headers = savedHeaders;
      this.current = savedRecord;
      this.currentContext = savedContext;
    }
  }

  private runPunctuations(type: PunctuationType, now: number): void {
    let nextStream = Number.POSITIVE_INFINITY;
    for (const s of this.schedules) {
      if (s.cancelled) continue;
      if (s.type === type && s.next <= now) {
        // Fire once per crossing, as Kafka does, then realign to the interval grid.
        s.next = now - ((now - s.next) % s.intervalMs) + s.intervalMs;
        this.currentTimestamp = now;
        s.callback(now);
      }
      if (s.type === 'stream-time' && s.next < nextStream) nextStream = s.next;
    }
    this.nextStreamDue = nextStream;
  }

  private onBadRecord(record: ConsumedRecord, error: StreamsError): void {
    const policy = this.onDeserializationError;
    if (policy === 'fail') {
      this.failure = error;
      throw error;
    }
    this.metrics.skipped++;
    if (policy !== 'skip') {
      const headers: RecordHeader[] = [
        ...(record.headers ?? []),
        { key: 'brook.error', value: Buffer.from(error.message) },
        { key: 'brook.source', value: Buffer.from(`${record.topic}-${record.partition}@${record.offset}`) },
      ];
      this.collector.send({ topic: policy.deadLetterTopic, partition: undefined, timestamp: record.timestamp, key: record.key, value: record.value, headers });
    }
  }

  private failed(): StreamsError {
    const f = this.failure;
    if (f instanceof StreamsError) return f;
    const msg = f instanceof Error ? f.message : String(f);
    return new StreamsError('TASK_FAILED', `task ${this.id} failed: ${msg}`, { cause: f });
  }

  /** Hot path: no string key and no bigint arithmetic while records keep coming from one partition. */
  private trackConsumed(record: ConsumedRecord): void {
    const last = this.lastConsumed;
    if (last !== undefined && last.partition === record.partition && last.topic === record.topic) {
      last.last = record.offset;
      return;
    }
    const k = topicPartitionKey(record.topic, record.partition);
    let c = this.consumed.get(k);
    if (c) c.last = record.offset;
    else this.consumed.set(k, (c = { topic: record.topic, partition: record.partition, last: record.offset, end: undefined }));
    this.lastConsumed = c;
  }

  private wireNodes(): void {
    const instances = new Map<string, { processor: Processor<unknown, unknown>; runtime?: NodeRuntime }>();
    for (const name of this.subtopology.nodes) {
      const node = this.topology.nodes.get(name)!;
      if (node.kind === 'processor') {
        const processor = node.create();
        const runtime = new NodeRuntime(this, processor, node.stores);
        this.runtimes.push(runtime);
        instances.set(name, { processor, runtime });
      } else if (node.kind === 'sink') {
        instances.set(name, { processor: new SinkProcessor(node, this) });
      }
    }
    for (const name of this.subtopology.nodes) {
      const node = this.topology.nodes.get(name)!;
      const children = node.children.map((c) => instances.get(c)!.processor);
      if (node.kind === 'source') this.sources.set(node.topic, { node, children });
      else {
        const rt = instances.get(name)!.runtime;
        if (rt) rt.children = children;
      }
    }
    // Initialize children before parents? Order does not matter: init only wires state.
    for (const r of this.runtimes) r.processor.init?.(r);
  }

  private readMetadata(metadata: string | undefined): void {
    if (!metadata) return;
    try {
      const m = JSON.parse(metadata) as { v?: number; st?: number; pos?: Record<string, number> };
      if (m.v !== 1) return;
      if (typeof m.st === 'number') this.streamTime = m.st;
      for (const [k, v] of Object.entries(m.pos ?? {})) this.positions.set(k, v);
    } catch {
      // Metadata written by another client: ignore it, as Kafka Streams ignores unknown metadata.
    }
  }

  private writeMetadata(): string {
    // Version 1: {"v":1,"st":<stream time>,"pos":{<name>:<number>}}; once per commit, not per record.
    return JSON.stringify({ v: 1, st: this.streamTime, pos: Object.fromEntries(this.positions) });
  }
}
