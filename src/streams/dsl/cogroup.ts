// Cogrouping (KIP-150): several grouped streams, each with its own aggregator, update one
// aggregate per key in one store. Each input gets its own aggregation node over the shared store
// (which puts them all in one task, so the inputs must be co-partitioned); their outputs merge
// into one table. Windowed cogroups share one window store the same way.

import type { Processor } from '../engine/processor.js';
import type { Serde } from '../serdes.js';
import { AggregateProcessor } from '../ops/aggregate.js';
import { PassThroughProcessor } from '../ops/stateless.js';
import { storeGetter } from '../ops/table-ops.js';
import { FixedWindowAggregateProcessor } from '../ops/window-aggregate.js';
import { windowedSerde } from '../windowed-serde.js';
import type { EmitStrategy, FixedWindows, Windowed } from '../windows.js';
import { storeOptionsOf, type Materialized } from './builder.js';
import { nodeOf, type Kit } from './kit.js';
import type { CogroupedStream, CogroupedWindowedStream, GroupedStream, Table } from './types.js';

type AnyProcessor = Processor<unknown, unknown>;

export interface CogroupInput<K, A> {
  readonly node: string;
  readonly aggregator: (key: K, value: unknown, aggregate: A) => A;
}

export class CogroupedStreamImpl<K, A> implements CogroupedStream<K, A> {
  constructor(
    private readonly kit: Kit,
    private readonly keySerde: Serde<K>,
    private readonly inputs: ReadonlyArray<CogroupInput<K, A>>,
  ) {}

  cogroup<V2>(grouped: GroupedStream<K, V2>, aggregator: (key: K, value: V2, aggregate: A) => A): CogroupedStream<K, A> {
    const node = nodeOf(grouped);
    if (this.inputs.some((i) => i.node === node)) throw new RangeError('cogroup: this grouped stream is already part of the cogroup');
    return new CogroupedStreamImpl(this.kit, this.keySerde, [...this.inputs, { node, aggregator: aggregator as (k: K, v: unknown, a: A) => A }]);
  }

  aggregate(initializer: () => A, options: Materialized & { value: Serde<A> }): Table<K, A> {
    const b = this.kit.b;
    const store = b.addStore(options.store ?? b.autoName('COGROUPKSTREAM-AGGREGATE-STATE-STORE'), 'key-value', this.keySerde, options.value, storeOptionsOf({ ...options, versioned: undefined }));
    const nodes = this.inputs.map((i) => b.addProcessor('COGROUPKSTREAM-AGGREGATE', [i.node], () => new AggregateProcessor(store, initializer, i.aggregator) as AnyProcessor, [store]));
    const merged = b.addProcessor('COGROUPKSTREAM-MERGE', nodes, () => new PassThroughProcessor() as AnyProcessor);
    return this.kit.table(merged, this.keySerde, options.value, { getter: storeGetter<K, A>(store) });
  }

  windowedBy(windows: FixedWindows): CogroupedWindowedStream<K, A> {
    return new CogroupedWindowedImpl(this.kit, this.keySerde, this.inputs, windows, 'changes');
  }
}

class CogroupedWindowedImpl<K, A> implements CogroupedWindowedStream<K, A> {
  constructor(
    private readonly kit: Kit,
    private readonly keySerde: Serde<K>,
    private readonly inputs: ReadonlyArray<CogroupInput<K, A>>,
    private readonly windows: FixedWindows,
    private readonly strategy: EmitStrategy,
  ) {}

  emit(strategy: EmitStrategy): CogroupedWindowedStream<K, A> {
    return new CogroupedWindowedImpl(this.kit, this.keySerde, this.inputs, this.windows, strategy);
  }

  aggregate(initializer: () => A, options: Materialized & { value: Serde<A> }): Table<Windowed<K>, A> {
    const b = this.kit.b;
    const storeName = b.addStore(options.store ?? b.autoName('COGROUPKSTREAM-AGGREGATE-STATE-STORE'), 'window', this.keySerde, options.value, storeOptionsOf({ ...options, versioned: undefined }));
    // Emit-final positions are per store, so the first node to see a window close emits it, once.
    const nodes = this.inputs.map((i) =>
      b.addProcessor(
        'COGROUPKSTREAM-WINDOW-AGGREGATE',
        [i.node],
        () => new FixedWindowAggregateProcessor(this.windows, { storeName, initializer, adder: i.aggregator, emit: this.strategy, onLate: undefined }) as AnyProcessor,
        [storeName],
      ),
    );
    const merged = b.addProcessor('COGROUPKSTREAM-MERGE', nodes, () => new PassThroughProcessor() as AnyProcessor);
    return this.kit.table<Windowed<K>, A>(merged, windowedSerde(this.keySerde), options.value, { getter: undefined, windowCloseAfterMs: this.windows.graceMs });
  }
}
