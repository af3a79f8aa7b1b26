// Sliding-window aggregation with Kafka Streams' semantics (KIP-450); the rules are stated in
// ../windows.ts. Every window has size d + 1 ms (Kafka's [start, start + d], both ends
// inclusive) and is identified by its start in the aggregate store.
//
// Per record at t of key k (not dropped by the whole-record rule):
//   * every existing window of k that contains t and is open gets t folded in (adder);
//   * t's left window [max(0, t - d), ...] is created when missing;
//   * the right window of the previous record p (largest timestamp < t) is created when missing
//     and it holds t (p < t <= p + d + 1);
//   * t's own right window [t + 1, ...] is created when missing and a record of k follows t
//     within d + 1 ms.
// A created window's initial aggregate is the fold, in timestamp order, of the key's accepted
// records within it, read from a buffer of raw values (`rawStoreName`, keyed by timestamp).
// Refolding only at creation keeps updates O(1) per window while any aggregator stays correct
// (Kafka copies a neighbour window's aggregate instead, which needs the same records). Because a
// window only ever closes, an open window created by refolding has seen exactly the accepted
// records in its range: every later one was folded in by the first rule.

import type { Processor, ProcessorContext } from '../engine/processor.js';
import type { WindowStore } from '../stores/store.js';
import { isClosed, slidingWindowStart, type SlidingWindows, type Windowed } from '../windows.js';
import { emitClosed, type WindowedAggregateOptions } from './window-aggregate.js';

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
    // Kafka's whole-record rule: even t's right window [t + 1, t + 1 + d] has closed.
    if (isClosed(ts + d + 1, streamTime, this.grace)) {
      this.late(key, value, ts);
      this.afterRecord(streamTime);
      return;
    }
    const earlier = this.raw.fetch(key, ts - d - 1, ts - 1);
    const previous = earlier.length > 0 ? earlier[earlier.length - 1]![0] : undefined;
    const buffered = this.raw.get(key, ts);
    this.raw.put(key, ts, buffered ? [...buffered, value] : [value]);

    const leftStart = slidingWindowStart(ts, d);
    // The left window ends first among the windows holding t, so t is late iff it is closed.
    const leftClosed = this.closed(leftStart);
    const seen = new Set<number>();
    for (const [start, aggregate] of this.store.fetch(key, leftStart, ts + 1)) {
      seen.add(start);
      if (start > ts || this.closed(start)) continue;
      const next = this.o.adder(key, value, aggregate);
      this.store.put(key, start, next);
      this.forwardChange(key, start, next, ts);
    }
    if (!seen.has(leftStart) && !leftClosed) this.create(key, leftStart, seen);
    if (previous !== undefined && !seen.has(previous + 1) && !this.closed(previous + 1)) this.create(key, previous + 1, seen);
    if (!seen.has(ts + 1) && this.raw.fetch(key, ts + 1, ts + d + 1).length > 0) this.create(key, ts + 1, seen);
    if (leftClosed) this.late(key, value, ts);
    this.afterRecord(streamTime);
  }

  private closed(start: number): boolean {
    return isClosed(start + this.d + 1, this.ctx.streamTime, this.grace);
  }

  /** Create the window at `start` from the buffered records within it. */
  private create(key: K, start: number, seen: Set<number>): void {
    seen.add(start);
    let aggregate = this.o.initializer();
    let newest = start;
    for (const [t, values] of this.raw.fetch(key, start, start + this.d)) {
      for (const v of values) aggregate = this.o.adder(key, v, aggregate);
      newest = t;
    }
    this.store.put(key, start, aggregate);
    this.forwardChange(key, start, aggregate, newest);
  }

  private forwardChange(key: K, start: number, aggregate: A, ts: number): void {
    if (this.o.emit !== 'changes') return;
    this.ctx.forward({ key, window: { start, end: start + this.d + 1 } } satisfies Windowed<K>, aggregate, ts);
  }

  private late(key: K, value: V, ts: number): void {
    this.ctx.metrics.lateDrops++;
    this.o.onLate?.(key, value, ts);
  }

  private afterRecord(streamTime: number): void {
    const cutoff = streamTime - this.grace;
    const span = this.d + 1;
    if (this.o.emit === 'final') {
      emitClosed(this.ctx, this.store, this.o.storeName, cutoff, (s) => s + span, (e) => e - span, (s) => s);
    }
    // Closed windows (start + d + 1 <= cutoff) can never change again.
    const earliest = this.store.earliestStart();
    if (earliest !== undefined && earliest + span <= cutoff) this.store.expire(cutoff - this.d);
    // A record still accepted has t > cutoff - d - 1, and the windows it can create start at or
    // after min(t - d, previous record + 1) >= cutoff - 2d - 1; older buffered values are dead.
    const keepFrom = cutoff - 2 * this.d - 1;
    const rawEarliest = this.raw.earliestStart();
    if (rawEarliest !== undefined && rawEarliest < keepFrom) this.raw.expire(keepFrom);
  }
}
