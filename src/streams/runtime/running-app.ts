// The handle of a started streams application instance (what App.start() resolves to).
// Kept apart from the runtime so the DSL can name it without importing the runtime.
import type { TaskMetrics } from '../engine/metrics.js';
import type { StateStore } from '../stores/store.js';
import type { Topology } from '../engine/topology.js';
import type { AppOptions } from '../dsl/app-options.js';
import type { HostTasks } from './assignment-info.js';
import type { KeyQueryResult, QueryMeta, QueryOptions } from './interactive-queries.js';

/** What the runtime needs of an App: its id, options and built topology. */
export interface RunnableApp {
  readonly appId: string;
  readonly options: Readonly<AppOptions>;
  topology(): Topology;
}

/** A running app instance. */
export interface RunningApp {
  readonly appId: string;
  /** This instance's `applicationServer` endpoint as bound (host:port), if it has one. */
  readonly endpoint: string | undefined;
  /** Resolves once this instance has its first assignment, with stores restored. */
  readonly ready: Promise<void>;
  /** Resolves after close(); rejects with a StreamsError if the instance failed. */
  readonly done: Promise<void>;
  /** Per-task metrics of the tasks running here: records in/out, late drops, skipped, lag, restore progress. */
  metrics(): Record<string, TaskMetrics>;
  /** Ids of the tasks running here as actives (`<sub-topology>_<partition>`). */
  tasks(): string[];
  /** Standby tasks here, and how many changelog records each is behind its active. */
  standbys(): Record<string, { lag: number }>;
  /** How often the uncaught-exception handler replaced the stream thread. */
  replacedThreads(): number;
  /** The local instance of a store for a partition, if that task runs here. */
  store<S extends StateStore>(name: string, partition: number): S | undefined;
  /** The value of `key` in a key-value store, wherever it is (interactive query). */
  query<K, V>(store: string, key: K, options?: QueryOptions): Promise<KeyQueryResult<V>>;
  /** Key-value entries with from <= key <= to (serialized-key order) from every partition. */
  queryRange<K, V>(store: string, range?: { from?: K; to?: K } & QueryOptions): Promise<{ entries: Array<[K, V]>; answeredBy: QueryMeta[] }>;
  /** One key's windows with fromTime <= start <= toTime from a window (or session) store. */
  queryWindows<K, V>(store: string, key: K, fromTime: number, toTime: number, options?: QueryOptions): Promise<KeyQueryResult<Array<[number, V]>>>;
  /** Every key's windows with fromTime <= start <= toTime from every partition. */
  queryWindowRange<K, V>(store: string, fromTime: number, toTime: number, options?: QueryOptions): Promise<{ entries: Array<{ key: K; start: number; value: V }>; answeredBy: QueryMeta[] }>;
  /** Which instance holds `key` of `store` (active) and which keep standbys of it. */
  hostsForKey<K>(store: string, key: K): { active: string | undefined; standbys: string[]; partition: number };
  /** Every instance's endpoint and tasks, as of the last rebalance. */
  allHosts(): ReadonlyMap<string, HostTasks>;
  /** Commit now (waits for acknowledgements first). */
  commit(): Promise<void>;
  /** Graceful shutdown: stop fetching, commit, close tasks and leave the group. */
  close(): Promise<void>;
}
