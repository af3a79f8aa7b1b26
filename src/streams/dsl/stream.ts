// The Stream implementation: each operator adds one processor node and returns a new handle.
// Serdes travel with the handle while the types they describe are unchanged, so sinks, groupings
// and stores can default to them; an operator that changes a type drops that serde.

import { StreamsError } from '../errors.js';
import type { Serde } from '../serdes.js';
import type { Processor, RecordContext } from '../engine/processor.js';
import { AsyncMapProcessor } from '../ops/async-map.js';
import { ForAwaitProcessor, type LoopFunction } from '../ops/for-await.js';
import {
  BranchProcessor,
  FilterProcessor,
  FlatMapProcessor,
  FlatMapValuesProcessor,
  MapProcessor,
  MapValuesProcessor,
  PassThroughProcessor,
  PeekProcessor,
  SelectKeyProcessor,
} from '../ops/stateless.js';
import { TableSourceProcessor } from '../ops/aggregate.js';
import { storeGetter } from '../ops/table-ops.js';
import type { StateStore } from '../stores/store.js';
import type { JoinWindows } from '../windows.js';
import type { JoinKind } from '../ops/stream-stream-join.js';
import { requireSerde, storeOptionsOf, type Materialized } from './builder.js';
import { handleOf, nodeOf, streamOf, type GlobalTableHandle, type Kit, type StreamHandle, type TableHandle } from './kit.js';
import { BranchedStreamImpl } from './split.js';
import { streamGlobalJoin, streamStreamJoin, streamTableJoin } from './stream-joins.js';
import type { AsyncOptions, BranchedStream, GroupedStream, Joined, Serdes, StoreDeclaration, StoresOf, Stream, StreamJoined, Table } from './types.js';

type AnyProcessor = Processor<unknown, unknown>;

type AnyJoiner = (l: unknown, r: unknown, k: unknown) => unknown;

export class StreamImpl<K, V> implements Stream<K, V>, StreamHandle<K, V> {
  readonly handle = 'stream' as const;

  constructor(
    private readonly kit: Kit,
    readonly node: string,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    /** Set once an operator may have changed the key: grouping and joining then repartition. */
    readonly keyChanged: boolean,
  ) {}

  private add(kind: string, create: () => AnyProcessor, stores: readonly string[] = []): string {
    return this.kit.b.addProcessor(kind, [this.node], create, stores);
  }

  private same(node: string): Stream<K, V> {
    return this.kit.stream(node, this.keySerde, this.valueSerde, this.keyChanged);
  }

  filter<V2 extends V>(predicate: (key: K, value: V) => value is V2): Stream<K, V2>;
  filter(predicate: (key: K, value: V) => boolean): Stream<K, V>;
  filter(predicate: (key: K, value: V) => boolean): Stream<K, V> {
    return this.same(this.add('FILTER', () => new FilterProcessor(predicate) as AnyProcessor));
  }

  filterNot(predicate: (key: K, value: V) => boolean): Stream<K, V> {
    return this.filter((k, v) => !predicate(k, v));
  }

  map<K2, V2>(mapper: (key: K, value: V) => readonly [K2, V2]): Stream<K2, V2> {
    const node = this.add('MAP', () => new MapProcessor(mapper) as AnyProcessor);
    return this.kit.stream<K2, V2>(node, undefined, undefined, true);
  }

  mapValues<V2>(mapper: (value: V, key: K) => V2): Stream<K, V2> {
    const node = this.add('MAPVALUES', () => new MapValuesProcessor(mapper) as AnyProcessor);
    return this.kit.stream<K, V2>(node, this.keySerde, undefined, this.keyChanged);
  }

  flatMap<K2, V2>(mapper: (key: K, value: V) => Iterable<readonly [K2, V2]>): Stream<K2, V2> {
    const node = this.add('FLATMAP', () => new FlatMapProcessor(mapper) as AnyProcessor);
    return this.kit.stream<K2, V2>(node, undefined, undefined, true);
  }

  flatMapValues<V2>(mapper: (value: V, key: K) => Iterable<V2>): Stream<K, V2> {
    const node = this.add('FLATMAPVALUES', () => new FlatMapValuesProcessor(mapper) as AnyProcessor);
    return this.kit.stream<K, V2>(node, this.keySerde, undefined, this.keyChanged);
  }

