// The public shape of the DSL. Interfaces live here, apart from their implementations, so the
// implementation modules (stream, table, grouped, windowed) can build each other through a kit
// (kit.ts) without importing each other in a cycle. Generics flow from `app.stream(topic, serdes)`
// through every operator to `to(topic)`: a sink only accepts serdes of the stream's own types.

import type { Serde } from '../serdes.js';
import type { StateStore, StoreOptions } from '../stores/store.js';
import type { EmitStrategy, FixedWindows, JoinWindows, SessionWindows, SlidingWindows, Windowed } from '../windows.js';
import type { LoopFunction } from '../ops/for-await.js';
import type { RecordContext } from '../engine/processor.js';
import type { Materialized } from './builder.js';
import type { RecordHeader } from '../engine/transport.js';
import type { Suppressed } from '../suppressed.js';

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
  /** `record`: the input record being processed (topic, partition, offset, headers); undefined outside one. */
  peek(action: (key: K, value: V, timestamp: number, record: RecordContext | undefined) => void): Stream<K, V>;
  /** Routes each record to the first branch whose predicate matches; the last stream gets the rest. */
  branch(...predicates: Array<(key: K, value: V) => boolean>): Array<Stream<K, V>>;
  merge(other: Stream<K, V>): Stream<K, V>;
  /** Async map with bounded concurrency; per-key order is kept (ops/async-map.ts). */
  mapAsync<K2, V2>(mapper: (key: K, value: V) => Promise<readonly [K2, V2]>, options?: AsyncOptions): Stream<K2, V2>;
  mapValuesAsync<V2>(mapper: (value: V, key: K) => Promise<V2>, options?: AsyncOptions): Stream<K, V2>;
  /** Tell the stream its serdes after an operator changed its types. */
  withSerdes(serdes: Serdes<K, V>): Stream<K, V>;
  /**
   * Route records through `<appId>-<name>-repartition` so each lands on the task of its key's
   * partition; `partitions` fixes the topic's partition count (else it is planned from the upstream).
   */
  repartition(options?: Serdes<K, V> & { name?: string; partitions?: number }): Stream<K, V>;
  /** Kafka Streams' split(): named branches, each record going to the first whose predicate matches. */
  split(options?: { prefix?: string }): BranchedStream<K, V>;
  groupByKey(options?: Serdes<K, V> & { name?: string }): GroupedStream<K, V>;
  /** Re-key and group; records travel through the repartition topic `<appId>-<name>-repartition`. */
  groupBy<K2>(selector: (key: K, value: V) => K2, options: { key: Serde<K2>; value?: Serde<V>; name?: string }): GroupedStream<K2, V>;
  /**
   * Stream-stream inner join within `windows` (ops/stream-stream-join.ts). Both sides must be
   * co-partitioned; a side whose key changed upstream is repartitioned first.
   */
  join<VO, R>(other: Stream<K, VO>, joiner: (value: V, otherValue: VO, key: K) => R, windows: JoinWindows, options?: StreamJoined<K, V, VO>): Stream<K, R>;
  /** Stream-table join against the table's current value (or, for a versioned table, its value at the record's timestamp). */
  join<TV, R>(table: Table<K, TV>, joiner: (value: V, tableValue: TV, key: K) => R, options?: Joined<K, V>): Stream<K, R>;
  /** Stream-globalTable join: `keySelector` picks the table key from each record; no co-partitioning needed. */
  join<GK, GV, R>(table: GlobalTable<GK, GV>, keySelector: (key: K, value: V) => GK, joiner: (value: V, tableValue: GV, key: K) => R): Stream<K, R>;
  leftJoin<VO, R>(other: Stream<K, VO>, joiner: (value: V, otherValue: VO | undefined, key: K) => R, windows: JoinWindows, options?: StreamJoined<K, V, VO>): Stream<K, R>;
  leftJoin<TV, R>(table: Table<K, TV>, joiner: (value: V, tableValue: TV | undefined, key: K) => R, options?: Joined<K, V>): Stream<K, R>;
  leftJoin<GK, GV, R>(table: GlobalTable<GK, GV>, keySelector: (key: K, value: V) => GK, joiner: (value: V, tableValue: GV | undefined, key: K) => R): Stream<K, R>;
  outerJoin<VO, R>(
    other: Stream<K, VO>,
    joiner: (value: V | undefined, otherValue: VO | undefined, key: K) => R,
    windows: JoinWindows,
    options?: StreamJoined<K, V, VO>,
  ): Stream<K, R>;
  /** Materialize the stream as a table (a null value deletes the key); repartitions first if the key changed. */
  toTable(options?: Materialized & Serdes<K, V> & { name?: string }): Table<K, V>;
  /** The escape hatch: a `for await` loop per task, with declared stores. */
  process<KOut, VOut, D extends Record<string, StoreDeclaration<StateStore>>>(
    loop: LoopFunction<K, V, KOut, VOut, StoresOf<D>>,
    options?: { stores?: D },
  ): Stream<KOut, VOut>;
  /** Null values are written as tombstones without calling the serde, so it need only handle non-null values. */
  to(topic: string, serdes?: Serdes<K, NonNullable<V>>): void;
}

