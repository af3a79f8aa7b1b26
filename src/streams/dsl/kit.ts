// How DSL implementations create each other without importing each other (see types.ts), and
// how they reach each other's internals (the node a handle stands for, its serdes, a table's value
// getter).

import type { Serde } from '../serdes.js';
import type { ValueGetterSupplier } from '../ops/table-ops.js';
import type { Builder } from './builder.js';
import type { GlobalTable, GroupedStream, Stream, Table } from './types.js';

/** What a table handle knows beyond its node and serdes. */
export interface TableInfo<K, V> {
  /** Reads the table's value by key (undefined: the table cannot be looked up, e.g. windowed). */
  readonly getter: ValueGetterSupplier<K, V> | undefined;
  /** Windowed tables: how long after a window's end it closes (grace; plus the gap for sessions). */
  readonly windowCloseAfterMs?: number | undefined;
}

export interface Kit {
  readonly b: Builder;
  stream<K, V>(node: string, key: Serde<K> | undefined, value: Serde<V> | undefined, keyChanged: boolean): Stream<K, V>;
  table<K, V>(node: string, key: Serde<K> | undefined, value: Serde<V> | undefined, info: TableInfo<K, V>): Table<K, V>;
  grouped<K, V>(node: string, key: Serde<K>, value: Serde<V> | undefined): GroupedStream<K, V>;
}

/** The internals of a stream handle. */
export interface StreamHandle<K, V> {
  readonly handle: 'stream';
  readonly node: string;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  /** Set once an operator may have changed the key: grouping and joining then repartition. */
  readonly keyChanged: boolean;
}

/** The internals of a table handle. */
export interface TableHandle<K, V> {
  readonly handle: 'table';
  readonly node: string;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  readonly info: TableInfo<K, V>;
}

/** The internals of a global table handle. */
export interface GlobalTableHandle<K, V> {
  readonly handle: 'global';
  readonly store: string;
  readonly getter: ValueGetterSupplier<K, V>;
}

export type AnyHandle = StreamHandle<unknown, unknown> | TableHandle<unknown, unknown> | GlobalTableHandle<unknown, unknown>;

export function handleOf(x: Stream<unknown, unknown> | Table<unknown, unknown> | GlobalTable<unknown, unknown> | GroupedStream<unknown, unknown>): AnyHandle {
  return x as unknown as AnyHandle;
}

export function streamOf<K, V>(s: Stream<K, V>): StreamHandle<K, V> {
  return s as unknown as StreamHandle<K, V>;
}

export function tableOf<K, V>(t: Table<K, V>): TableHandle<K, V> {
  return t as unknown as TableHandle<K, V>;
}

export function nodeOf(x: object): string {
  return (x as { node: string }).node;
}