  selectKey<K2>(selector: (key: K, value: V) => K2): Stream<K2, V> {
    const node = this.add('KEY-SELECT', () => new SelectKeyProcessor(selector) as AnyProcessor);
    return this.kit.stream<K2, V>(node, undefined, this.valueSerde, true);
  }

  peek(action: (key: K, value: V, timestamp: number, record: RecordContext | undefined) => void): Stream<K, V> {
    return this.same(this.add('PEEK', () => new PeekProcessor(action) as AnyProcessor));
  }

  branch(...predicates: Array<(key: K, value: V) => boolean>): Array<Stream<K, V>> {
    const out: Array<Stream<K, V>> = [];
    for (let i = 0; i <= predicates.length; i++) {
      out.push(this.same(this.add('BRANCH', () => new BranchProcessor(predicates, i) as AnyProcessor)));
    }
    return out;
  }

  split(options: { prefix?: string } = {}): BranchedStream<K, V> {
    return new BranchedStreamImpl(this.kit, this, options.prefix ?? '');
  }

  merge(other: Stream<K, V>): Stream<K, V> {
    const o = streamOf(other);
    const node = this.kit.b.addProcessor('MERGE', [this.node, nodeOf(other)], () => new PassThroughProcessor() as AnyProcessor);
    return this.kit.stream(node, this.keySerde ?? o.keySerde, this.valueSerde ?? o.valueSerde, this.keyChanged || o.keyChanged);
  }

  mapAsync<K2, V2>(mapper: (key: K, value: V) => Promise<readonly [K2, V2]>, options: AsyncOptions = {}): Stream<K2, V2> {
    const c = options.concurrency ?? 16;
    const node = this.add('MAP-ASYNC', () => new AsyncMapProcessor<K, V>('map', mapper, c) as AnyProcessor);
    return this.kit.stream<K2, V2>(node, undefined, undefined, true);
  }

  mapValuesAsync<V2>(mapper: (value: V, key: K) => Promise<V2>, options: AsyncOptions = {}): Stream<K, V2> {
    const c = options.concurrency ?? 16;
    const fn = (k: K, v: V): Promise<V2> => mapper(v, k);
    const node = this.add('MAPVALUES-ASYNC', () => new AsyncMapProcessor<K, V>('mapValues', fn, c) as AnyProcessor);
    return this.kit.stream<K, V2>(node, this.keySerde, undefined, this.keyChanged);
  }

  withSerdes(serdes: Serdes<K, V>): Stream<K, V> {
    return this.kit.stream(this.node, serdes.key ?? this.keySerde, serdes.value ?? this.valueSerde, this.keyChanged);
  }

  groupByKey(options: Serdes<K, V> & { name?: string } = {}): GroupedStream<K, V> {
    const key = requireSerde(options.key ?? this.keySerde, 'groupByKey (key)');
    const value = options.value ?? this.valueSerde;
    if (!this.keyChanged) return this.kit.grouped(this.node, key, value);
    return this.groupedVia(this.node, key, requireSerde(value, 'groupByKey (value, for the repartition topic)'), options.name);
  }

  groupBy<K2>(selector: (key: K, value: V) => K2, options: { key: Serde<K2>; value?: Serde<V>; name?: string }): GroupedStream<K2, V> {
    const value = requireSerde(options.value ?? this.valueSerde, 'groupBy (value, for the repartition topic)');
    const node = this.add('KEY-SELECT', () => new SelectKeyProcessor(selector) as AnyProcessor);
    return this.groupedVia(node, options.key, value, options.name);
  }

  repartition(options: Serdes<K, V> & { name?: string; partitions?: number } = {}): Stream<K, V> {
    const key = requireSerde(options.key ?? this.keySerde, 'repartition (key)');
    const value = requireSerde(options.value ?? this.valueSerde, 'repartition (value)');
    const source = this.kit.b.repartition(this.node, key, value, options.name, options.partitions);
    return this.kit.stream(source, key, value, false);
  }

  private groupedVia<K2>(from: string, key: Serde<K2>, value: Serde<V>, name: string | undefined): GroupedStream<K2, V> {
    const b = this.kit.b;
    return this.kit.grouped(b.repartition(from, key, value, name ?? b.autoName('groupby')), key, value);
  }

