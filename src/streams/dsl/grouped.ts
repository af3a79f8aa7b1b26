// Grouped and windowed streams: the aggregations, each materialized in a store with a changelog.

import { int64, listOf, type Serde } from '../serdes.js';
import { windowedSerde } from '../windowed-serde.js';
import type { Processor } from '../engine/processor.js';
import { AggregateProcessor } from '../ops/aggregate.js';
import { SessionAggregateProcessor } from '../ops/session-aggregate.js';
import { FixedWindowAggregateProcessor, type LateHook } from '../ops/window-aggregate.js';
import { SlidingWindowAggregateProcessor } from '../ops/sliding-window-aggregate.js';
import { storeGetter } from '../ops/table-ops.js';
import type { EmitStrategy, FixedWindows, SessionWindows, SlidingWindows, Windowed } from '../windows.js';
import { requireSerde, type Materialized } from './builder.js';
import { CogroupedStreamImpl } from './cogroup.js';
import type { Kit } from './kit.js';
import type { CogroupedStream, GroupedStream, SessionWindowedStream, Table, WindowedStream } from './types.js';

type AnyProcessor = Processor<unknown, unknown>;

const countInit = (): number => 0;
const countAdd = <K, V>(_k: K, _v: V, n: number): number => n + 1;
const countMerge = <K>(_k: K, a: number, b: number): number => a + b;

function reduceAdder<K, V>(reducer: (l: V, r: V) => V): (k: K, v: V, agg: V | undefined) => V {
  return (_k, v, agg) => (agg === undefined ? v : reducer(agg, v));
}

function storeOptions(o: Materialized | undefined): Materialized {
  const { store: _store, versioned: _versioned, ...rest } = o ?? {};
  return rest;
}

export class GroupedImpl<K, V> implements GroupedStream<K, V> {
  constructor(
    private readonly kit: Kit,
    readonly node: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V> | undefined,
  ) {}

  count(options?: Materialized): Table<K, number> {
    return this.aggregateInto(countInit, countAdd, int64, options);
  }

  reduce(reducer: (left: V, right: V) => V, options?: Materialized & { value?: Serde<V> }): Table<K, V> {
    const serde = requireSerde(options?.value ?? this.valueSerde, 'reduce (value)');
    return this.aggregateInto<V | undefined>(() => undefined, reduceAdder(reducer), serde as Serde<V | undefined>, options) as Table<K, V>;
  }

  aggregate<A>(initializer: () => A, adder: (key: K, value: V, aggregate: A) => A, options: Materialized & { value: Serde<A> }): Table<K, A> {
    return this.aggregateInto(initializer, adder, options.value, options);
  }

  private aggregateInto<A>(init: () => A, adder: (k: K, v: V, a: A) => A, serde: Serde<A>, options: Materialized | undefined): Table<K, A> {
    const b = this.kit.b;
    const store = b.addStore(options?.store ?? b.autoName('aggregate-store'), 'key-value', this.keySerde, serde, storeOptions(options));
    const node = b.addProcessor('AGGREGATE', [this.node], () => new AggregateProcessor(store, init, adder) as AnyProcessor, [store]);
    return this.kit.table(node, this.keySerde, serde, { getter: storeGetter<K, A>(store) });
  }

  cogroup<A>(aggregator: (key: K, value: V, aggregate: A) => A): CogroupedStream<K, A> {
    return new CogroupedStreamImpl<K, A>(this.kit, this.keySerde, [{ node: this.node, aggregator: aggregator as (k: K, v: unknown, a: A) => A }]);
  }

  windowedBy(windows: FixedWindows | SlidingWindows): WindowedStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedStream<K, V>;
  windowedBy(windows: FixedWindows | SlidingWindows | SessionWindows): WindowedStream<K, V> | SessionWindowedStream<K, V> {
    if (windows.kind === 'session') return new SessionWindowedImpl(this.kit, this.node, this.keySerde, this.valueSerde, windows, 'changes', undefined);
    return new WindowedImpl(this.kit, this.node, this.keySerde, this.valueSerde, windows, 'changes', undefined);
  }
}

class WindowedImpl<K, V> implements WindowedStream<K, V> {
  constructor(
    private readonly kit: Kit,
    private readonly node: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V> | undefined,
    private readonly windows: FixedWindows | SlidingWindows,
    private readonly strategy: EmitStrategy,
    private readonly lateHook: LateHook<K, V> | undefined,
  ) {}

  emit(strategy: EmitStrategy): WindowedStream<K, V> {
    return new WindowedImpl(this.kit, this.node, this.keySerde, this.valueSerde, this.windows, strategy, this.lateHook);
  }