/** Options of a stream-stream join: serdes for its buffers, and names for its stores. */
export interface StreamJoined<K, V, VO> extends Omit<StoreOptions, 'prefixLength' | 'historyRetentionMs'> {
  /** Names the buffer stores (`<name>-this-join-store`, `<name>-other-join-store`, `<name>-outer-shared-join-store`) and repartition topics. */
  name?: string;
  key?: Serde<K>;
  value?: Serde<V>;
  otherValue?: Serde<VO>;
}

/** Kafka Streams' split() builder; `defaultBranch`/`noDefaultBranch` ends it with the branches by name. */
export interface BranchedStream<K, V> {
  /** Branch named `<prefix><name>`, or `<prefix><position>` (1-based); `chain` transforms it (its result is the branch). */
  branch(predicate: (key: K, value: V) => boolean, options?: { name?: string; chain?: (s: Stream<K, V>) => Stream<K, V> | void }): BranchedStream<K, V>;
  /** Records no predicate matched, named `<prefix><name>` or `<prefix>0`. */
  defaultBranch(options?: { name?: string; chain?: (s: Stream<K, V>) => Stream<K, V> | void }): Record<string, Stream<K, V>>;
  noDefaultBranch(): Record<string, Stream<K, V>>;
}

export interface GroupedStream<K, V> {
  count(options?: Materialized): Table<K, number>;
  reduce(reducer: (left: V, right: V) => V, options?: Materialized & { value?: Serde<V> }): Table<K, V>;
  aggregate<A>(initializer: () => A, adder: (key: K, value: V, aggregate: A) => A, options: Materialized & { value: Serde<A> }): Table<K, A>;
  windowedBy(windows: FixedWindows | SlidingWindows): WindowedStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedStream<K, V>;
  /** Start a cogroup (KIP-150): several grouped streams aggregated into one table, each with its own aggregator. */
  cogroup<A>(aggregator: (key: K, value: V, aggregate: A) => A): CogroupedStream<K, A>;
}

export interface CogroupedStream<K, A> {
  cogroup<V2>(grouped: GroupedStream<K, V2>, aggregator: (key: K, value: V2, aggregate: A) => A): CogroupedStream<K, A>;
  aggregate(initializer: () => A, options: Materialized & { value: Serde<A> }): Table<K, A>;
  windowedBy(windows: FixedWindows): CogroupedWindowedStream<K, A>;
}

