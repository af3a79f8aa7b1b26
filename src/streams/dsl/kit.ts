// How DSL implementations create each other without importing each other (see types.ts), and
// how they reach each other's internals (the node a handle stands for, a table's value getter).

import type { Serde } from '../serdes.js';
import type { ValueGetterSupplier } from '../ops/table-ops.js';
import type { Builder } from './builder.js';
import type { GroupedStream, Stream, Table } from './types.js';

export interface Kit {
  readonly b: Builder;
  stream<K, V>(node: string, key: Serde<K> | undefined, value: Serde<V> | undefined, keyChanged: boolean): Stream<K, V>;
  table<K, V>(node: string, key: Serde<K> | undefined, value: Serde<V> | undefined, getter: ValueGetterSupplier<K, V> | undefined): Table<K, V>;
  grouped<K, V>(node: string, key: Serde<K>, value: Serde<V> | undefined): GroupedStream<K, V>;
}

/** What every DSL handle carries internally. */
export interface Handle {
  readonly node: string;
}

export interface TableHandle<K, V> extends Handle {
  readonly getter: ValueGetterSupplier<K, V> | undefined;
}

export function nodeOf(x: object): string {
  return (x as Handle).node;
}

export function getterOf<K, V>(t: Table<K, V>): ValueGetterSupplier<K, V> | undefined {
  return (t as unknown as TableHandle<K, V>).getter;
}