  onLate(hook: LateHook<K, V>): WindowedStream<K, V> {
    return new WindowedImpl(this.kit, this.node, this.keySerde, this.valueSerde, this.windows, this.strategy, hook);
  }

  count(options?: Materialized): Table<Windowed<K>, number> {
    return this.aggregateInto(countInit, countAdd, int64, options);
  }

  reduce(reducer: (left: V, right: V) => V, options?: Materialized & { value?: Serde<V> }): Table<Windowed<K>, V> {
    const serde = requireSerde(options?.value ?? this.valueSerde, 'windowed reduce (value)');
    return this.aggregateInto<V | undefined>(() => undefined, reduceAdder(reducer), serde as Serde<V | undefined>, options) as Table<Windowed<K>, V>;
  }

  aggregate<A>(initializer: () => A, adder: (key: K, value: V, aggregate: A) => A, options: Materialized & { value: Serde<A> }): Table<Windowed<K>, A> {
    return this.aggregateInto(initializer, adder, options.value, options);
  }

  private aggregateInto<A>(initializer: () => A, adder: (k: K, v: V, a: A) => A, serde: Serde<A>, options: Materialized | undefined): Table<Windowed<K>, A> {
    const b = this.kit.b;
    const storeName = b.addStore(options?.store ?? b.autoName('window-store'), 'window', this.keySerde, serde, storeOptions(options));
    const o = { storeName, initializer, adder, emit: this.strategy, onLate: this.lateHook };
    const w = this.windows;
    let node: string;
    if (w.kind === 'fixed') {
      node = b.addProcessor('WINDOW-AGGREGATE', [this.node], () => new FixedWindowAggregateProcessor(w, o) as AnyProcessor, [storeName]);
    } else {
      const values = requireSerde(this.valueSerde, 'sliding-window aggregation (value, for its record buffer)');
      const raw = b.addStore(`${storeName}-records`, 'window', this.keySerde, listOf(values), storeOptions(options));
      node = b.addProcessor('SLIDING-AGGREGATE', [this.node], () => new SlidingWindowAggregateProcessor(w, raw, o) as AnyProcessor, [storeName, raw]);
    }
    return this.kit.table<Windowed<K>, A>(node, windowedSerde(this.keySerde), serde, { getter: undefined, windowCloseAfterMs: w.graceMs });
  }
}

class SessionWindowedImpl<K, V> implements SessionWindowedStream<K, V> {
  constructor(
    private readonly kit: Kit,
    private readonly node: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V> | undefined,
    private readonly windows: SessionWindows,
    private readonly strategy: EmitStrategy,
    private readonly lateHook: LateHook<K, V> | undefined,
  ) {}

  emit(strategy: EmitStrategy): SessionWindowedStream<K, V> {
    return new SessionWindowedImpl(this.kit, this.node, this.keySerde, this.valueSerde, this.windows, strategy, this.lateHook);
  }

  onLate(hook: LateHook<K, V>): SessionWindowedStream<K, V> {
    return new SessionWindowedImpl(this.kit, this.node, this.keySerde, this.valueSerde, this.windows, this.strategy, hook);
  }

  count(options?: Materialized): Table<Windowed<K>, number> {
    return this.aggregate(countInit, countAdd, countMerge, { ...options, value: int64 });
  }

  reduce(reducer: (left: V, right: V) => V, options?: Materialized & { value?: Serde<V> }): Table<Windowed<K>, V> {
    const serde = requireSerde(options?.value ?? this.valueSerde, 'session reduce (value)') as Serde<V | undefined>;
    const merge = (_k: K, a: V | undefined, c: V | undefined): V | undefined => (a === undefined ? c : c === undefined ? a : reducer(a, c));
    return this.aggregate<V | undefined>(() => undefined, reduceAdder(reducer), merge, { ...options, value: serde }) as Table<Windowed<K>, V>;
  }

  aggregate<A>(
    initializer: () => A,
    adder: (key: K, value: V, aggregate: A) => A,
    merger: (key: K, left: A, right: A) => A,
    options: Materialized & { value: Serde<A> },
  ): Table<Windowed<K>, A> {
    const b = this.kit.b;
    const { value: serde, ...rest } = options;
    const storeName = b.addStore(rest.store ?? b.autoName('session-store'), 'session', this.keySerde, serde, storeOptions(rest));
    const o = { storeName, initializer, adder, merger, emit: this.strategy, onLate: this.lateHook };
    const node = b.addProcessor('SESSION-AGGREGATE', [this.node], () => new SessionAggregateProcessor(this.windows, o) as AnyProcessor, [storeName]);
    const closeAfter = this.windows.graceMs + this.windows.gapMs;
    return this.kit.table<Windowed<K>, A>(node, windowedSerde(this.keySerde), serde, { getter: undefined, windowCloseAfterMs: closeAfter });
  }
}