export interface CogroupedWindowedStream<K, A> {
  emit(strategy: EmitStrategy): CogroupedWindowedStream<K, A>;
  aggregate(initializer: () => A, options: Materialized & { value: Serde<A> }): Table<Windowed<K>, A>;
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

/** Options of a stream-table join. */
export interface Joined<K, V> extends Serdes<K, V> {
  /** Names the repartition topic when the stream side's key changed upstream. */
  name?: string;
}

/** Options of a table-table join: optionally materialize the result in `store` (else it is computed on lookup); `value` is its serde. */
export type TableJoined<R> = Materialized & { value?: Serde<R> };

/** What a table's value transformer sees: its task, declared stores and the current record's headers. */
export interface ValueTransformerContext<S extends Record<string, StateStore>> {
  readonly taskId: string;
  readonly partition: number;
  readonly streamTime: number;
  /** Headers of the record being transformed (undefined on lookups through the table's value getter). */
  readonly headers: readonly RecordHeader[] | undefined;
  store<N extends keyof S & string>(name: N): S[N];
}

/** Kafka Streams' ValueTransformerWithKey for tables: one instance per task (and one more for lookups when not materialized). */
export interface ValueTransformer<K, V, V2, S extends Record<string, StateStore> = Record<string, StateStore>> {
  init?(ctx: ValueTransformerContext<S>): void;
  /** Called for upserts; deletes pass through as deletes without calling it. */
  transform(key: K, value: V): V2;
  close?(): void;
}

export interface Table<K, V> {
  filter(predicate: (key: K, value: V) => boolean): Table<K, V>;
  mapValues<V2>(mapper: (value: V, key: K) => V2, serdes?: { value?: Serde<V2> }): Table<K, V2>;
  /**
   * A value transformer with state (Kafka Streams' KTable.transformValues): `create` makes one per
   * task. Materialize the result (`store`) or it is recomputed on every lookup by a join.
   */
  transformValues<V2, D extends Record<string, StoreDeclaration<StateStore>> = Record<string, never>>(
    create: () => ValueTransformer<K, V, V2, StoresOf<D>>,
    options?: Materialized & { value?: Serde<V2>; stores?: D },
  ): Table<K, V2>;
  /**
   * The table's changelog as a stream, as Kafka Streams' KTable.toStream(): every update, and every
   * delete as a `null` value (a tombstone when written with `to()`), so the type says deletes come
   * through. Add `.filter((_k, v) => v !== null)` (which narrows to `V`) for upserts only.
   */
  toStream(): Stream<K, V | null>;
  /** Hold back updates per key and emit the latest one later (../suppressed.ts). */
  suppress(suppressed: Suppressed): Table<K, V>;
  /** Table-table joins on the key (both co-partitioned): results change as either side changes. */
  join<VO, R>(other: Table<K, VO>, joiner: (value: V, otherValue: VO, key: K) => R, options?: TableJoined<R>): Table<K, R>;
  leftJoin<VO, R>(other: Table<K, VO>, joiner: (value: V, otherValue: VO | undefined, key: K) => R, options?: TableJoined<R>): Table<K, R>;
  outerJoin<VO, R>(other: Table<K, VO>, joiner: (value: V | undefined, otherValue: VO | undefined, key: K) => R, options?: TableJoined<R>): Table<K, R>;
  /**
   * Foreign-key join (KIP-213): each row joins the row of `other` whose key `foreignKey(value)`
   * returns; correct under any updates and deletes of either side (ops/foreign-key-join.ts). The
   * tables need not be co-partitioned: rows travel through subscription and response topics.
   */
  joinOnForeignKey<KO, VO, R>(
    other: Table<KO, VO>,
    foreignKey: (value: V) => KO,
    joiner: (value: V, otherValue: VO) => R,
    options?: ForeignKeyJoined<R>,
  ): Table<K, R>;
  leftJoinOnForeignKey<KO, VO, R>(
    other: Table<KO, VO>,
    foreignKey: (value: V) => KO | null | undefined,
    joiner: (value: V, otherValue: VO | undefined) => R,
    options?: ForeignKeyJoined<R>,
  ): Table<K, R>;
}

/** Options of a foreign-key join. */
export interface ForeignKeyJoined<R> extends Materialized {
  /** Serde of the result, to materialize it in `store`. */
  value?: Serde<R>;
  /** Names the internal topics (`<appId>-<name>-subscription-registration-topic`, `...-response-topic`) and the subscription store. */
  name?: string;
}

/** A table every instance holds completely (Kafka Streams' GlobalKTable); join streams against it with a key selector. */
export interface GlobalTable<K, V> {
  readonly store: string;
  /** Phantom: carries K and V for inference. */
  readonly __types?: [K, V];
}
