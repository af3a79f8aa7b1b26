// Stateless operators. Each is a small class (no closure allocated per record) holding the
// user's function; the DSL creates one instance per task.

import type { Processor, ProcessorContext, RecordContext } from '../engine/processor.js';

type Ctx = ProcessorContext<unknown, unknown>;

abstract class Forwarding<K, V> implements Processor<K, V> {
  protected ctx!: Ctx;
  init(ctx: Ctx): void {
    this.ctx = ctx;
  }
  abstract process(key: K, value: V, timestamp: number): void;
}

export class FilterProcessor<K, V> extends Forwarding<K, V> {
  constructor(private readonly predicate: (key: K, value: V) => boolean) {
    super();
  }
  process(key: K, value: V, ts: number): void {
    if (this.predicate(key, value)) this.ctx.forward(key, value, ts);
  }
}

export class MapProcessor<K, V, K2, V2> extends Forwarding<K, V> {
  constructor(private readonly mapper: (key: K, value: V) => readonly [K2, V2]) {
    super();
  }
  process(key: K, value: V, ts: number): void {
    const [k, v] = this.mapper(key, value);
    this.ctx.forward(k, v, ts);
  }
}

export class MapValuesProcessor<K, V, V2> extends Forwarding<K, V> {
  constructor(private readonly mapper: (value: V, key: K) => V2) {
    super();
  }
  process(key: K, value: V, ts: number): void {
    this.ctx.forward(key, this.mapper(value, key), ts);
  }
}

export class SelectKeyProcessor<K, V, K2> extends Forwarding<K, V> {
  constructor(private readonly selector: (key: K, value: V) => K2) {
    super();
  }
  process(key: K, value: V, ts: number): void {
    this.ctx.forward(this.selector(key, value), value, ts);
  }
}

export class FlatMapProcessor<K, V, K2, V2> extends Forwarding<K, V> {
  constructor(private readonly mapper: (key: K, value: V) => Iterable<readonly [K2, V2]>) {
    super();
  }
  process(key: K, value: V, ts: number): void {
    for (const [k, v] of this.mapper(key, value)) this.ctx.forward(k, v, ts);
  }
}

export class FlatMapValuesProcessor<K, V, V2> extends Forwarding<K, V> {
  constructor(private readonly mapper: (value: V, key: K) => Iterable<V2>) {
    super();
  }
  process(key: K, value: V, ts: number): void {
    for (const v of this.mapper(value, key)) this.ctx.forward(key, v, ts);
  }
}

export class PeekProcessor<K, V> extends Forwarding<K, V> {
  constructor(private readonly action: (key: K, value: V, timestamp: number, record: RecordContext | undefined) => void) {
    super();
  }
  process(key: K, value: V, ts: number): void {
    // The input record's topic, partition, offset and headers: ksqlDB's ROWPARTITION/ROWOFFSET/HEADERS need them.
    this.action(key, value, ts, this.ctx.record);
    this.ctx.forward(key, value, ts);
  }
}

/** Branch i of a split: passes records whose first matching predicate is predicates[i] (default branch: none match). */
export class BranchProcessor<K, V> extends Forwarding<K, V> {
  constructor(
    private readonly predicates: ReadonlyArray<(key: K, value: V) => boolean>,
    private readonly index: number,
  ) {
    super();
  }
  process(key: K, value: V, ts: number): void {
    const preds = this.predicates;
    for (let i = 0; i < preds.length; i++) {
      if (preds[i]!(key, value)) {
        if (i === this.index) this.ctx.forward(key, value, ts);
        return;
      }
    }
    if (this.index === preds.length) this.ctx.forward(key, value, ts);
  }
}

/** Merges (of streams, of a join's two sides, of cogrouped aggregations) need a node that forwards unchanged, old values included. */
export class PassThroughProcessor<K, V> extends Forwarding<K, V> {
  process(key: K, value: V, ts: number, oldValue?: unknown): void {
    this.ctx.forward(key, value, ts, oldValue);
  }
}