  toTable(options: Materialized & Serdes<K, V> & { name?: string } = {}): Table<K, V> {
    const b = this.kit.b;
    const key = requireSerde(options.key ?? this.keySerde, 'toTable (key, for its store)');
    const value = requireSerde(options.value ?? this.valueSerde, 'toTable (value, for its store)');
    const from = this.keyChanged ? b.repartition(this.node, key, value, options.name ?? b.autoName('totable')) : this.node;
    const store = b.addStore(options.store ?? b.autoName('KSTREAM-TOTABLE-STORE'), options.versioned ? 'versioned' : 'key-value', key, value, storeOptionsOf(options));
    const node = b.addProcessor('KSTREAM-TOTABLE', [from], () => new TableSourceProcessor(store) as AnyProcessor, [store]);
    return this.kit.table(node, key, value, { getter: storeGetter(store) });
  }

  join(other: unknown, a: unknown, b?: unknown, c?: unknown): Stream<K, never> {
    return this.joinAny(other, a, b, c, 'inner') as Stream<K, never>;
  }

  leftJoin(other: unknown, a: unknown, b?: unknown, c?: unknown): Stream<K, never> {
    return this.joinAny(other, a, b, c, 'left') as Stream<K, never>;
  }

  outerJoin<VO, R>(other: Stream<K, VO>, joiner: (value: V | undefined, otherValue: VO | undefined, key: K) => R, windows: JoinWindows, options?: StreamJoined<K, V, VO>): Stream<K, R> {
    return this.joinAny(other, joiner, windows, options, 'outer') as Stream<K, R>;
  }

  /** Dispatches on what is joined: a stream (windowed), a table, or a global table (with a key selector). */
  private joinAny(other: unknown, a: unknown, b: unknown, c: unknown, kind: JoinKind): Stream<unknown, unknown> {
    const h = handleOf(other as Stream<unknown, unknown>);
    const self = this as unknown as StreamHandle<unknown, unknown>;
    switch (h?.handle) {
      case 'stream':
        return streamStreamJoin(this.kit, self, h, a as AnyJoiner, b as JoinWindows, kind, c as StreamJoined<unknown, unknown, unknown>);
      case 'table':
        if (kind === 'outer') throw new StreamsError('TOPOLOGY_INVALID', 'a stream-table join is inner or left (Kafka Streams has no outer one)');
        return streamTableJoin(this.kit, self, h as TableHandle<unknown, unknown>, a as AnyJoiner, kind === 'inner', b as Joined<unknown, unknown>);
      case 'global':
        if (kind === 'outer') throw new StreamsError('TOPOLOGY_INVALID', 'a stream-globalTable join is inner or left');
        return streamGlobalJoin(this.kit, self, h as GlobalTableHandle<unknown, unknown>, a as (k: unknown, v: unknown) => unknown, b as AnyJoiner, kind === 'inner');
      default:
        throw new StreamsError('TOPOLOGY_INVALID', 'join: the first argument must be a stream, a table or a global table of this app');
    }
  }

  process<KOut, VOut, D extends Record<string, StoreDeclaration<StateStore>>>(
    loop: LoopFunction<K, V, KOut, VOut, StoresOf<D>>,
    options: { stores?: D } = {},
  ): Stream<KOut, VOut> {
    const names: string[] = [];
    for (const [name, decl] of Object.entries(options.stores ?? {})) {
      this.kit.b.addStore(name, decl.kind, decl.keySerde, decl.valueSerde, decl.options);
      names.push(name);
    }
    const node = this.add('PROCESS', () => new ForAwaitProcessor(loop) as unknown as AnyProcessor, names);
    return this.kit.stream<KOut, VOut>(node, undefined, undefined, true);
  }

  to(topic: string, serdes: Serdes<K, NonNullable<V>> = {}): void {
    const key = requireSerde(serdes.key ?? this.keySerde, `to('${topic}') key`);
    const value = requireSerde<unknown>(serdes.value ?? this.valueSerde, `to('${topic}') value`);
    this.kit.b.topology.addNode(
      { kind: 'sink', name: this.kit.b.nodeName('SINK'), topic, keySerde: key as Serde<unknown>, valueSerde: value as Serde<unknown>, children: [] },
      [this.node],
    );
  }
}
