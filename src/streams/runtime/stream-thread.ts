// The processing loop of one app instance (Kafka Streams' StreamThread): fetch the assigned input
// partitions, hand each record to its task, flush outputs to the producer, punctuate, commit
// every commit interval, and keep standby tasks warm between fetches. Group events (from the
// group member, runtime/kafka-runtime.ts) only set flags; the loop acts on them between fetches,
// so tasks are never touched concurrently. Rebalances are eager, as in Kafka's eager protocol:
//   prepareRebalance()  the member is about to rejoin: commit, then pause processing (so every
//                       active's stores match its acknowledged changelog; an active that stays
//                       here as a standby keeps them);
//   assign(...)         the new generation's tasks: reconcile them, then resume;
//   lost()              the member was removed from the group (missed its session): every local
//                       active is stale (under exactly-once the open transaction is aborted).
// Within one task that reads several partitions (a join), records of one fetch are merged by
// timestamp, lowest first, as Kafka Streams picks the partition with the lowest head timestamp.
//
// Prefetch: while a non-empty fetch is processed, the next Fetch (from the positions just after it)
// is already on the wire, so broker round trips overlap processing. At most one is outstanding. It
// only reads: positions still move only after processing, so commits (including the exactly-once
// transaction's offsets) see exactly what was processed. A prefetch is used only if every position
// it was asked for is still current and no partition was added or removed; otherwise (rebalance,
// dirty abort and restore) it is awaited and dropped, and the loop fetches afresh.

import type { ClusterMetadata, Consumer } from '../../client/index.js';
import { StreamsError } from '../errors.js';
import type { ConsumedRecord } from '../engine/transport.js';
import type { StreamTask } from '../engine/task.js';
import { fetchPartitions, type FetchedPartition, type FetchLimits, type FetchPosition } from './partition-fetch.js';
import type { KafkaRecordCollector } from './kafka-collector.js';
import type { StandbyUpdater } from './standby-updater.js';
import type { TaskManager } from './task-manager.js';

/** Longest stretch of record processing before the loop yields to other event-loop work. */
const SLICE_MS = 20;

export interface ThreadOptions {
  readonly commitIntervalMs: number;
  readonly fetch: FetchLimits;
  readonly isFenced: (e: unknown) => boolean;
  readonly now: () => number;
}

export class StreamThread {
  private stopping = false;
  private running = false;
  private commitRequested = false;
  private lastCommit: number;
  /** Waiting for prepareRebalance(): commit and pause at the next turn. */
  private pauseWaiters: Array<() => void> = [];
  /** Paused between a rebalance's commit (or a lost membership) and the next assignment. */
  private paused = true;
  private lostPending = false;
  private pendingAssignment: { active: readonly string[]; standby: readonly string[] } | undefined;
  private lastAssignment: { active: readonly string[]; standby: readonly string[] } | undefined;
  private metadata: ClusterMetadata | undefined;
  private wake: (() => void) | undefined;
  /** Callers of commitNow() waiting for the loop's next commit. */
  private commitWaiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  /** Resolves once the first assignment has been applied (tasks created and restored). */
  readonly assigned: Promise<void>;
  private markAssigned!: () => void;
  /** The one outstanding prefetch, with the positions it asked for. */
  private prefetch: { positions: readonly FetchPosition[]; result: Promise<FetchedPartition[]> } | undefined;

  constructor(
    private readonly consumer: Consumer,
    private readonly tasks: TaskManager,
    private readonly collector: KafkaRecordCollector,
    private readonly options: ThreadOptions,
    private readonly standbys?: StandbyUpdater,
  ) {
    this.lastCommit = options.now();
    this.assigned = new Promise((resolve) => (this.markAssigned = resolve));
  }

  stop(): void {
    this.poke(() => (this.stopping = true));
  }

  requestCommit(): void {
    this.poke(() => (this.commitRequested = true));
  }

  /** Commit and pause before the member rejoins; resolves once paused (at once if not running or already paused). */
  prepareRebalance(): Promise<void> {
    if (!this.running || this.paused) return Promise.resolve();
    return new Promise((resolve) => this.poke(() => this.pauseWaiters.push(resolve)));
  }

  /** The new generation's tasks for this instance. */
  assign(active: readonly string[], standby: readonly string[]): void {
    this.poke(() => (this.pendingAssignment = { active, standby }));
  }

