// The Table implementation. Derived tables (filter, mapValues, transformValues) are not
// materialized unless asked: their value getter applies the same function to the upstream
// table's stored value on lookup.

import { StreamsError } from '../errors.js';
import type { Processor, ProcessorContext } from '../engine/processor.js';
import type { Serde } from '../serdes.js';
import { SuppressProcessor } from '../ops/suppress.js';
import { mappedGetter, TableFilterProcessor, TableMapValuesProcessor, ToStreamProcessor, type ValueGetterSupplier } from '../ops/table-ops.js';
import type { TableJoinKind } from '../ops/table-table-join.js';
import { bytes } from '../serdes.js';
import type { StateStore } from '../stores/store.js';
import type { Suppressed } from '../suppressed.js';
import type { Windowed } from '../windows.js';
import { requireSerde, type Materialized } from './builder.js';
import { tableOf, type Kit, type TableHandle, type TableInfo } from './kit.js';
import { foreignKeyJoin, materialize, tableTableJoin } from './table-joins.js';
import type { ForeignKeyJoined, StoreDeclaration, StoresOf, Stream, Table, TableJoined, ValueTransformer, ValueTransformerContext } from './types.js';

type AnyProcessor = Processor<unknown, unknown>;

export class TableImpl<K, V> implements Table<K, V>, TableHandle<K, V> {
  readonly handle = 'table' as const;

  constructor(
    private readonly kit: Kit,
    readonly node: string,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly info: TableInfo<K, V>,
  ) {}

  filter(predicate: (key: K, value: V) => boolean): Table<K, V> {
    const node = this.kit.b.addProcessor('KTABLE-FILTER', [this.node], () => new TableFilterProcessor(predicate) as AnyProcessor);
    const up = this.info.getter;
    const getter = up && mappedGetter(up, (k: K, v: V) => (predicate(k, v) ? v : undefined));
    return this.kit.table(node, this.keySerde, this.valueSerde, { getter });
  }

  mapValues<V2>(mapper: (value: V, key: K) => V2, serdes: { value?: Serde<V2> } = {}): Table<K, V2> {
    const node = this.kit.b.addProcessor('KTABLE-MAPVALUES', [this.node], () => new TableMapValuesProcessor(mapper) as AnyProcessor);
    const up = this.info.getter;
    const getter = up && mappedGetter(up, (k: K, v: V) => mapper(v, k));
    return this.kit.table(node, this.keySerde, serdes.value, { getter });
  }

  transformValues<V2, D extends Record<string, StoreDeclaration<StateStore>> = Record<string, never>>(
    create: () => ValueTransformer<K, V, V2, StoresOf<D>>,
    options: Materialized & { value?: Serde<V2>; stores?: D } = {},
  ): Table<K, V2> {
    const b = this.kit.b;
    const names: string[] = [];
    for (const [name, decl] of Object.entries(options.stores ?? {})) {
      b.addStore(name, decl.kind, decl.keySerde, decl.valueSerde, decl.options);
      names.push(name);
    }
    const node = b.addProcessor('KTABLE-TRANSFORMVALUES', [this.node], () => new TransformValuesProcessor(create) as AnyProcessor, names);
    const up = this.info.getter;
    // Not materialized: lookups run the value through a transformer instance of their own (as Kafka does).
    const getter: ValueGetterSupplier<K, V2> | undefined = up && {
      stores: [...up.stores, ...names],
      create: (ctx) => {
        const t = create();
        t.init?.(transformerContext<StoresOf<D>>(ctx, false));
        const g = up.create(ctx);
        return {
          get: (key) => {
            const v = g.get(key);
            return v === undefined ? undefined : t.transform(key, v);
          },
        };
      },
    };
    const out = materialize(this.kit, node, this.keySerde as Serde<unknown>, options.value as Serde<unknown>, options, getter as ValueGetterSupplier<unknown, unknown> | undefined);
    return this.kit.table(out.node, this.keySerde, options.value, { getter: out.getter as ValueGetterSupplier<K, V2> | undefined });
  }

  toStream(): Stream<K, V | null> {
    const node = this.kit.b.addProcessor('KTABLE-TOSTREAM', [this.node], () => new ToStreamProcessor() as AnyProcessor);
    // The sink writes null as a tombstone without calling the serde, so V's serde serves V | null.
    return this.kit.stream<K, V | null>(node, this.keySerde, this.valueSerde as Serde<V | null> | undefined, false);
  }

