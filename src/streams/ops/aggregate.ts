// Keyed aggregation into a key-value store (count, reduce and aggregate are all `aggregate`
// with a different adder). Records with a null key are skipped, as in Kafka Streams: there is
// nothing to group them by.

import type { Processor, ProcessorContext } from '../engine/processor.js';
import type { KeyValueStore } from '../stores/store.js';

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
    this.ctx.forward(key, next, ts);
  }
}

/** Materializes a table source: a null value deletes the key. Forwards every change (null = delete). */
export class TableSourceProcessor<K, V> implements Processor<K, V | null> {
  private ctx!: ProcessorContext<unknown, unknown>;
  private store!: KeyValueStore<K, V>;

  constructor(private readonly storeName: string) {}

  init(ctx: ProcessorContext<unknown, unknown>): void {
    this.ctx = ctx;
    this.store = ctx.store(this.storeName);
  }

  process(key: K, value: V | null, ts: number): void {
    if (key === null || key === undefined) {
      this.ctx.metrics.skipped++;
      return;
    }
    if (value === null) this.store.delete(key);
    else this.store.put(key, value);
    this.ctx.forward(key, value, ts);
  }
}
