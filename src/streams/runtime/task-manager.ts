// The tasks this instance runs, made from the partitions the group assigned it. It creates a
// task per (sub-topology, partition), restores its stores before it processes anything, keeps
// each input partition's position, and commits with the at-least-once barrier of
// engine/transport.ts: prepare every task, wait for the producer to acknowledge every output and
// changelog write, then commit offsets with metadata, then let stores checkpoint.
//
// Exactly-once (Kafka Streams' EOS v2, KIP-447): the barrier is one transaction of the instance's
// producer: prepare every task, send pending outputs and changelog writes in the transaction,
// add the input offsets (with metadata) to it as the group member, EndTxn(commit), then
// postCommit. If the transaction fails it is aborted and every task is closed dirty: its state
// may hold writes whose changelog records were aborted, so the tasks are recreated and restored
// from the changelog (read_committed) before processing again.

import { TransactionError, type GroupMembership, type GroupOffsets, type TransactionalProducer } from '../../client/index.js';
import { StreamsError } from '../errors.js';
import { decodeCommitMetadata, encodeCommitMetadata } from '../engine/commit-metadata.js';
import type { TaskMetrics } from '../engine/metrics.js';
import { StandbyTask } from '../engine/standby-task.js';
import { StreamTask, type HandedOverStore, type TaskOptions } from '../engine/task.js';
import type { Subtopology, Topology } from '../engine/topology.js';
import { RUNNING_ACTIVE } from './assignment-info.js';
import { topicPartitionKey, type CommitPoint } from '../engine/transport.js';
import type { KafkaChangelogReader } from './changelog-reader.js';
import type { KafkaRecordCollector } from './kafka-collector.js';

/** The exactly-once commit path: the instance's transactional producer and its group membership. */
export interface ExactlyOnce {
  readonly producer: TransactionalProducer;
  readonly membership: () => GroupMembership;
}

export class TaskManager {
  readonly tasks = new Map<string, StreamTask>();
  readonly standbys = new Map<string, StandbyTask>();
  /** `${topic}:${partition}` -> the task reading it. */
  readonly byPartition = new Map<string, StreamTask>();
  /** `${topic}:${partition}` -> next offset to fetch. */
  readonly positions = new Map<string, bigint>();
  /** Task id -> what it last committed, to skip commits that would change nothing. */
  private readonly lastCommitted = new Map<string, string>();
  /**
   * Set by the stream thread after the commit that precedes a rebalance, while processing is
   * paused: every active's stores then hold exactly what the changelog holds up to its
   * acknowledged end, so an active that becomes a standby here keeps its stores (recycled).
   */
  clean = false;

  constructor(
    private readonly topology: Topology,
    private readonly collector: KafkaRecordCollector,
    private readonly reader: KafkaChangelogReader,
    private readonly offsets: GroupOffsets,
    private readonly taskOptions: TaskOptions,
    private readonly eos?: ExactlyOnce,
  ) {}

  /** Sub-topology and partition of a task id (`<sub>_<partition>`), if the topology has it. */
  parse(id: string): { sub: Subtopology; partition: number } | undefined {
    const m = /^(\d+)_(\d+)$/.exec(id);
    const sub = m ? this.topology.subtopologies()[Number(m[1])] : undefined;
    return sub && m ? { sub, partition: Number(m[2]) } : undefined;
  }

  /**
   * Apply an assignment of active and standby task ids. Actives that leave are closed without a
   * commit (their new owner redoes uncommitted work), or recycled into standbys when they stay
   * here as one and the thread committed cleanly; a new active adopts this instance's standby of
   * it, so it restores only the changelog's tail; standbys that leave are closed.
   */
  async reconcile(active: readonly string[], standby: readonly string[]): Promise<void> {
    const wantActive = new Set(active.filter((id) => this.parse(id)));
    const wantStandby = new Set(standby.filter((id) => this.parse(id) && !wantActive.has(id)));
    const clean = this.clean;
    this.clean = false;
    // Exactly-once: tasks leaving while the transaction holds their uncommitted outputs cannot
    // simply be dropped (a later commit would publish those outputs without their offsets), so
    // the transaction is aborted and every task starts again from the changelog.
    if (this.eos?.producer.inTransaction && [...this.tasks.keys()].some((id) => !wantActive.has(id))) await this.abortDirty();
    for (const [id, task] of this.tasks) {
      if (wantActive.has(id)) continue;
      if (clean && wantStandby.has(id) && !this.standbys.has(id)) await this.recycle(task);
      else await this.drop(task);
    }
    for (const [id, sb] of this.standbys) {
      if (wantStandby.has(id) || wantActive.has(id)) continue;
      this.standbys.delete(id);
      await sb.close();
    }
    const fresh = [...wantActive].filter((id) => !this.tasks.has(id));
    if (fresh.length > 0) await this.createActives(fresh);
    for (const id of wantStandby) {
      if (this.standbys.has(id)) continue;
      const { sub, partition } = this.parse(id)!;
      if (sub.stores.length === 0) continue; // a stateless task has nothing to keep warm
      this.standbys.set(id, await StandbyTask.open(this.topology, sub, partition, this.taskOptions));
    }
  }