  suppress(s: Suppressed): Table<K, V> {
    const b = this.kit.b;
    const windowClose = s.kind === 'window-close';
    const closeAfter = this.info.windowCloseAfterMs;
    if (windowClose && closeAfter === undefined) {
      throw new StreamsError('TOPOLOGY_INVALID', 'untilWindowCloses suppresses windowed tables only (a windowed aggregation); use untilTimeLimit for other tables');
    }
    const keySerde = requireSerde(this.keySerde, 'suppress (key, for its buffer)') as Serde<unknown>;
    const valueSerde = requireSerde(this.valueSerde, 'suppress (value, for its buffer)') as Serde<unknown>;
    const store = b.addStore(s.name ?? b.autoName('KTABLE-SUPPRESS-STATE-STORE'), 'key-value', bytes, bytes);
    const o = {
      storeName: store,
      untilWindowCloses: windowClose,
      durationMs: windowClose ? closeAfter! : s.timeLimitMs,
      windowEnd: windowClose ? (key: unknown) => (key as Windowed<unknown>).window.end : undefined,
      buffer: s.buffer,
      keySerde,
      valueSerde,
    };
    const node = b.addProcessor('KTABLE-SUPPRESS', [this.node], () => new SuppressProcessor(o) as AnyProcessor, [store]);
    // Lookups see the upstream table as it is, as Kafka's suppressed tables do not materialize.
    return this.kit.table(node, this.keySerde, this.valueSerde, this.info);
  }

  join<VO, R>(other: Table<K, VO>, joiner: (value: V, otherValue: VO, key: K) => R, options?: TableJoined<R>): Table<K, R> {
    return this.joinTable(other, joiner as (l: V, r: VO | undefined, k: K) => R, 'inner', options);
  }

  leftJoin<VO, R>(other: Table<K, VO>, joiner: (value: V, otherValue: VO | undefined, key: K) => R, options?: TableJoined<R>): Table<K, R> {
    return this.joinTable(other, joiner, 'left', options);
  }

  outerJoin<VO, R>(other: Table<K, VO>, joiner: (value: V | undefined, otherValue: VO | undefined, key: K) => R, options?: TableJoined<R>): Table<K, R> {
    return this.joinTable(other, joiner as (l: V, r: VO | undefined, k: K) => R, 'outer', options);
  }

  joinOnForeignKey<KO, VO, R>(other: Table<KO, VO>, foreignKey: (value: V) => KO, joiner: (value: V, otherValue: VO) => R, options?: ForeignKeyJoined<R>): Table<K, R> {
    return this.fk(other, foreignKey, joiner as (v: V, o: VO | undefined) => R, false, options);
  }

  leftJoinOnForeignKey<KO, VO, R>(
    other: Table<KO, VO>,
    foreignKey: (value: V) => KO | null | undefined,
    joiner: (value: V, otherValue: VO | undefined) => R,
    options?: ForeignKeyJoined<R>,
  ): Table<K, R> {
    return this.fk(other, foreignKey, joiner, true, options);
  }

  private joinTable<VO, R>(other: Table<K, VO>, joiner: (l: V, r: VO | undefined, k: K) => R, kind: TableJoinKind, options: (Materialized & { value?: Serde<R> }) | undefined): Table<K, R> {
    const t = tableTableJoin(this.kit, this as unknown as TableHandle<unknown, unknown>, tableOf(other) as TableHandle<unknown, unknown>, joiner as (l: unknown, r: unknown, k: unknown) => unknown, kind, options as Materialized & { value?: Serde<unknown> });
    return t as unknown as Table<K, R>;
  }

  private fk<KO, VO, R>(
    other: Table<KO, VO>,
    foreignKey: (value: V) => KO | null | undefined,
    joiner: (value: V, otherValue: VO | undefined) => R,
    leftJoin: boolean,
    options: ForeignKeyJoined<R> | undefined,
  ): Table<K, R> {
    const t = foreignKeyJoin(
      this.kit,
      this as unknown as TableHandle<unknown, unknown>,
      tableOf(other) as TableHandle<unknown, unknown>,
      foreignKey as (v: unknown) => unknown,
      joiner as (l: unknown, r: unknown) => unknown,
      leftJoin,
      options as ForeignKeyJoined<unknown>,
    );
    return t as unknown as Table<K, R>;
  }
}

function transformerContext<S extends Record<string, StateStore>>(ctx: ProcessorContext<unknown, unknown>, withHeaders: boolean): ValueTransformerContext<S> {
  return {
    taskId: ctx.taskId,
    partition: ctx.partition,
    get streamTime() {
      return ctx.streamTime;
    },
    get headers() {
      return withHeaders ? ctx.record?.headers : undefined;
    },
    store: <N extends keyof S & string>(name: N) => ctx.store<S[N]>(name),
  };
}

class TransformValuesProcessor<K, V, V2, S extends Record<string, StateStore>> implements Processor<K, V | null> {
  private ctx!: ProcessorContext<unknown, unknown>;
  private transformer!: ValueTransformer<K, V, V2, S>;

  constructor(private readonly create: () => ValueTransformer<K, V, V2, S>) {}

  init(ctx: ProcessorContext<unknown, unknown>): void {
    this.ctx = ctx;
    this.transformer = this.create();
    this.transformer.init?.(transformerContext<S>(ctx, true));
  }

  process(key: K, value: V | null, ts: number, oldValue?: unknown): void {
    // The old value is not re-transformed (a transformer may have side effects): unknown downstream.
    void oldValue;
    this.ctx.forward(key, value === null || value === undefined ? null : this.transformer.transform(key, value), ts);
  }

  close(): void {
    this.transformer.close?.();
  }
}
