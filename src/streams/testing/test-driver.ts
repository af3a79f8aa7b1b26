// TestDriver: runs an app's topology in-process with virtual time and no broker, the way Kafka
// Streams' TopologyTestDriver does, by driving the very StreamTask the Kafka runtime drives.
// Topics live in a VirtualCluster; records written to a topic the topology reads (repartition
// topics, or a user topic fed back in) are processed right away, in the order they were written.
//
// Time: record timestamps are event time and move stream time; the driver's wall clock moves only
// through `advanceWallClockTime` (wall-clock punctuations) and is the default timestamp of piped
// records.
//
// `guarantee: 'exactly-once'` is accepted and changes nothing: the driver processes each record
// synchronously to completion with no crash, rebalance or retry, so every input is applied once
// and every output written once already.

import { toMillis, type Duration } from '../duration.js';
import type { Serde } from '../serdes.js';
import type { App } from '../dsl/app.js';
import type { TaskMetrics } from '../engine/metrics.js';
import { decodeCommitMetadata, encodeCommitMetadata } from '../engine/commit-metadata.js';
import { GlobalStores } from '../engine/global-stores.js';
import { StreamTask } from '../engine/task.js';
import { planTopics } from '../runtime/topic-plan.js';
import { topicPartitionKey, type RecordCollector, type RecordHeader } from '../engine/transport.js';
import type { StateStore } from '../stores/store.js';
import { VirtualCluster, type StoredRecord } from './virtual-cluster.js';

export interface TestDriverOptions {
  /** Partition counts per topic; others have `defaultPartitions`. Ignored when `cluster` is given. */
  partitions?: Record<string, number>;
  defaultPartitions?: number;
  /** Reuse the topics and committed offsets of an earlier driver (a restart). */
  cluster?: VirtualCluster;
  /** Initial wall-clock time (ms). Default 0. */
  wallClock?: number;
}

export interface TestRecord<K, V> {
  readonly key: K | null;
  readonly value: V | null;
  readonly timestamp: number;
  readonly partition: number;
  readonly headers: readonly RecordHeader[] | undefined;
}

export interface PipeOptions {
  timestamp?: number;
  partition?: number;
  headers?: readonly RecordHeader[];
  /**
   * The offset processors see for this record (their record context), for records replayed from a
   * real topic (brook/sql's push and pull queries report ksqlDB's ROWOFFSET). The driver's own log
   * keeps its position; commits then record this offset too.
   */
  offset?: bigint;
}

export class TestInputTopic<K, V> {
  constructor(
    private readonly driver: TestDriver,
    readonly topic: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {}

  /** Write one record and process it (and everything it causes) to completion. */
  async pipe(key: K | null, value: V | null, options: PipeOptions = {}): Promise<void> {
    const k = key === null ? null : this.keySerde.serialize(key);
    const v = value === null ? null : this.valueSerde.serialize(value);
    await this.driver.pipeRaw(this.topic, k, v, options);
  }

  async pipeAll(records: Iterable<readonly [K | null, V | null, PipeOptions?]>): Promise<void> {
    for (const [k, v, o] of records) await this.pipe(k, v, o);
  }
}

export class TestOutputTopic<K, V> {
  private readonly positions: bigint[] = [];

