// The Table implementation. Derived tables (filter, mapValues) are not materialized: their
// value getter applies the same function to the upstream table's stored value on lookup.

import type { Serde } from '../serdes.js';
import type { Processor } from '../engine/processor.js';
import { TableFilterProcessor, TableMapValuesProcessor, ToStreamProcessor, type ValueGetterSupplier } from '../ops/table-ops.js';
import type { Kit } from './kit.js';
import type { Stream, Table } from './types.js';

type AnyProcessor = Processor<unknown, unknown>;

export class TableImpl<K, V> implements Table<K, V> {
  constructor(
    private readonly kit: Kit,
    readonly node: string,
    private readonly keySerde: Serde<K> | undefined,
    private readonly valueSerde: Serde<V> | undefined,
    readonly getter: ValueGetterSupplier<K, V> | undefined,
  ) {}

  filter(predicate: (key: K, value: V) => boolean): Table<K, V> {
    const node = this.kit.b.addProcessor('KTABLE-FILTER', [this.node], () => new TableFilterProcessor(predicate) as AnyProcessor);
    const up = this.getter;
    const getter: ValueGetterSupplier<K, V> | undefined = up && {
      stores: up.stores,
      create: (ctx) => {
        const get = up.create(ctx);
        return (key) => {
          const v = get(key);
          return v !== undefined && predicate(key, v) ? v : undefined;
        };
      },
    };
    return this.kit.table(node, this.keySerde, this.valueSerde, getter);
  }

  mapValues<V2>(mapper: (value: V, key: K) => V2, serdes: { value?: Serde<V2> } = {}): Table<K, V2> {
    const node = this.kit.b.addProcessor('KTABLE-MAPVALUES', [this.node], () => new TableMapValuesProcessor(mapper) as AnyProcessor);
    const up = this.getter;
    const getter: ValueGetterSupplier<K, V2> | undefined = up && {
      stores: up.stores,
      create: (ctx) => {
        const get = up.create(ctx);
        return (key) => {
          const v = get(key);
          return v === undefined ? undefined : mapper(v, key);
        };
      },
    };
    return this.kit.table(node, this.keySerde, serdes.value, getter);
  }

  toStream(): Stream<K, V | null> {
    const node = this.kit.b.addProcessor('KTABLE-TOSTREAM', [this.node], () => new ToStreamProcessor() as AnyProcessor);
    // The sink writes null as a tombstone without calling the serde, so V's serde serves V | null.
    return this.kit.stream<K, V | null>(node, this.keySerde, this.valueSerde as Serde<V | null> | undefined, false);
  }
}
