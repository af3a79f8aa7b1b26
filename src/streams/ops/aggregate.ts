// Keyed aggregation into a key-value store (count, reduce and aggregate are all `aggregate`
// with a different adder). Records with a null key are skipped, as in Kafka Streams: there is
// nothing to group them by.

import type { Processor, ProcessorContext } from '../engine/processor.js';
import type { KeyValueStore, StateStore } from '../stores/store.js';
import type { VersionedKeyValueStore } from '../stores/versioned-store.js';

export class AggregateProcessor<K, V, A> implements Processor<K, V> {
  private ctx!: ProcessorContext<unknown, unknown>;
  private store!: KeyValueStore<K, A>;

  constructor(
    private readonly storeName: string,
    private readonly initializer: () => A,
    private readonly adder: (key: K, value: V, aggregate: A) => A,
  ) {}

  init(ctx: ProcessorContext<unknown, unknown>): void {
    this.ctx = ctx;
    this.store = ctx.store(this.storeName);
  }

  process(key: K, value: V, ts: number): void {
    if (key === null || key === undefined) {
      this.ctx.metrics.skipped++;
      return;
    }
    const current = this.store.get(key);
    const next = this.adder(key, value, current === undefined ? this.initializer() : current);
    this.store.put(key, next);
    this.ctx.forward(key, next, ts, current === undefined ? null : current);
  }
}

/**
 * Materializes a table source: a null value deletes the key. Forwards every change with the key's
 * previous value (null: none). In a versioned store (KIP-889) an out-of-order update goes into the
 * history only (where timestamped joins find it) and is not forwarded, as Kafka Streams' joins
 * drop such updates (KIP-914).
 */
export class TableSourceProcessor<K, V> implements Processor<K, V | null> {
  private ctx!: ProcessorContext<unknown, unknown>;
  private store: KeyValueStore<K, V> | undefined;
  private versioned: VersionedKeyValueStore<K, V> | undefined;

  constructor(private readonly storeName: string) {}

  init(ctx: ProcessorContext<unknown, unknown>): void {
    this.ctx = ctx;
    const s = ctx.store<StateStore>(this.storeName);
    if (s.kind === 'versioned') this.versioned = s as VersionedKeyValueStore<K, V>;
    else this.store = s as KeyValueStore<K, V>;
  }

  process(key: K, value: V | null, ts: number): void {
    if (key === null || key === undefined) {
      this.ctx.metrics.skipped++;
      return;
    }
    const versioned = this.versioned;
    if (versioned) {
      const old = versioned.get(key)?.value ?? null;
      const result = versioned.put(key, value ?? null, ts);
      if (result === 'latest') this.ctx.forward(key, value, ts, old);
      else if (result === 'expired') this.ctx.metrics.lateDrops++;
      return;
    }
    const store = this.store!;
    const old = store.get(key) ?? null;
    if (value === null || value === undefined) store.delete(key);
    else store.put(key, value);
    this.ctx.forward(key, value, ts, old);
  }
}