  constructor(
    private readonly cluster: VirtualCluster,
    readonly topic: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {}

  /** Records written since the last read, partition by partition. */
  readRecords(): Array<TestRecord<K, V>> {
    const out: Array<TestRecord<K, V>> = [];
    for (let p = 0; p < this.cluster.partitions(this.topic); p++) {
      const from = this.positions[p] ?? 0n;
      for (const r of this.cluster.records(this.topic, p, from)) out.push(this.decode(r));
      this.positions[p] = this.cluster.endOffset(this.topic, p);
    }
    return out;
  }

  readKeyValues(): Array<[K | null, V | null]> {
    return this.readRecords().map((r) => [r.key, r.value]);
  }

  readValues(): Array<V | null> {
    return this.readRecords().map((r) => r.value);
  }

  /** Every record ever written, as the latest value per key (a compacted view; null deletes). */
  toMap(): Map<K, V> {
    const latest = new Map<string, [K, V | null]>();
    for (let p = 0; p < this.cluster.partitions(this.topic); p++) {
      for (const r of this.cluster.records(this.topic, p)) {
        if (r.key === null) continue;
        const d = this.decode(r);
        latest.set(r.key.toString('latin1'), [d.key as K, d.value]);
      }
    }
    const out = new Map<K, V>();
    for (const [k, v] of latest.values()) if (v !== null) out.set(k, v);
    return out;
  }

  private decode(r: StoredRecord): TestRecord<K, V> {
    return {
      key: r.key === null ? null : this.keySerde.deserialize(r.key),
      value: r.value === null ? null : this.valueSerde.deserialize(r.value),
      timestamp: r.timestamp,
      partition: r.partition,
      headers: r.headers,
    };
  }
}

export class TestDriver {
  readonly cluster: VirtualCluster;
  private wallClock: number;
  private readonly tasks = new Map<string, StreamTask>();
  private readonly globals: GlobalStores;
  private readonly queue: StoredRecord[] = [];
  private draining: Promise<void> | undefined;

  private constructor(
    readonly app: App,
    options: TestDriverOptions,
  ) {
    this.cluster = options.cluster ?? new VirtualCluster(options.partitions ?? {}, options.defaultPartitions ?? 1);
    this.wallClock = options.wallClock ?? 0;
    this.globals = new GlobalStores(app.topology());
  }

  /** Create the tasks, restore their stores from the cluster's changelogs, and replay uncommitted input. */
  static async create(app: App, options: TestDriverOptions = {}): Promise<TestDriver> {
    const driver = new TestDriver(app, options);
    await driver.start();
    return driver;
  }

  input<K, V>(topic: string, key: Serde<K>, value: Serde<V>): TestInputTopic<K, V> {
    return new TestInputTopic(this, topic, key, value);
  }

  output<K, V>(topic: string, key: Serde<K>, value: Serde<V>): TestOutputTopic<K, V> {
    return new TestOutputTopic(this.cluster, topic, key, value);
  }

  /** The instance of store `name` in the task for `partition`. */
  store<S extends StateStore>(name: string, partition = 0): S {
    const global = this.globals.stores.get(name);
    if (global) return global as S;
    const sub = this.app.topology().subtopologies().find((s) => s.stores.includes(name));
    const task = sub && this.tasks.get(`${sub.id}_${partition}`);
    if (!task) throw new RangeError(`no task holds store '${name}' for partition ${partition}`);
    return task.store(name) as S;
  }

  metrics(): Record<string, TaskMetrics> {
    return Object.fromEntries([...this.tasks].map(([id, t]) => [id, { ...t.metrics }]));
  }

  /** Sum of a metric over all tasks. */
  total(metric: 'recordsIn' | 'recordsOut' | 'lateDrops' | 'skipped' | 'restoredRecords'): number {
    let n = 0;
    for (const t of this.tasks.values()) n += t.metrics[metric];
    return n;
  }

  get wallClockTime(): number {
    return this.wallClock;
  }

  async advanceWallClockTime(d: Duration): Promise<void> {
    this.wallClock += toMillis(d);
    for (const t of this.tasks.values()) t.punctuateWallClock(this.wallClock);
    await this.settle();
  }

  async pipeRaw(topic: string, key: Buffer | null, value: Buffer | null, options: PipeOptions): Promise<void> {
    const rec = this.cluster.append(topic, options.partition, options.timestamp ?? this.wallClock, key, value, options.headers);
    this.queue.push(options.offset !== undefined ? { ...rec, offset: options.offset } : rec);
    await this.settle();
  }

  /** Commit every task as the runtime would: wait for its work, then record offsets and checkpoints. */
  async commit(): Promise<void> {
    await this.settle();
    const group = this.app.appId;
    for (const task of this.tasks.values()) {
      const point = await task.prepareCommit();
      const ends = new Map<string, bigint>();
      const byTopic = new Map<string, bigint>();
      for (const name of task.storeNames()) {
        const topic = this.app.topology().stores.get(name)!.changelogTopic;
        const end = this.cluster.endOffset(topic, task.partition);
        ends.set(topicPartitionKey(topic, task.partition), end);
        byTopic.set(topic, end);
      }
      const metadata = encodeCommitMetadata(point.metadata, byTopic);
      for (const o of point.offsets) this.cluster.commit(group, o.topic, o.partition, { offset: o.offset, metadata });
      await task.postCommit(ends);
    }
  }

