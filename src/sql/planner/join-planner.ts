// The JOIN clauses of a query onto brook/streams joins (joins/join-streams-and-tables.md), one
// join after the other for n-way joins: the rows joined so far are the left side of the next join.
// A joined row is the left row followed by the right row (NULLs for a missing side), then the
// synthetic key (ROWKEY) when the join has one.
//
//   stream-table:  the stream is re-keyed by its join expression (through a repartition topic,
//                  unless already keyed by it) and looks up the table's row by primary key.
//   stream-stream: both sides keyed by their join expressions (repartitioned where needed), joined
//                  WITHIN the window (Kafka Streams' JoinWindows: before, after, grace).
//   table-table:   on the primary key; both tables are keyed by it already (a table cannot be
//                  re-keyed), and the result changes as either side changes.
//   foreign key:   the left table's expression names the right table's key (KIP-213 through
//                  subscription and response topics); the result keeps the left table's key.
//
// RIGHT joins run as LEFT joins with the sides swapped; the row keeps the left-then-right order.

import type { App, Serde, Stream, Table } from '../../streams/index.js';
import { joinWindows } from '../../streams/index.js';
import type { AnalyzedJoin, AnalyzedQuery } from '../analyzer/analyzed-query.js';
import { keyColumns, type FormatInfo } from '../catalog/data-source.js';
import { SqlError } from '../errors.js';
import type { Row } from '../formats/format.js';
import { internalRowSerde } from '../formats/internal-serdes.js';
import type { SqlType } from '../types/sql-type.js';
import { safeEvaluator, type EvalContext } from './evaluation.js';
import { RowLayout } from './row-layout.js';
import { keySerde, sourceKeySerde } from './serdes.js';
import { planSource, type PlannedSource } from './source-step.js';

/** ksqlDB's grace period of a stream-stream join written without GRACE PERIOD (24 hours). */
export const DEFAULT_JOIN_GRACE_MS = 24 * 3_600_000;

/** The rows joined so far: what the next join takes as its left side. */
interface Joined {
  readonly layout: RowLayout;
  readonly stream: Stream<unknown, Row> | undefined;
  readonly table: Table<unknown, Row> | undefined;
  /** Slots whose value is the current key (empty when the key is not a single column). */
  readonly keySlots: readonly string[];
  /** The serde of the current key, to co-partition the next join's other side with it. */
  readonly keySerde: Serde<unknown>;
}

/** A serde for a join key of `type`: in the first of `formats` that can hold it, else JSON. */
function joinKeySerde(type: SqlType, formats: readonly FormatInfo[]): Serde<unknown> {
  const column = [{ name: 'JOINKEY', type, kind: 'KEY' as const }];
  for (const f of [...formats, { format: 'JSON', properties: {} } as FormatInfo]) {
    try {
      return keySerde(column, f);
    } catch {
      // This format cannot hold the key's type (KAFKA keys are primitives): try the next.
    }
  }
  throw new SqlError(`Cannot serialize a join key of type ${type.base}`);
}

function nulls(n: number): Row {
  return new Array<unknown>(n).fill(null);
}

export function planJoins(app: App, q: AnalyzedQuery, needed: ReadonlySet<string>, ctx: EvalContext, storePrefix: string): PlannedSource {
  const b = q.bindings[0]!;
  const first = planSource(app, b, needed, ctx, `${storePrefix}KafkaTopic_Left-Reduce`);
  const keys = keyColumns(b.source);
  let cur: Joined = {
    layout: first.layout,
    stream: first.stream,
    table: first.table,
    keySlots: keys.length === 1 ? [`${b.alias}.${keys[0]!.name}`] : [],
    keySerde: sourceKeySerde(b.source),
  };
  q.joins.forEach((j, i) => {
    cur = planOne(app, cur, j, i, q.joins.length, needed, ctx, storePrefix);
  });
  return { binding: b, layout: cur.layout, stream: cur.stream, table: cur.table };
}

