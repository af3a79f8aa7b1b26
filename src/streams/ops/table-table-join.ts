// Table-table joins on the key (inner, left, outer), as Kafka Streams' KTableKTable*Join: each
// side's changes look up the other side's current value and forward the joined change; both
// sides' results merge into one table. Missing values are `undefined` to the joiner.
//
//   change on the left (new l', old l), right value r = right(k):
//     inner   r missing -> nothing;        else (l' ? join(l', r) : delete)
//     left    r missing and l', l both absent -> nothing;  else (l' ? join(l', r) : delete)
//     outer   r missing and l', l both absent -> nothing;  else (l' or r ? join(l', r) : delete)
//   change on the right (new r', old r), left value l = left(k):
//     inner   l missing -> nothing;        else (r' ? join(l, r') : delete)
//     left    l missing -> nothing;        else join(l, r')       (the left row stays, unmatched)
//     outer   l missing and r', r both absent -> nothing;  else (l or r' ? join(l, r') : delete)
// Old results are computed the same way from the old value when it is known, so downstream
// operators (filters, foreign-key joins) see correct changes. Results carry the timestamp of the
// change that caused them (Kafka Streams uses the larger of both sides' timestamps; Brook's
// key-value stores do not keep timestamps).

import type { Processor, ProcessorContext } from '../engine/processor.js';
import type { ValueGetter, ValueGetterSupplier } from './table-ops.js';

export type TableJoinKind = 'inner' | 'left' | 'outer';

type Joiner = (left: unknown, right: unknown, key: unknown) => unknown;

/** The joined value for (l, r) under `kind`, or null when the join has no row for them. */
export function joinRow(kind: TableJoinKind, joiner: Joiner, key: unknown, l: unknown, r: unknown): unknown {
  const hasL = l !== undefined && l !== null;
  const hasR = r !== undefined && r !== null;
  const row = kind === 'inner' ? hasL && hasR : kind === 'left' ? hasL : hasL || hasR;
  return row ? joiner(hasL ? l : undefined, hasR ? r : undefined, key) : null;
}

export class TableTableJoinProcessor implements Processor<unknown, unknown> {
  private ctx!: ProcessorContext<unknown, unknown>;
  private other!: ValueGetter<unknown, unknown>;

  constructor(
    private readonly kind: TableJoinKind,
    private readonly isLeft: boolean,
    private readonly otherTable: ValueGetterSupplier<unknown, unknown>,
    private readonly joiner: Joiner,
  ) {}

  init(ctx: ProcessorContext<unknown, unknown>): void {
    this.ctx = ctx;
    this.other = this.otherTable.create(ctx);
  }

  process(key: unknown, value: unknown, ts: number, oldValue?: unknown): void {
    if (key === null || key === undefined) {
      this.ctx.metrics.skipped++;
      return;
    }
    const o = this.other.get(key);
    const kind = this.kind;
    const absent = (x: unknown) => x === null || x === undefined;
    if (o === undefined) {
      // Without a partner row: inner joins have nothing; a left join's right side neither.
      if (kind === 'inner' || (kind === 'left' && !this.isLeft)) return;
      if (absent(value) && oldValue === null) return;
    }
    const row = (v: unknown) => (this.isLeft ? joinRow(kind, this.joiner, key, v, o) : joinRow(kind, this.joiner, key, o, v));
    const next = row(value);
    const old = oldValue === undefined ? undefined : row(oldValue);
    if (next === null && old === null) return;
    this.ctx.forward(key, next, ts, old);
  }
}

/** The joined table's getter when it is not materialized: the join of both sides' current values. */
export function joinGetter(kind: TableJoinKind, left: ValueGetterSupplier<unknown, unknown>, right: ValueGetterSupplier<unknown, unknown>, joiner: Joiner): ValueGetterSupplier<unknown, unknown> {
  return {
    stores: [...left.stores, ...right.stores],
    create: (ctx) => {
      const l = left.create(ctx);
      const r = right.create(ctx);
      return {
        get: (key) => {
          const v = joinRow(kind, joiner, key, l.get(key), r.get(key));
          return v === null ? undefined : v;
        },
      };
    },
  };
}
