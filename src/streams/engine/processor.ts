// The processor contract every operator (and user code through the escape hatch) implements.
// Records move between processors as three arguments (key, value, timestamp): no wrapper object
// per hop, no serde. A processor sends results on with `ctx.forward`, which calls its children
// synchronously, depth first, as Kafka Streams does.
//
// Table edges carry changes: `value` is the key's new value (null: deleted) and `oldValue` its
// previous one (null: there was none), as Kafka Streams' Change<V> with sendOldValues; on stream
// edges `oldValue` is undefined. Passing it as a fourth argument keeps the hot path allocation-free.

import type { StateStore } from '../stores/store.js';
import type { RecordHeader } from './transport.js';
import type { TaskMetrics } from './metrics.js';

export interface Processor<K, V> {
  init?(ctx: ProcessorContext<unknown, unknown>): void;
  process(key: K, value: V, timestamp: number, oldValue?: unknown): void;
  close?(): void | Promise<void>;
}

/** The input record a task is currently processing. */
export interface RecordContext {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly timestamp: number;
  readonly headers: readonly RecordHeader[] | undefined;
}

export type PunctuationType = 'stream-time' | 'wall-clock';

export interface ProcessorContext<KOut, VOut> {
  readonly taskId: string;
  readonly partition: number;
  /** The task's stream time: the largest timestamp it has seen (-1 before any record). */
  readonly streamTime: number;
  /** The input record being processed; undefined inside punctuations and async continuations. */
  readonly record: RecordContext | undefined;
  readonly metrics: TaskMetrics;
  /** Forward to the children; a sink writes the headers of the input record being processed (none outside one). */
  forward(key: KOut, value: VOut, timestamp: number, oldValue?: unknown): void;
  /**
   * Forward with explicit headers: async continuations pass the headers of the record they started
   * from, punctuations whatever they choose (Kafka Streams' Record.withHeaders).
   */
  forwardWithHeaders(key: KOut, value: VOut, timestamp: number, headers: readonly RecordHeader[] | undefined, oldValue?: unknown): void;
  /** A store this processor declared. */
  store<S extends StateStore>(name: string): S;
  /**
   * Call `callback(time)` every `intervalMs` of stream time (as records advance it) or of wall-clock
   * time (as the runtime ticks). Returns a cancel function.
   */
  schedule(intervalMs: number, type: PunctuationType, callback: (time: number) => void): () => void;
  /** Async processors: don't hand the task another record until `until` settles (back-pressure). */
  block(until: Promise<void>): void;
  /** Async processors: the task's next commit waits for `work`; a rejection fails the task. */
  track(work: Promise<unknown>): void;
  /** Small numbers that survive restarts in the commit metadata (e.g. an emit-final position). */
  getPosition(name: string): number | undefined;
  setPosition(name: string, value: number): void;
}
