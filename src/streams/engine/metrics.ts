// Per-task metrics, readable from the app (and the TestDriver). Plain counters updated in place:
// the hot path increments a number and allocates nothing.

export interface TaskMetrics {
  recordsIn: number;
  recordsOut: number;
  /** Records dropped because they were late for a closed window (see windows.ts). */
  lateDrops: number;
  /** Records skipped: undecodable under a skip/dead-letter policy, null values on a stream, negative timestamps. */
  skipped: number;
  /** Changelog records applied while restoring, across the task's stores. */
  restoredRecords: number;
  restoring: boolean;
  /** Records not yet consumed, summed over the task's input partitions (when the runtime reports end offsets). */
  lag: number;
}

export function newTaskMetrics(): TaskMetrics {
  return { recordsIn: 0, recordsOut: 0, lateDrops: 0, skipped: 0, restoredRecords: 0, restoring: false, lag: 0 };
}
