// Session-windowed aggregation (rules in ../windows.ts). Merging needs a `merger` to combine the
// aggregates of sessions a record bridges (count adds, reduce reuses its reducer).
//
// A session [s, e) is final once no accepted record can reach it: a record within the gap would
// be at most e - 1 + gap, and is accepted only if its merged session ends after the close cutoff,
// so the session is final when cutoff >= e + gap. emit('final') forwards it then, and the store
// drops it.

import type { Processor, ProcessorContext } from '../engine/processor.js';
import type { SessionStore } from '../stores/store.js';
import { isClosed, mergeSessions, type EmitStrategy, type SessionWindows, type Windowed } from '../windows.js';
import type { LateHook } from './window-aggregate.js';

export interface SessionAggregateOptions<K, V, A> {
  readonly storeName: string;
  readonly initializer: () => A;
  readonly adder: (key: K, value: V, aggregate: A) => A;
  readonly merger: (key: K, left: A, right: A) => A;
  readonly emit: EmitStrategy;
  readonly onLate: LateHook<K, V> | undefined;
}

export class SessionAggregateProcessor<K, V, A> implements Processor<K, V> {
  private ctx!: ProcessorContext<unknown, unknown>;
  private store!: SessionStore<K, A>;
  private readonly gap: number;
  private readonly grace: number;

  constructor(
    windows: SessionWindows,
    private readonly o: SessionAggregateOptions<K, V, A>,
  ) {
    this.gap = windows.gapMs;
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
    const existing = this.store.sessions(key);
    const { merged, absorbed } = mergeSessions(
      existing.map((s) => s.window),
      ts,
      this.gap,
    );
    if (isClosed(merged.end, streamTime, this.grace)) {
      this.ctx.metrics.lateDrops++;
      this.o.onLate?.(key, value, ts);
    } else {
      let agg = this.o.initializer();
      for (const w of absorbed) {
        const entry = existing.find((s) => s.window.start === w.start && s.window.end === w.end)!;
        agg = this.o.merger(key, agg, entry.value);
      }
      agg = this.o.adder(key, value, agg);
      for (const w of absorbed) {
        this.store.remove(key, w);
        if (this.o.emit === 'changes') this.ctx.forward({ key, window: w } satisfies Windowed<K>, null, ts);
      }
      this.store.put(key, merged, agg);
      if (this.o.emit === 'changes') this.ctx.forward({ key, window: merged } satisfies Windowed<K>, agg, ts);
    }
    this.afterRecord(streamTime);
  }

  private afterRecord(streamTime: number): void {
    const finalBy = streamTime - this.grace - this.gap; // sessions with end <= finalBy are final
    const earliest = this.store.earliestEnd();
    if (earliest === undefined || earliest > finalBy) return;
    if (this.o.emit === 'final') {
      const emittedUpTo = this.ctx.getPosition(this.o.storeName) ?? Number.NEGATIVE_INFINITY;
      for (const s of this.store.endingBy(finalBy)) {
        if (s.window.end > emittedUpTo) this.ctx.forward({ key: s.key, window: s.window } satisfies Windowed<K>, s.value, s.window.end - 1);
      }
      this.ctx.setPosition(this.o.storeName, finalBy);
    }
    this.store.expire(finalBy + 1);
  }
}