  private async createActives(ids: readonly string[]): Promise<void> {
    const request = new Map<string, number[]>();
    for (const id of ids) {
      const { sub, partition } = this.parse(id)!;
      for (const topic of sub.sourceTopics) {
        let ps = request.get(topic);
        if (!ps) request.set(topic, (ps = []));
        ps.push(partition);
      }
    }
    const committed = await this.offsets.fetch([...request].map(([topic, partitions]) => ({ topic, partitions })));
    for (const id of ids) {
      const { sub, partition } = this.parse(id)!;
      const task = new StreamTask(this.topology, sub, partition, this.collector, this.taskOptions);
      let metadata: string | null = null;
      for (const topic of sub.sourceTopics) {
        const key = topicPartitionKey(topic, partition);
        const c = committed.get(key);
        this.positions.set(key, c?.offset ?? 0n); // no commit yet: from the beginning (Kafka Streams' auto.offset.reset=earliest)
        metadata ??= c?.metadata ?? null;
        this.byPartition.set(key, task);
      }
      const decoded = decodeCommitMetadata(metadata);
      // Exactly-once: a read_committed changelog holds only committed writes, so restore all of it
      // (no uncommitted tail to bound or repair).
      const changelogEnds = this.eos ? undefined : (decoded?.changelogEnds ?? new Map<string, bigint>());
      const standby = this.standbys.get(id);
      this.standbys.delete(id);
      const handover = standby?.handOver();
      await task.initialize(this.reader, { metadata: decoded?.task, ...(changelogEnds ? { changelogEnds } : {}) }, handover);
      this.tasks.set(id, task);
    }
  }

  /** A cleanly committed active that stays here as a standby keeps its stores, positioned at its acknowledged changelog ends. */
  private async recycle(task: StreamTask): Promise<void> {
    this.forget(task);
    const stores = await task.closeKeepingStores();
    const adopted = new Map<string, HandedOverStore>();
    for (const [name, store] of stores) {
      const key = topicPartitionKey(this.topology.stores.get(name)!.changelogTopic, task.partition);
      const a = this.collector.ends.get(key) ?? 0n;
      const b = this.reader.ends.get(key) ?? 0n;
      adopted.set(name, { store, position: a > b ? a : b });
    }
    this.standbys.set(task.id, await StandbyTask.open(this.topology, task.subtopology, task.partition, this.taskOptions, adopted));
  }

  /** What this instance holds of each task, for the assignor: running actives, and standbys' positions. */
  taskOffsetSums(): Map<string, bigint> {
    const out = new Map<string, bigint>();
    for (const id of this.tasks.keys()) out.set(id, RUNNING_ACTIVE);
    for (const [id, sb] of this.standbys) out.set(id, sb.offsetSum());
    return out;
  }

  /**
   * Commit every task that progressed. Returns false if the coordinator refused the commit
   * because this member's generation is over (the caller then waits for the new assignment).
   */
  async commit(isFenced: (e: unknown) => boolean): Promise<boolean> {
    if (this.eos) return this.commitTransaction(this.eos, isFenced);
    const tasks = [...this.tasks.values()];
    const points: CommitPoint[] = [];
    for (const t of tasks) points.push(await t.prepareCommit());
    await this.collector.flushAndWait();
    const { offsets, committing } = this.commitPlan(tasks, points);
    if (offsets.length === 0) return true;
    try {
      await this.offsets.commit(offsets);
    } catch (e) {
      if (isFenced(e)) return false;
      throw e;
    }
    await this.committed(committing);
    return true;
  }

