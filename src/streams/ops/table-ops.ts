// Table operators. A table's records are changes: `value` is the key's new value (null: deleted)
// and the fourth argument its previous value (null: none; undefined: unknown), as Kafka Streams'
// Change<V> with sendOldValues (engine/processor.ts). Filtering out a key forwards a delete, so
// downstream views drop it; a change that is null before and after is not forwarded at all.
// Reads "as of now" for joins go through value getters, which apply the same filter/mapValues
// chain to the materialized store of the nearest upstream table, so derived tables need no store.

import type { Processor, ProcessorContext } from '../engine/processor.js';
import type { KeyValueStore, StateStore } from '../stores/store.js';
import type { VersionedKeyValueStore } from '../stores/versioned-store.js';

export interface ValueGetter<K, V> {
  /** The table's current value for `key`. */
  get(key: K): V | undefined;
  /** Versioned tables only: the value `key` had at `timestamp` (KIP-914 timestamped lookups). */
  asOf?(key: K, timestamp: number): V | undefined;
}

/** Builds a task's value getter for a table, given a context that can reach the table's store. */
export interface ValueGetterSupplier<K, V> {
  readonly stores: readonly string[];
  create(ctx: ProcessorContext<unknown, unknown>): ValueGetter<K, V>;
}

/** The getter of a table materialized in `store` (key-value or versioned). */
export function storeGetter<K, V>(store: string): ValueGetterSupplier<K, V> {
  return {
    stores: [store],
    create: (ctx) => {
      const s = ctx.store<StateStore>(store);
      if (s.kind === 'versioned') {
        const v = s as VersionedKeyValueStore<K, V>;
        return { get: (key) => v.get(key)?.value, asOf: (key, ts) => v.getAsOf(key, ts)?.value };
      }
      const kv = s as KeyValueStore<K, V>;
      return { get: (key) => kv.get(key) };
    },
  };
}

/** A getter that maps each value found upstream (undefined passes through). */
export function mappedGetter<K, V, V2>(up: ValueGetterSupplier<K, V>, map: (key: K, value: V) => V2 | undefined, stores: readonly string[] = []): ValueGetterSupplier<K, V2> {
  return {
    stores: [...up.stores, ...stores],
    create: (ctx) => {
      const g = up.create(ctx);
      const asOf = g.asOf;
      return {
        get: (key) => {
          const v = g.get(key);
          return v === undefined ? undefined : map(key, v);
        },
        ...(asOf
          ? {
              asOf: (key: K, ts: number) => {
                const v = asOf(key, ts);
                return v === undefined ? undefined : map(key, v);
              },
            }
          : {}),
      };
    },
  };
}

abstract class TableProcessor<K, V> implements Processor<K, V | null> {
  protected ctx!: ProcessorContext<unknown, unknown>;
  init(ctx: ProcessorContext<unknown, unknown>): void {
    this.ctx = ctx;
  }
  abstract process(key: K, value: V | null, ts: number, oldValue?: unknown): void;
}

export class TableFilterProcessor<K, V> extends TableProcessor<K, V> {
  constructor(private readonly predicate: (key: K, value: V) => boolean) {
    super();
  }
  process(key: K, value: V | null, ts: number, oldValue?: unknown): void {
    const next = value !== null && this.predicate(key, value) ? value : null;
    if (oldValue === undefined) return this.ctx.forward(key, next, ts);
    const old = oldValue !== null && this.predicate(key, oldValue as V) ? (oldValue as V) : null;
    if (next === null && old === null) return; // invisible before and after: nothing changed here
    this.ctx.forward(key, next, ts, old);
  }
}

export class TableMapValuesProcessor<K, V, V2> extends TableProcessor<K, V> {
  constructor(private readonly mapper: (value: V, key: K) => V2) {
    super();
  }
  process(key: K, value: V | null, ts: number, oldValue?: unknown): void {
    const old = oldValue === undefined || oldValue === null ? oldValue : this.mapper(oldValue as V, key);
    this.ctx.forward(key, value === null ? null : this.mapper(value, key), ts, old);
  }
}

/** A table's changes as a stream: upserts, and deletes as null values (KTable.toStream()). */
export class ToStreamProcessor<K, V> extends TableProcessor<K, V> {
  process(key: K, value: V | null, ts: number): void {
    this.ctx.forward(key, value, ts);
  }
}

/** Materializes table changes in a key-value store (toTable, a materialized join result); forwards with the stored previous value. */
export class MaterializeProcessor<K, V> extends TableProcessor<K, V> {
  private store!: KeyValueStore<K, V>;
  constructor(private readonly storeName: string) {
    super();
  }
  override init(ctx: ProcessorContext<unknown, unknown>): void {
    super.init(ctx);
    this.store = ctx.store(this.storeName);
  }
  process(key: K, value: V | null, ts: number): void {
    if (key === null || key === undefined) {
      this.ctx.metrics.skipped++;
      return;
    }
    const old = this.store.get(key) ?? null;
    if (value === null || value === undefined) {
      if (old === null) return; // deleting what is not there changes nothing
      this.store.delete(key);
      this.ctx.forward(key, null, ts, old);
    } else {
      this.store.put(key, value);
      this.ctx.forward(key, value, ts, old);
    }
  }
}

/**
 * Stream-table join: each stream record looks up the table's value for its key: the current one,
 * or, for a versioned table, the one valid at the record's timestamp (KIP-914), so a late stream
 * record joins the table as it was then. Later table updates do not revisit earlier stream
 * records. Inner joins drop records without a match; left joins pass `undefined`. Null keys are
 * skipped (inner) or joined with `undefined` (left, KIP-962).
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
      if (this.inner) this.ctx.metrics.skipped++;
      else this.ctx.forward(key, this.joiner(value, undefined, key), ts);
      return;
    }
    const l = this.lookup;
    const tv = l.asOf ? l.asOf(key, ts) : l.get(key);
    if (tv === undefined && this.inner) return;
    this.ctx.forward(key, this.joiner(value, tv, key), ts);
  }
}

/** Stream-globalTable join: the lookup key comes from the record (no co-partitioning needed). */
export class StreamGlobalJoinProcessor<K, V, GK, GV, R> implements Processor<K, V> {
  private ctx!: ProcessorContext<unknown, unknown>;
  private lookup!: ValueGetter<GK, GV>;

  constructor(
    private readonly table: ValueGetterSupplier<GK, GV>,
    private readonly keySelector: (key: K, value: V) => GK,
    private readonly joiner: (value: V, tableValue: GV | undefined, key: K) => R,
    private readonly inner: boolean,
  ) {}

  init(ctx: ProcessorContext<unknown, unknown>): void {
    this.ctx = ctx;
    this.lookup = this.table.create(ctx);
  }

  process(key: K, value: V, ts: number): void {
    const gk = this.keySelector(key, value);
    const gv = gk === null || gk === undefined ? undefined : this.lookup.get(gk);
    if (gv === undefined && this.inner) return;
    this.ctx.forward(key, this.joiner(value, gv, key), ts);
  }
}
