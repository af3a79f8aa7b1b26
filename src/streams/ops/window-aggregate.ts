// Windowed aggregations over fixed (tumbling/hopping) windows (sliding ones: sliding-window-aggregate.ts). The rules they
// implement (alignment, stream time, grace, lateness, emission) are stated in ../windows.ts.

import type { Processor, ProcessorContext } from '../engine/processor.js';
import type { WindowStore } from '../stores/store.js';
import {
  firstWindowStart,
  isClosed,
  type EmitStrategy,
  type FixedWindows,
  type Windowed,
} from '../windows.js';

export type LateHook<K, V> = (key: K, value: V, timestamp: number) => void;

export interface WindowedAggregateOptions<K, V, A> {
  readonly storeName: string;
  readonly initializer: () => A;
  readonly adder: (key: K, value: V, aggregate: A) => A;
  readonly emit: EmitStrategy;
  readonly onLate: LateHook<K, V> | undefined;
}

/**
 * Emit-final bookkeeping shared by the window kinds: forwards, in order of end, each window whose
 * end is in (emitted position, close cutoff], then records the cutoff as the new position (kept in
 * the task's commit metadata so a restarted task does not re-emit).
 */
export function emitClosed<K, A>(
  ctx: ProcessorContext<unknown, unknown>,
  store: WindowStore<K, A>,
  positionName: string,
  cutoff: number,
  startToEnd: (start: number) => number,
  endToStart: (end: number) => number,
  reportStart: (start: number) => number,
): void {
  const emittedUpTo = ctx.getPosition(positionName) ?? Number.NEGATIVE_INFINITY;
  if (cutoff <= emittedUpTo) return;
  const earliest = store.earliestStart();
  if (earliest !== undefined && startToEnd(earliest) <= cutoff) {
    const from = Math.max(earliest, endToStart(emittedUpTo) + 1);
    for (const e of store.fetchAll(from, endToStart(cutoff))) {
      const window = { start: reportStart(e.start), end: startToEnd(e.start) };
      ctx.forward({ key: e.key, window } satisfies Windowed<K>, e.value, window.end - 1, null);
    }
  }
  ctx.setPosition(positionName, cutoff);
}

export class FixedWindowAggregateProcessor<K, V, A> implements Processor<K, V> {
  private ctx!: ProcessorContext<unknown, unknown>;
  private store!: WindowStore<K, A>;
  private readonly size: number;
  private readonly advance: number;
  private readonly grace: number;

  constructor(
    windows: FixedWindows,
    private readonly o: WindowedAggregateOptions<K, V, A>,
  ) {
    this.size = windows.sizeMs;
    this.advance = windows.advanceMs;
    this.grace = windows.graceMs;
  }

  init(ctx: ProcessorContext<unknown, unknown>): void {
    this.ctx = ctx;
    this.store = ctx.store(this.o.storeName);
  }

  process(key: K, value: V, ts: number): void {
    if (key === null || key === undefined) {
      this.ctx.metrics.skipped++;
      return;
    }
    const streamTime = this.ctx.streamTime;
    const size = this.size;
    let late = false;
    for (let start = firstWindowStart(ts, size, this.advance); start <= ts; start += this.advance) {
      const end = start + size;
      if (isClosed(end, streamTime, this.grace)) {
        late = true;
        continue;
      }
      const current = this.store.get(key, start);
      const next = this.o.adder(key, value, current === undefined ? this.o.initializer() : current);
      this.store.put(key, start, next);
      if (this.o.emit === 'changes') this.ctx.forward({ key, window: { start, end } } satisfies Windowed<K>, next, ts, current === undefined ? null : current);
    }
    if (late) {
      this.ctx.metrics.lateDrops++;
      this.o.onLate?.(key, value, ts);
    }
    this.afterRecord(streamTime);
  }

  private afterRecord(streamTime: number): void {
    const cutoff = streamTime - this.grace;
    const size = this.size;
    if (this.o.emit === 'final') {
      emitClosed(this.ctx, this.store, this.o.storeName, cutoff, (s) => s + size, (e) => e - size, (s) => s);
    }
    // Retention is exactly until close: a closed window can never change again (start + size <= cutoff).
    const earliest = this.store.earliestStart();
    if (earliest !== undefined && earliest + size <= cutoff) this.store.expire(cutoff - size + 1);
  }
}