  /**
   * The exactly-once barrier. Returns false when the transaction was aborted (tasks are then
   * closed dirty; the caller reapplies the assignment, which recreates and restores them).
   */
  private async commitTransaction(eos: ExactlyOnce, isFenced: (e: unknown) => boolean): Promise<boolean> {
    const tasks = [...this.tasks.values()];
    try {
      const points: CommitPoint[] = [];
      for (const t of tasks) points.push(await t.prepareCommit());
      await this.collector.flushAndWait();
      const { offsets, committing } = this.commitPlan(tasks, points);
      if (offsets.length === 0 && !eos.producer.inTransaction) return true;
      await eos.producer.commit(eos.membership(), offsets);
      await this.committed(committing);
      return true;
    } catch (e) {
      const cause = e instanceof StreamsError && e.cause !== undefined ? e.cause : e;
      if (cause instanceof TransactionError && cause.fenced === 'producer') {
        throw new StreamsError('PRODUCER_FENCED', `another instance took transactional id of app '${this.topology.appId}': ${cause.message}`, { cause });
      }
      if (!(cause instanceof TransactionError) && !isFenced(cause) && !(e instanceof StreamsError && e.code === 'PRODUCE_FAILED')) throw e;
      await this.abortDirty();
      return false;
    }
  }

  /** Abort the open transaction and close every task without committing (their state may be ahead of the changelog). */
  async abortDirty(): Promise<void> {
    if (!this.eos) return this.closeAll();
    await this.collector.reset(); // first: no send of this transaction may still be in flight when it ends
    await this.eos.producer.abort().catch(() => {}); // a lost abort is finished by the coordinator's timeout or our next InitProducerId
    await this.closeAll();
  }

  private commitPlan(tasks: readonly StreamTask[], points: readonly CommitPoint[]): { offsets: OffsetCommit[]; committing: Committing[] } {
    const offsets: OffsetCommit[] = [];
    const committing: Committing[] = [];
    tasks.forEach((task, i) => {
      const point = points[i]!;
      if (point.offsets.length === 0) return; // nothing consumed yet: nothing to commit
      const ends = new Map<string, bigint>();
      const byTopic = new Map<string, bigint>();
      for (const name of task.storeNames()) {
        const topic = this.topology.stores.get(name)!.changelogTopic;
        const key = topicPartitionKey(topic, task.partition);
        const a = this.collector.ends.get(key) ?? 0n;
        const b = this.reader.ends.get(key) ?? 0n;
        const end = a > b ? a : b;
        ends.set(key, end);
        byTopic.set(topic, end);
      }
      const metadata = encodeCommitMetadata(point.metadata, byTopic);
      const marker = metadata + point.offsets.map((o) => `${o.topic}:${o.partition}@${o.offset}`).join(',');
      if (this.lastCommitted.get(task.id) === marker) return;
      for (const o of point.offsets) offsets.push({ ...o, metadata });
      committing.push({ task, ends, marker });
    });
    return { offsets, committing };
  }

  private async committed(committing: readonly Committing[]): Promise<void> {
    for (const c of committing) {
      this.lastCommitted.set(c.task.id, c.marker);
      await c.task.postCommit(c.ends);
    }
  }

  async closeAll(): Promise<void> {
    for (const t of [...this.tasks.values()]) await this.drop(t);
  }

  async closeStandbys(): Promise<void> {
    for (const sb of [...this.standbys.values()]) await sb.close();
    this.standbys.clear();
  }

  metrics(): Record<string, TaskMetrics> {
    return Object.fromEntries([...this.tasks].map(([id, t]) => [id, { ...t.metrics }]));
  }

  /** Standby tasks here and how far behind their changelogs they are (records). */
  standbyLags(): Record<string, number> {
    return Object.fromEntries([...this.standbys].map(([id, sb]) => [id, sb.lag()]));
  }

  private async drop(task: StreamTask): Promise<void> {
    this.forget(task);
    await task.close();
  }

  private forget(task: StreamTask): void {
    this.tasks.delete(task.id);
    this.lastCommitted.delete(task.id);
    for (const topic of task.subtopology.sourceTopics) {
      const key = topicPartitionKey(topic, task.partition);
      this.byPartition.delete(key);
      this.positions.delete(key);
    }
  }
}

type OffsetCommit = { topic: string; partition: number; offset: bigint; metadata: string };
type Committing = { task: StreamTask; ends: Map<string, bigint>; marker: string };
