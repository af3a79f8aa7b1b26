// A standby task (Kafka Streams' StandbyTask, KIP-441 warm-ups too): the stores of one task kept
// warm from their changelogs on an instance that does not run the task, so that if the task moves
// here (its active failed, or the assignor moves it once this copy is caught up) it starts from
// this state and restores only the tail, instead of the whole changelog.
//
// What a standby applies is bounded by what the active has committed: under at-least-once a
// changelog holds writes for input that a new owner will process again, and the engine's
// bounded restore (engine/restore.ts) must be able to leave those out, so a standby never applies
// past the changelog end recorded in the active's last commit (its `limit`, which the runtime
// learns from the group's committed offsets). Under exactly-once the runtime reads changelogs
// read_committed, which already stops at committed data, and passes no limit.
//
// Handing over: `handOver()` returns the open stores with their positions for a new active task
// (StreamTask.initialize restores from there); an active task recycled into a standby passes its
// stores in the same way.

import { createStore } from '../stores/create-store.js';
import type { StateStore } from '../stores/store.js';
import type { HandedOverStore, TaskOptions } from './task.js';
import type { Subtopology, Topology } from './topology.js';
import type { ChangelogRecord } from './transport.js';

const noLogging = { log: () => {} };

export interface StandbyChangelog {
  readonly store: string;
  readonly topic: string;
  readonly partition: number;
  /** Next changelog offset not yet applied. */
  readonly position: bigint;
  /** Stop before this offset (the active's last committed changelog end); undefined: no bound. */
  readonly limit: bigint | undefined;
}

export class StandbyTask {
  readonly id: string;
  private readonly stores = new Map<string, StateStore>();
  private readonly positions = new Map<string, bigint>();
  private readonly limits = new Map<string, bigint>();
  /** Latest changelog end offsets seen, per store, for the lag. */
  private readonly ends = new Map<string, bigint>();
  private closed = false;

  private constructor(
    private readonly topology: Topology,
    readonly subtopology: Subtopology,
    readonly partition: number,
  ) {
    this.id = `${subtopology.id}_${partition}`;
  }

  /** Open the task's stores (or adopt handed-over ones with their positions). */
  static async open(topology: Topology, subtopology: Subtopology, partition: number, options: TaskOptions, adopted?: ReadonlyMap<string, HandedOverStore>): Promise<StandbyTask> {
    const t = new StandbyTask(topology, subtopology, partition);
    for (const name of subtopology.stores) {
      const given = adopted?.get(name);
      const spec = topology.stores.get(name)!;
      const store = given?.store ?? (await createStore(spec, { stateDir: options.stateDir, appId: topology.appId, taskId: t.id }));
      store.init(noLogging);
      t.stores.set(name, store);
      t.positions.set(name, given?.position ?? store.checkpoint() ?? 0n);
    }
    return t;
  }

  get stateful(): boolean {
    return this.stores.size > 0;
  }

  /** Set the bound from the active's last commit (per changelog topic); undefined for no bound. */
  setLimits(changelogEnds: ReadonlyMap<string, bigint> | undefined): void {
    this.limits.clear();
    if (!changelogEnds) return;
    for (const name of this.stores.keys()) {
      const topic = this.topology.stores.get(name)!.changelogTopic;
      this.limits.set(name, changelogEnds.get(topic) ?? 0n);
    }
  }

  /** The changelog partitions to fetch, with where to fetch from and up to. */
  changelogs(): StandbyChangelog[] {
    return [...this.stores.keys()].map((name) => ({
      store: name,
      topic: this.topology.stores.get(name)!.changelogTopic,
      partition: this.partition,
      position: this.positions.get(name)!,
      limit: this.limits.get(name),
    }));
  }

  /** The store's changelog end offset as last seen (for the lag). */
  observeEnd(store: string, end: bigint): void {
    if (this.stores.has(store)) this.ends.set(store, end);
  }

  /** Apply fetched changelog records of one store (those below its limit); `next` is the position after the fetch. */
  apply(store: string, records: readonly ChangelogRecord[], next: bigint): number {
    const s = this.stores.get(store);
    if (!s || this.closed) return 0;
    const limit = this.limits.get(store);
    let upto = records.length;
    if (limit !== undefined) while (upto > 0 && records[upto - 1]!.offset >= limit) upto--;
    if (upto > 0) s.restoreBatch(upto === records.length ? records : records.slice(0, upto));
    const bounded = limit !== undefined && next > limit ? limit : next;
    if (bounded > this.positions.get(store)!) this.positions.set(store, bounded);
    return upto;
  }

  /** Records the stores are behind their changelogs' ends (as last seen). */
  lag(): number {
    let lag = 0n;
    for (const [name, pos] of this.positions) {
      const end = this.ends.get(name);
      if (end !== undefined && end > pos) lag += end - pos;
    }
    return Number(lag);
  }

  /** Sum of the stores' positions: what the assignor compares with the changelogs' end sum. */
  offsetSum(): bigint {
    let sum = 0n;
    for (const p of this.positions.values()) sum += p;
    return sum;
  }

  store(name: string): StateStore | undefined {
    return this.stores.get(name);
  }

  storeNames(): string[] {
    return [...this.stores.keys()];
  }

  /** Give the stores (still open) and positions to a new active task; this standby is then closed. */
  handOver(): Map<string, HandedOverStore> {
    this.closed = true;
    const out = new Map<string, HandedOverStore>();
    for (const [name, store] of this.stores) out.set(name, { store, position: this.positions.get(name)! });
    this.stores.clear();
    return out;
  }

  /** Close the stores; persistent ones checkpoint their position, so a later standby or active resumes there. */
  async close(): Promise<void> {
    this.closed = true;
    for (const [name, store] of this.stores) {
      store.committed(this.positions.get(name)!);
      await store.close();
    }
    this.stores.clear();
  }
}
