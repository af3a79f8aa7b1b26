// Windowed aggregations over fixed (tumbling/hopping) and sliding windows. The rules they
// implement (alignment, stream time, grace, lateness, emission) are stated in ../windows.ts.

import type { Processor, ProcessorContext } from '../engine/processor.js';
import type { WindowStore } from '../stores/store.js';
import {
  firstWindowStart,
  isClosed,
  type EmitStrategy,
  type FixedWindows,
  type SlidingWindows,
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
function emitClosed<K, A>(
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
      ctx.forward({ key: e.key, window } satisfies Windowed<K>, e.value, window.end - 1);
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
      if (this.o.emit === 'changes') this.ctx.forward({ key, window: { start, end } } satisfies Windowed<K>, next, ts);
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

/**
 * Sliding windows (see windows.ts): one window per record timestamp r of a key, [r - d, r + 1).
 * The processor keeps the key's raw values by timestamp (in `rawStoreName`, values as arrays)
 * and recomputes each affected window by folding its records in timestamp order, so any
 * aggregator works (no subtraction or merging needed). Cost per record: O(records within d) per
 * affected window.
 */
export class SlidingWindowAggregateProcessor<K, V, A> implements Processor<K, V> {
  private ctx!: ProcessorContext<unknown, unknown>;
  private store!: WindowStore<K, A>;
  private raw!: WindowStore<K, V[]>;
  private readonly d: number;
  private readonly grace: number;

  constructor(
    windows: SlidingWindows,
    private readonly rawStoreName: string,
    private readonly o: WindowedAggregateOptions<K, V, A>,
  ) {
    this.d = windows.timeDifferenceMs;
    this.grace = windows.graceMs;
  }

  init(ctx: ProcessorContext<unknown, unknown>): void {
    this.ctx = ctx;
    this.store = ctx.store(this.o.storeName);
    this.raw = ctx.store(this.rawStoreName);
  }

  process(key: K, value: V, ts: number): void {
    if (key === null || key === undefined) {
      this.ctx.metrics.skipped++;
      return;
    }
    const streamTime = this.ctx.streamTime;
    const d = this.d;
    // The newest window that can hold ts ends (exclusively) at ts + d + 1.
    if (isClosed(ts + d + 1, streamTime, this.grace)) {
      this.ctx.metrics.lateDrops++;
      this.o.onLate?.(key, value, ts);
      this.afterRecord(streamTime);
      return;
    }
    const existing = this.raw.get(key, ts);
    this.raw.put(key, ts, existing ? [...existing, value] : [value]);
    let late = false;
    // Windows of record timestamps r in [ts, ts + d]: ts's own, and later ones it now falls into.
    for (const [r] of this.raw.fetch(key, ts, ts + d)) {
      if (isClosed(r + 1, streamTime, this.grace)) {
        late = true;
        continue;
      }
      let agg = this.o.initializer();
      for (const [, values] of this.raw.fetch(key, r - d, r)) for (const v of values) agg = this.o.adder(key, v, agg);
      this.store.put(key, r - d, agg);
      if (this.o.emit === 'changes') {
        this.ctx.forward({ key, window: { start: Math.max(0, r - d), end: r + 1 } } satisfies Windowed<K>, agg, ts);
      }
    }
    if (late) {
      this.ctx.metrics.lateDrops++;
      this.o.onLate?.(key, value, ts);
    }
    this.afterRecord(streamTime);
  }

  private afterRecord(streamTime: number): void {
    const cutoff = streamTime - this.grace;
    const d = this.d;
    if (this.o.emit === 'final') {
      emitClosed(this.ctx, this.store, this.o.storeName, cutoff, (s) => s + d + 1, (e) => e - d - 1, (s) => Math.max(0, s));
    }
    // Closed windows (r + 1 <= cutoff) go; raw values stay while an open or future window may need them.
    const earliest = this.store.earliestStart();
    if (earliest !== undefined && earliest + d + 1 <= cutoff) this.store.expire(cutoff - d);
    const rawEarliest = this.raw.earliestStart();
    if (rawEarliest !== undefined && rawEarliest < cutoff - 2 * d) this.raw.expire(cutoff - 2 * d);
  }
}