  /** This member was removed from the group: its actives may be running elsewhere already. */
  lost(): void {
    this.poke(() => (this.lostPending = true));
  }

  /**
   * A commit made by the loop between two fetches, resolved when it is done. Committing from
   * outside the loop would race with processing: under exactly-once a transaction could then
   * carry outputs of records whose offsets it does not commit (duplicates after a crash).
   */
  commitNow(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.commitWaiters.push({ resolve, reject });
      this.requestCommit();
    });
  }

  /** Runs until stop(); a final commit is the caller's job. Rejects on a task or broker failure. */
  async run(): Promise<void> {
    this.running = true;
    try {
      await this.loop();
    } catch (e) {
      for (const w of this.commitWaiters.splice(0)) w.reject(e);
      throw e;
    } finally {
      this.running = false;
      for (const w of this.pauseWaiters.splice(0)) w();
      await this.dropPrefetch(); // the owner may close the consumer next: no fetch left in flight
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      if (this.lostPending) {
        this.lostPending = false;
        await this.dropPrefetch();
        await this.tasks.abortDirty();
        this.paused = true;
      }
      if (this.pauseWaiters.length > 0) {
        await this.dropPrefetch();
        const ok = this.paused ? true : await this.commit();
        this.tasks.clean = ok && !this.paused;
        this.paused = true;
        for (const w of this.pauseWaiters.splice(0)) w();
      }
      if (this.pendingAssignment) {
        const { active, standby } = (this.lastAssignment = this.pendingAssignment);
        this.pendingAssignment = undefined;
        await this.dropPrefetch();
        await this.tasks.reconcile(active, standby);
        this.metadata = undefined;
        this.paused = false;
        this.standbys?.refreshSoon();
        this.markAssigned();
      }
      if (this.paused) {
        // Answer commitNow() callers: nothing runs while paused, so there is nothing to commit.
        for (const w of this.commitWaiters.splice(0)) w.resolve();
        this.commitRequested = false;
        await this.idle(100);
        continue;
      }
      const now = this.options.now();
      if (this.commitRequested || now - this.lastCommit >= this.options.commitIntervalMs) await this.commit();
      if (this.standbys && this.tasks.standbys.size > 0) await this.stepStandbys(now);
      if (this.tasks.positions.size === 0) {
        await this.idle(100);
        continue;
      }
      const fetched = await this.nextFetch();
      this.startPrefetch(fetched);
      await this.process(fetched);
      this.collector.flush();
      const wall = this.options.now();
      for (const t of this.tasks.tasks.values()) t.punctuateWallClock(wall);
    }
  }

  private async stepStandbys(now: number): Promise<void> {
    try {
      await this.standbys!.step(this.tasks.standbys, now);
    } catch (e) {
      // A standby is an optimization: a failed round (a moved leader, a deleted changelog) is retried later.
      if (!(e instanceof StreamsError)) throw e;
    }
  }

  private async idle(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  /** Commits now; only the loop itself, or the owner once the loop has ended, may call this. */
  async commit(): Promise<boolean> {
    this.commitRequested = false;
    this.lastCommit = this.options.now();
    const waiters = this.commitWaiters.splice(0);
    let ok: boolean;
    try {
      ok = await this.tasks.commit(this.options.isFenced);
    } catch (e) {
      for (const w of waiters) w.reject(e);
      throw e;
    }
    // Refused (our generation is over) or, under exactly-once, aborted: tasks may have been closed
    // dirty; applying the current assignment again recreates (and restores) whatever is missing.
    if (!ok && this.lastAssignment) this.pendingAssignment ??= this.lastAssignment;
    for (const w of waiters) w.resolve();
    return ok;
  }

  private poke(change: () => void): void {
    change();
    this.wake?.();
  }

  /** The prefetched answer if it still matches every position, else a fresh fetch. */
  private async nextFetch(): Promise<FetchedPartition[]> {
    const pending = this.prefetch;
    this.prefetch = undefined;
    if (pending && this.stillCurrent(pending.positions)) return pending.result; // its failure is the loop's failure, as a fresh fetch's would be
    if (pending) await pending.result.catch(() => {}); // bounded: never two fetches in flight
    return this.fetchOnce(toPositions(this.tasks.positions));
  }

  private stillCurrent(positions: readonly FetchPosition[]): boolean {
    if (positions.length !== this.tasks.positions.size) return false;
    for (const p of positions) if (this.tasks.positions.get(`${p.topic}:${p.partition}`) !== p.offset) return false;
    return true;
  }

  /**
   * Starts the next fetch from the positions after `fetched`, if it brought records (an empty
   * answer means caught up: nothing to overlap, and a long poll in the background would only
   * hold the connection while the loop commits). Positions that were not answered or are stale
   * stay as they are; stillCurrent() then rejects the prefetch if processing disagrees.
   */
  private startPrefetch(fetched: readonly FetchedPartition[]): void {
    if (this.stopping || this.pauseWaiters.length > 0 || this.pendingAssignment !== undefined || this.lostPending || !fetched.some((f) => f.records.length > 0)) return;
    const after = new Map(this.tasks.positions);
    for (const f of fetched) {
      const key = `${f.topic}:${f.partition}`;
      if (after.get(key) === f.requested && this.tasks.byPartition.has(key)) after.set(key, f.next);
    }
    const positions = toPositions(after);
    const result = this.fetchOnce(positions);
    result.catch(() => {}); // observed later by nextFetch() or dropPrefetch(); no unhandled rejection meanwhile
    this.prefetch = { positions, result };
  }

  private async dropPrefetch(): Promise<void> {
    const pending = this.prefetch;
    this.prefetch = undefined;
    if (pending) await pending.result.catch(() => {});
  }

  private async fetchOnce(positions: readonly FetchPosition[]): Promise<FetchedPartition[]> {
    this.metadata ??= await this.consumer.metadata({ topics: [...new Set(positions.map((p) => p.topic))], forceUpdate: true });
    try {
      return await fetchPartitions(this.consumer, this.metadata, positions, this.options.fetch);
    } catch (e) {
      if (e instanceof StreamsError) this.metadata = undefined; // e.g. leader moved: refresh, then fail on repeat
      throw e;
    }
  }

  private async process(fetched: readonly FetchedPartition[]): Promise<void> {
    const perTask = new Map<StreamTask, FetchedPartition[]>();
    for (const f of fetched) {
      const key = `${f.topic}:${f.partition}`;
      if (f.retriableError !== 0) {
        this.metadata = undefined; // Kafka: topic or leader not known there yet; refresh, read again
        continue;
      }
      if (this.tasks.positions.get(key) !== f.requested) continue; // stale answer (task moved meanwhile)
      const task = this.tasks.byPartition.get(key);
      if (!task) continue;
      task.updateEndOffset(f.topic, f.partition, f.highWatermark);
      let list = perTask.get(task);
      if (!list) perTask.set(task, (list = []));
      list.push(f);
    }
    let sliceStart = performance.now();
    for (const [task, parts] of perTask) {
      const records = parts.length === 1 ? parts[0]!.records : mergeByTimestamp(parts);
      for (let i = 0; i < records.length; i++) {
        const wait = task.process(records[i]!);
        if (wait) await wait;
        // Node has one thread: a fetch's worth of records processed in one go would hold off
        // heartbeats, producer connections and queries for as long. So every so often hand the
        // event loop back (and let the producer send what is buffered).
        if ((i & 255) === 255 && performance.now() - sliceStart > SLICE_MS) {
          this.collector.flush();
          await new Promise<void>((resolve) => setImmediate(resolve));
          sliceStart = performance.now();
        }
      }
      for (const f of parts) {
        this.tasks.positions.set(`${f.topic}:${f.partition}`, f.next);
        task.updateEndOffset(f.topic, f.partition, f.highWatermark);
      }
    }
  }
}

/** "topic:partition" -> offset entries as fetch positions. */
function toPositions(positions: ReadonlyMap<string, bigint>): FetchPosition[] {
  return [...positions].map(([key, offset]) => {
    const at = key.lastIndexOf(':');
    return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)), offset };
  });
}

/** Records of several partitions, lowest timestamp first (ties: in fetch order); per-partition order kept. */
function mergeByTimestamp(parts: readonly FetchedPartition[]): ConsumedRecord[] {
  const heads = parts.map(() => 0);
  const out: ConsumedRecord[] = [];
  for (;;) {
    let best = -1;
    for (let i = 0; i < parts.length; i++) {
      const r = parts[i]!.records[heads[i]!];
      if (r && (best < 0 || r.timestamp < parts[best]!.records[heads[best]!]!.timestamp)) best = i;
    }
    if (best < 0) return out;
    out.push(parts[best]!.records[heads[best]!++]!);
  }
}