function planOne(app: App, left: Joined, j: AnalyzedJoin, i: number, count: number, needed: ReadonlySet<string>, ctx: EvalContext, storePrefix: string): Joined {
  // ksqlDB's names for the internal topics and stores of the first join; later joins number theirs.
  const tag = count > 1 ? `${i + 1}` : '';
  const right = planSource(app, j.right, needed, ctx, `${storePrefix}KafkaTopic_Right${tag}-Reduce`);
  const rightKeys = keyColumns(j.right.source);
  const rightKeySlots = rightKeys.length === 1 ? [`${j.right.alias}.${rightKeys[0]!.name}`] : [];
  const lw = left.layout.length;
  const rw = right.layout.length;
  const synthetic = j.synthetic ? new RowLayout([`$${j.keyName}`], [j.keyType]) : undefined;
  let layout = left.layout.concat(right.layout);
  if (synthetic) layout = layout.concat(synthetic);
  // The joined row; `key` fills the synthetic key (the join key's value: the same on both sides).
  const combine = (l: Row | undefined | null, r: Row | undefined | null, key: unknown): Row => {
    const row = (l ?? nulls(lw)).concat(r ?? nulls(rw));
    if (synthetic) row.push(key ?? null);
    return row;
  };
  const keyedBy = (e: AnalyzedJoin['leftKey'], slots: readonly string[]): boolean => e.op === 'slot' && slots.includes(e.slot);
  const leftKeyed = keyedBy(j.leftKey, left.keySlots);
  const resultKeySlots = j.synthetic ? [`$${j.keyName}`] : j.keySlots;

  switch (j.kind) {
    case 'stream-table': {
      let stream = left.stream!;
      const tableKey = sourceKeySerde(j.right.source);
      if (!leftKeyed) {
        const key = safeEvaluator(j.leftKey, left.layout, ctx, 'the join expression');
        stream = stream.selectKey((_k, row) => key(row)).repartition({ key: tableKey, value: internalRowSerde(left.layout.types), name: `${storePrefix}Join${tag}-repartition` });
      }
      const joined =
        j.type === 'LEFT'
          ? stream.leftJoin(right.table!, (l: Row, r: Row | undefined, k: unknown) => combine(l, r, k))
          : stream.join(right.table!, (l: Row, r: Row, k: unknown) => combine(l, r, k));
      return { layout, stream: joined, table: undefined, keySlots: resultKeySlots, keySerde: tableKey };
    }
    case 'stream-stream': {
      const rightKeyed = keyedBy(j.rightKey, rightKeySlots);
      // Co-partition both sides with the key serde of a side that is not re-keyed.
      const key = leftKeyed ? left.keySerde : rightKeyed ? sourceKeySerde(j.right.source) : joinKeySerde(j.keyType, [j.right.source.keyFormat]);
      let ls = left.stream!;
      let rs = right.stream!;
      if (!leftKeyed) {
        const f = safeEvaluator(j.leftKey, left.layout, ctx, 'the join expression');
        ls = ls.selectKey((_k, row) => f(row)).repartition({ key, value: internalRowSerde(left.layout.types), name: `${storePrefix}Join${tag}-left-repartition` });
      }
      if (!rightKeyed) {
        const f = safeEvaluator(j.rightKey, right.layout, ctx, 'the join expression');
        rs = rs.selectKey((_k, row) => f(row)).repartition({ key, value: internalRowSerde(right.layout.types), name: `${storePrefix}Join${tag}-right-repartition` });
      }
      const w = j.within!;
      const windows = joinWindows(0, { grace: w.graceMs ?? DEFAULT_JOIN_GRACE_MS }).before(w.beforeMs).after(w.afterMs);
      const options = { name: `${storePrefix}Join${tag}`, key, value: internalRowSerde(left.layout.types), otherValue: internalRowSerde(right.layout.types) };
      let joined: Stream<unknown, Row>;
      if (j.type === 'INNER') joined = ls.join(rs, (l: Row, r: Row, k: unknown) => combine(l, r, k), windows, options);
      else if (j.type === 'LEFT') joined = ls.leftJoin(rs, (l: Row, r: Row | undefined, k: unknown) => combine(l, r, k), windows, options);
      else if (j.type === 'FULL') joined = ls.outerJoin(rs, (l: Row | undefined, r: Row | undefined, k: unknown) => combine(l, r, k), windows, options);
      else {
        // RIGHT: the right stream's LEFT join; its window mirrors the left one's.
        const mirrored = joinWindows(0, { grace: w.graceMs ?? DEFAULT_JOIN_GRACE_MS }).before(w.afterMs).after(w.beforeMs);
        joined = rs.leftJoin(ls, (r: Row, l: Row | undefined, k: unknown) => combine(l, r, k), mirrored, { name: options.name, key, value: options.otherValue, otherValue: options.value });
      }
      return { layout, stream: joined, table: undefined, keySlots: resultKeySlots, keySerde: key };
    }
    case 'table-table': {
      if (!leftKeyed) throw new SqlError(`Invalid join condition: table-table joins require to join on the primary key of the left input table. Got ${j.text}.`);
      const lt = left.table!;
      const rt = right.table!;
      let joined: Table<unknown, Row>;
      if (j.type === 'INNER') joined = lt.join(rt, (l: Row, r: Row, k: unknown) => combine(l, r, k));
      else if (j.type === 'LEFT') joined = lt.leftJoin(rt, (l: Row, r: Row | undefined, k: unknown) => combine(l, r, k));
      else if (j.type === 'FULL') joined = lt.outerJoin(rt, (l: Row | undefined, r: Row | undefined, k: unknown) => combine(l, r, k));
      else joined = rt.leftJoin(lt, (r: Row, l: Row | undefined, k: unknown) => combine(l, r, k));
      return { layout, stream: undefined, table: joined, keySlots: resultKeySlots, keySerde: left.keySerde };
    }
    case 'fk-table-table': {
      const fk = safeEvaluator(j.leftKey, left.layout, ctx, 'the foreign-key expression');
      const options = { name: `${storePrefix}KTable-FK-JoinOther${tag}` };
      // A NULL foreign key matches nothing: an inner join drops the row, a left join keeps it unmatched.
      const joined =
        j.type === 'LEFT'
          ? left.table!.leftJoinOnForeignKey(right.table!, (row: Row) => fk(row), (l: Row, r: Row | undefined) => combine(l, r, null), options)
          : left.table!.joinOnForeignKey(right.table!, (row: Row) => fk(row), (l: Row, r: Row) => combine(l, r, null), options);
      return { layout, stream: undefined, table: joined, keySlots: resultKeySlots, keySerde: left.keySerde };
    }
  }
}
