// Table operators. A table's records are changes: (key, value) upserts and (key, null) deletes.
// Filtering out a key forwards a delete (so downstream views drop it), as Kafka Streams does.
// Reads "as of now" for joins go through value getters, which apply the same filter/mapValues
// chain to the materialized store of the nearest upstream table, so derived tables need no store.

import type { Processor, ProcessorContext } from '../engine/processor.js';

export type ValueGetter<K, V> = (key: K) => V | undefined;

/** Builds a task's value getter for a table, given a context that can reach the table's store. */
export interface ValueGetterSupplier<K, V> {
  readonly stores: readonly string[];
  create(ctx: ProcessorContext<unknown, unknown>): ValueGetter<K, V>;
}

export class TableFilterProcessor<K, V> implements Processor<K, V | null> {
  private ctx!: ProcessorContext<unknown, unknown>;
  constructor(private readonly predicate: (key: K, value: V) => boolean) {}
  init(ctx: ProcessorContext<unknown, unknown>): void {
    this.ctx = ctx;
  }
  process(key: K, value: V | null, ts: number): void {
    this.ctx.forward(key, value !== null && this.predicate(key, value) ? value : null, ts);
  }
}

export class TableMapValuesProcessor<K, V, V2> implements Processor<K, V | null> {
  private ctx!: ProcessorContext<unknown, unknown>;
  constructor(private readonly mapper: (value: V, key: K) => V2) {}
  init(ctx: ProcessorContext<unknown, unknown>): void {
    this.ctx = ctx;
  }
  process(key: K, value: V | null, ts: number): void {
    this.ctx.forward(key, value === null ? null : this.mapper(value, key), ts);
  }
}

/** A table's changes as a stream: upserts, and deletes as null values (KTable.toStream()). */
export class ToStreamProcessor<K, V> implements Processor<K, V | null> {
  private ctx!: ProcessorContext<unknown, unknown>;
  init(ctx: ProcessorContext<unknown, unknown>): void {
    this.ctx = ctx;
  }
  process(key: K, value: V | null, ts: number): void {
    this.ctx.forward(key, value, ts);
  }
}

/**
 * Stream-table join: each stream record looks up the table's current value for its key (the
 * table as of processing time; later table updates do not revisit earlier stream records).
 * Inner joins drop records without a match; left joins pass `undefined`. Null keys are skipped.
 */
export class StreamTableJoinProcessor<K, V, TV, R> implements Processor<K, V> {
  private ctx!: ProcessorContext<unknown, unknown>;
  private lookup!: ValueGetter<K, TV>;

  constructor(
    private readonly table: ValueGetterSupplier<K, TV>,
    private readonly joiner: (value: V, tableValue: TV | undefined, key: K) => R,
    private readonly inner: boolean,
  ) {}

  init(ctx: ProcessorContext<unknown, unknown>): void {
    this.ctx = ctx;
    this.lookup = this.table.create(ctx);
  }

  process(key: K, value: V, ts: number): void {
    if (key === null || key === undefined) {
      this.ctx.metrics.skipped++;
      return;
    }
    const tv = this.lookup(key);
    if (tv === undefined && this.inner) return;
    this.ctx.forward(key, this.joiner(value, tv, key), ts);
  }
}