  /** Clean shutdown: a final commit, then close every task. */
  async close(): Promise<void> {
    await this.commit();
    for (const t of this.tasks.values()) await t.close();
    this.tasks.clear();
    await this.globals.close();
  }

  /** Stop without committing, as if the process died (stores are still closed to release files). */
  async crash(): Promise<void> {
    for (const t of this.tasks.values()) await t.close();
    this.tasks.clear();
    await this.globals.close();
  }

  private async start(): Promise<void> {
    const topology = this.app.topology();
    const collector: RecordCollector = {
      send: (r) => {
        const stored = this.cluster.append(r.topic, r.partition, r.timestamp, r.key, r.value, r.headers);
        if (topology.subtopologyFor(r.topic) || this.globals.isGlobalTopic(r.topic)) this.queue.push(stored);
      },
    };
    const reader = this.cluster.changelogReader();
    // Size internal topics and check co-partitioning exactly as the Kafka runtime does.
    const existing = new Map<string, number>();
    for (const t of [...topology.sourceTopics(), ...topology.internalTopics.keys()]) {
      if (!topology.internalTopics.has(t) || this.cluster.isDefined(t)) existing.set(t, this.cluster.partitions(t));
    }
    for (const g of topology.globalTables.values()) existing.set(g.topic, this.cluster.partitions(g.topic));
    const plan = planTopics(topology, existing);
    for (const [topic, n] of plan.internal) this.cluster.ensureTopic(topic, n);
    await this.globals.bootstrap(reader, (t) => this.cluster.partitions(t), this.app.options.stateDir);
    for (const sub of topology.subtopologies()) {
      const n = plan.tasksPerSubtopology.get(sub.id)!;
      for (let p = 0; p < n; p++) {
        const task = new StreamTask(topology, sub, p, collector, {
          clock: { now: () => this.wallClock },
          stateDir: this.app.options.stateDir,
          onDeserializationError: this.app.options.onDeserializationError,
          globalStores: this.globals.stores,
        });
        const committed = sub.sourceTopics.map((t) => this.cluster.committed(this.app.appId, t, p)).find((c) => c !== undefined);
        const decoded = decodeCommitMetadata(committed?.metadata);
        await task.initialize(reader, { metadata: decoded?.task, changelogEnds: decoded?.changelogEnds ?? new Map() });
        this.tasks.set(task.id, task);
      }
    }
    // Replay what the previous run consumed but never committed (at-least-once).
    for (const sub of topology.subtopologies()) {
      for (const topic of sub.sourceTopics) {
        for (let p = 0; p < this.cluster.partitions(topic); p++) {
          const from = this.cluster.committed(this.app.appId, topic, p)?.offset ?? 0n;
          this.queue.push(...this.cluster.records(topic, p, from));
        }
      }
    }
    await this.settle();
  }

  /** Process queued records until nothing is queued and no async work is in flight. */
  private async settle(): Promise<void> {
    while (this.draining) await this.draining;
    this.draining = this.drain();
    try {
      await this.draining;
    } finally {
      this.draining = undefined;
    }
  }

  private async drain(): Promise<void> {
    const topology = this.app.topology();
    while (true) {
      while (this.queue.length > 0) {
        const r = this.queue.shift()!;
        if (this.globals.isGlobalTopic(r.topic)) {
          this.globals.apply(r.topic, r.partition, [r], r.offset + 1n);
          continue;
        }
        const sub = topology.subtopologyFor(r.topic);
        if (!sub) continue; // written to a topic nothing reads
        const task = this.tasks.get(`${sub.id}_${r.partition}`);
        if (!task) throw new RangeError(`no task for ${r.topic}-${r.partition}`);
        const wait = task.process(r);
        if (wait) await wait;
      }
      for (const t of this.tasks.values()) await t.idle();
      if (this.queue.length === 0) return;
    }
  }
}
