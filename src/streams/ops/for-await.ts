// The processor-style escape hatch: user code consumes a task's records with `for await` and
// has the task's stores, scheduling and forwarding at hand. Each task runs its own loop.
//
// Hand-off: `process` queues the record and blocks the task until the loop asks for the next
// one, which is the loop saying it is done with the previous record. So records are handled one
// at a time, in order, and a commit (which waits for tracked work) never passes a record the
// loop is still working on. If the loop throws, the task fails.
//
// Headers: a forward carries the headers of the loop's current record (the loop runs outside the
// task's record context, so they travel with the record), or those passed explicitly; forwards
// from a scheduled callback carry only explicit headers, as Kafka Streams' punctuations do.

import type { Processor, ProcessorContext, PunctuationType } from '../engine/processor.js';
import type { RecordHeader } from '../engine/transport.js';
import type { StateStore } from '../stores/store.js';

export interface LoopRecord<K, V> {
  readonly key: K;
  readonly value: V;
  readonly timestamp: number;
  readonly headers: readonly RecordHeader[] | undefined;
}

export interface LoopContext<KOut, VOut, S extends Record<string, StateStore>> {
  readonly taskId: string;
  readonly partition: number;
  readonly streamTime: number;
  store<N extends keyof S & string>(name: N): S[N];
  /** Send a record downstream; timestamp and headers default to the current record's (none inside a scheduled callback). */
  forward(key: KOut, value: VOut, timestamp?: number, headers?: readonly RecordHeader[]): void;
  schedule(interval: number, type: PunctuationType, callback: (time: number) => void): () => void;
}

export type LoopFunction<K, V, KOut, VOut, S extends Record<string, StateStore>> = (
  records: AsyncIterable<LoopRecord<K, V>>,
  ctx: LoopContext<KOut, VOut, S>,
) => Promise<void>;

export class ForAwaitProcessor<K, V, KOut, VOut, S extends Record<string, StateStore>> implements Processor<K, V> {
  private ctx!: ProcessorContext<unknown, unknown>;
  private pending: LoopRecord<K, V> | undefined;
  private wakeLoop: (() => void) | undefined;
  private releaseTask: (() => void) | undefined;
  private failTask: ((e: unknown) => void) | undefined;
  private closed = false;
  private currentTs = 0;
  private currentHeaders: readonly RecordHeader[] | undefined;
  private inCallback = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly fn: LoopFunction<K, V, KOut, VOut, S>) {}

  init(ctx: ProcessorContext<unknown, unknown>): void {
    this.ctx = ctx;
    const loopCtx: LoopContext<KOut, VOut, S> = {
      taskId: ctx.taskId,
      partition: ctx.partition,
      get streamTime() {
        return ctx.streamTime;
      },
      store: <N extends keyof S & string>(name: N) => ctx.store<S[N]>(name),
      forward: (k, v, ts, headers) => ctx.forwardWithHeaders(k, v, ts ?? this.currentTs, headers ?? (this.inCallback ? undefined : this.currentHeaders)),
      schedule: (interval, type, cb) =>
        ctx.schedule(interval, type, (time) => {
          this.inCallback = true;
          try {
            cb(time);
          } finally {
            this.inCallback = false;
          }
        }),
    };
    this.loop = this.fn(this.records(), loopCtx).then(
      () => this.releaseTask?.(),
      (e: unknown) => this.failTask?.(e),
    );
  }

  process(key: K, value: V, timestamp: number): void {
    this.pending = { key, value, timestamp, headers: this.ctx.record?.headers };
    const handled = new Promise<void>((resolve, reject) => {
      this.releaseTask = resolve;
      this.failTask = reject;
    });
    this.ctx.block(handled.catch(() => {}));
    this.ctx.track(handled);
    const wake = this.wakeLoop;
    this.wakeLoop = undefined;
    wake?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    const wake = this.wakeLoop;
    this.wakeLoop = undefined;
    wake?.();
    await this.loop;
  }

  private async *records(): AsyncGenerator<LoopRecord<K, V>> {
    while (true) {
      // Asking for the next record means the loop finished the previous one.
      const release = this.releaseTask;
      this.releaseTask = undefined;
      release?.();
      if (this.pending === undefined) {
        if (this.closed) return;
        await new Promise<void>((resolve) => (this.wakeLoop = resolve));
        if (this.pending === undefined) return;
      }
      const r = this.pending;
      this.pending = undefined;
      this.currentTs = r.timestamp;
      this.currentHeaders = r.headers;
      yield r;
    }
  }
}
