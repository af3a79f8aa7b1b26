// The public shape of the DSL. Interfaces live here, apart from their implementations, so the
// implementation modules (stream, table, grouped, windowed) can build each other through a kit
// (kit.ts) without importing each other in a cycle. Generics flow from `app.stream(topic, serdes)`
// through every operator to `to(topic)`: a sink only accepts serdes of the stream's own types.

import type { Serde } from '../serdes.js';
import type { StateStore, StoreOptions } from '../stores/store.js';
import type { EmitStrategy, FixedWindows, SessionWindows, SlidingWindows, Windowed } from '../windows.js';
import type { LoopFunction } from '../ops/for-await.js';
import type { Materialized } from './builder.js';

export interface Serdes<K, V> {
  key?: Serde<K> | undefined;
  value?: Serde<V> | undefined;
}

export interface AsyncOptions {
  /** Most records in flight at once, per task. Default 16. */
  concurrency?: number;
}

/** A store declared for the processor escape hatch; `S` is the store type `ctx.store()` returns. */
export interface StoreDeclaration<S extends StateStore> {
  readonly kind: S['kind'];
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly options: StoreOptions;
  /** Phantom: carries S for inference. */
  readonly __store?: S;
}

export type StoresOf<D> = { [N in keyof D]: D[N] extends StoreDeclaration<infer S> ? S : never };

export interface Stream<K, V> {
  /** A type-guard predicate narrows the values: `table.toStream().filter((_k, v) => v !== null)` is a `Stream<K, V>`. */
  filter<V2 extends V>(predicate: (key: K, value: V) => value is V2): Stream<K, V2>;
  filter(predicate: (key: K, value: V) => boolean): Stream<K, V>;
  filterNot(predicate: (key: K, value: V) => boolean): Stream<K, V>;
  map<K2, V2>(mapper: (key: K, value: V) => readonly [K2, V2]): Stream<K2, V2>;
  mapValues<V2>(mapper: (value: V, key: K) => V2): Stream<K, V2>;
  flatMap<K2, V2>(mapper: (key: K, value: V) => Iterable<readonly [K2, V2]>): Stream<K2, V2>;
  flatMapValues<V2>(mapper: (value: V, key: K) => Iterable<V2>): Stream<K, V2>;
  selectKey<K2>(selector: (key: K, value: V) => K2): Stream<K2, V>;
  peek(action: (key: K, value: V, timestamp: number) => void): Stream<K, V>;
  /** Routes each record to the first branch whose predicate matches; the last stream gets the rest. */
  branch(...predicates: Array<(key: K, value: V) => boolean>): Array<Stream<K, V>>;
  merge(other: Stream<K, V>): Stream<K, V>;
  /** Async map with bounded concurrency; per-key order is kept (ops/async-map.ts). */
  mapAsync<K2, V2>(mapper: (key: K, value: V) => Promise<readonly [K2, V2]>, options?: AsyncOptions): Stream<K2, V2>;
  mapValuesAsync<V2>(mapper: (value: V, key: K) => Promise<V2>, options?: AsyncOptions): Stream<K, V2>;
  /** Tell the stream its serdes after an operator changed its types. */
  withSerdes(serdes: Serdes<K, V>): Stream<K, V>;
  /** Route records through `<appId>-<name>-repartition` so each lands on the task of its key's partition. */
  repartition(options?: Serdes<K, V> & { name?: string }): Stream<K, V>;
  groupByKey(options?: Serdes<K, V> & { name?: string }): GroupedStream<K, V>;
  /** Re-key and group; records travel through the repartition topic `<appId>-<name>-repartition`. */
  groupBy<K2>(selector: (key: K, value: V) => K2, options: { key: Serde<K2>; value?: Serde<V>; name?: string }): GroupedStream<K2, V>;
  join<TV, R>(table: Table<K, TV>, joiner: (value: V, tableValue: TV, key: K) => R): Stream<K, R>;
  leftJoin<TV, R>(table: Table<K, TV>, joiner: (value: V, tableValue: TV | undefined, key: K) => R): Stream<K, R>;
  /** The escape hatch: a `for await` loop per task, with declared stores. */
  process<KOut, VOut, D extends Record<string, StoreDeclaration<StateStore>>>(
    loop: LoopFunction<K, V, KOut, VOut, StoresOf<D>>,
    options?: { stores?: D },
  ): Stream<KOut, VOut>;
  /** Null values are written as tombstones without calling the serde, so it need only handle non-null values. */
  to(topic: string, serdes?: Serdes<K, NonNullable<V>>): void;
}

export interface GroupedStream<K, V> {
  count(options?: Materialized): Table<K, number>;
  reduce(reducer: (left: V, right: V) => V, options?: Materialized & { value?: Serde<V> }): Table<K, V>;
  aggregate<A>(initializer: () => A, adder: (key: K, value: V, aggregate: A) => A, options: Materialized & { value: Serde<A> }): Table<K, A>;
  windowedBy(windows: FixedWindows | SlidingWindows): WindowedStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedStream<K, V>;
}

interface WindowedCommon<K, V, Self> {
  /** 'changes' (default) forwards every update; 'final' forwards each window once, when it closes. */
  emit(strategy: EmitStrategy): Self;
  /** Called once per late record (see windows.ts); the record is also counted in metrics.lateDrops. */
  onLate(hook: (key: K, value: V, timestamp: number) => void): Self;
}

export interface WindowedStream<K, V> extends WindowedCommon<K, V, WindowedStream<K, V>> {
  count(options?: Materialized): Table<Windowed<K>, number>;
  reduce(reducer: (left: V, right: V) => V, options?: Materialized & { value?: Serde<V> }): Table<Windowed<K>, V>;
  aggregate<A>(initializer: () => A, adder: (key: K, value: V, aggregate: A) => A, options: Materialized & { value: Serde<A> }): Table<Windowed<K>, A>;
}

export interface SessionWindowedStream<K, V> extends WindowedCommon<K, V, SessionWindowedStream<K, V>> {
  count(options?: Materialized): Table<Windowed<K>, number>;
  reduce(reducer: (left: V, right: V) => V, options?: Materialized & { value?: Serde<V> }): Table<Windowed<K>, V>;
  aggregate<A>(
    initializer: () => A,
    adder: (key: K, value: V, aggregate: A) => A,
    merger: (key: K, left: A, right: A) => A,
    options: Materialized & { value: Serde<A> },
  ): Table<Windowed<K>, A>;
}

export interface Table<K, V> {
  filter(predicate: (key: K, value: V) => boolean): Table<K, V>;
  mapValues<V2>(mapper: (value: V, key: K) => V2, serdes?: { value?: Serde<V2> }): Table<K, V2>;
  /**
   * The table's changelog as a stream, as Kafka Streams' KTable.toStream(): every update, and every
   * delete as a `null` value (a tombstone when written with `to()`), so the type says deletes come
   * through. Add `.filter((_k, v) => v !== null)` (which narrows to `V`) for upserts only.
   */
  toStream(): Stream<K, V | null>;
}
