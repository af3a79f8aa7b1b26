// The handle of a started streams application instance (what App.start() resolves to).
// Kept apart from the runtime so the DSL can name it without importing the runtime.
import type { TaskMetrics } from '../engine/metrics.js';
import type { StateStore } from '../stores/store.js';
import type { Topology } from '../engine/topology.js';
import type { AppOptions } from '../dsl/app-options.js';

/** What the runtime needs of an App: its id, options and built topology. */
export interface RunnableApp {
  readonly appId: string;
  readonly options: Readonly<AppOptions>;
  topology(): Topology;
}

/** A running app instance. */
export interface RunningApp {
  readonly appId: string;
  /** Resolves once this instance has its first assignment, with stores restored. */
  readonly ready: Promise<void>;
  /** Resolves after close(); rejects with a StreamsError if the instance failed. */
  readonly done: Promise<void>;
  /** Per-task metrics of the tasks running here: records in/out, late drops, skipped, lag, restore progress. */
  metrics(): Record<string, TaskMetrics>;
  /** Ids of the tasks running here (`<sub-topology>_<partition>`). */
  tasks(): string[];
  /** The local instance of a store for a partition, if that task runs here. */
  store<S extends StateStore>(name: string, partition: number): S | undefined;
  /** Commit now (waits for acknowledgements first). */
  commit(): Promise<void>;
  /** Graceful shutdown: stop fetching, commit, close tasks and leave the group. */
  close(): Promise<void>;
}
