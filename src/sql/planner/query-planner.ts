// An analysed query onto a brook/streams topology. Rows are arrays (see row-layout.ts); every step
// is a DSL operator, so a SQL query runs exactly as the same topology written by hand would:
//
//   stream source -> WHERE (filter) -> table functions (flatMapValues)
//     -> projection (map: key from the key columns) -> sink
//   stream source -> WHERE -> GROUP BY (groupBy through a repartition topic) -> [WINDOW] ->
//     aggregate (one state per aggregate call) -> post-aggregation row -> HAVING (table filter)
//     -> projection (table mapValues) -> toStream -> sink
//   table source -> WHERE (table filter) -> projection (table mapValues) -> toStream -> sink
//
// The sink is a topic (persistent queries) or a callback (push queries run in-process).

import type { App, Serde, Stream, Table, Windowed } from '../../streams/index.js';
import { hopping, session, tumbling } from '../../streams/index.js';
import { aggregateSlot, keySlot, WINDOWEND_SLOT, WINDOWSTART_SLOT, type AnalyzedQuery } from '../analyzer/analyzed-query.js';
import type { Column, FormatInfo, WindowInfo } from '../catalog/data-source.js';
import { SqlError } from '../errors.js';
import type { Row } from '../formats/format.js';
import { internalRowSerde } from '../formats/internal-serdes.js';
import { BIGINT, BOOLEAN } from '../types/sql-type.js';
import { projector, safeEvaluator, safePredicate, type EvalContext } from './evaluation.js';
import { RowLayout } from './row-layout.js';
import { keySerde, sourceKeySerde, valueSerde, windowedKeySerde } from './serdes.js';
import { planSource } from './source-step.js';
import { planJoins } from './join-planner.js';
import { checkTableAggregates, tableChanges } from './table-changes.js';
import { slotsOf } from '../analyzer/typed-expr.js';

/** ksqlDB's default grace period for windows written without GRACE PERIOD (Kafka Streams' old default). */
export const DEFAULT_GRACE_MS = 24 * 3_600_000;

export interface TopicSink {
  readonly kind: 'topic';
  readonly topic: string;
  readonly keyFormat: FormatInfo;
  readonly valueFormat: FormatInfo;
}

/** One output row of a push query: the projection in SELECT order; null value rows are deletes. */
export interface CallbackSink {
  readonly kind: 'callback';
  emit(row: Row | null, key: unknown, timestamp: number): void;
}

/**
 * How pull queries read an aggregation's result from its state store (as ksqlDB's materialization
 * does): the store holds the aggregate state per group key (a row of the GROUP BY values, windowed
 * for windowed aggregations); `row` turns one entry into the result row in SELECT order, or
 * undefined when HAVING drops it.
 */
export interface Materialization {
  readonly store: string;
  readonly window: { readonly type: 'TUMBLING' | 'HOPPING' | 'SESSION'; readonly sizeMs: number } | undefined;
  row(key: unknown, state: Row): Row | undefined;
}

export interface PlannedQuery {
  /** Names of stores holding the result (pull queries may read them). */
  readonly stores: readonly string[];
  /** The result columns in SELECT order. */
  readonly columns: readonly Column[];
  /** Set for aggregations: how to read their result from the store. */
  readonly materialization?: Materialization;
}

/** The serde of a result's key (single column: the value; several: an array), windowed if the result is. */
export function resultKeySerde(keyColumns: readonly Column[], format: FormatInfo, window: WindowInfo | undefined): Serde<unknown> {
  const inner = keySerde(keyColumns, format);
  return window ? (windowedKeySerde(inner, window) as Serde<unknown>) : inner;
}

function neededSlots(q: AnalyzedQuery): Set<string> {
  const out = new Set<string>();
  const add = (e: Parameters<typeof slotsOf>[0] | undefined): void => {
    if (e) slotsOf(e, out);
  };
  add(q.where);
  q.groupBy?.forEach(add);
  if (q.partitionBy) q.partitionBy.forEach(add);
  q.aggregates.forEach((a) => a.args.forEach(add));
  q.tableFunctions.forEach((t) => t.args.forEach(add));
  q.select.forEach((c) => add(c.expr));
  add(q.having);
  return out;
}

/** Shape a key made of column values: none -> null, one -> the value, several -> an array. */
function shapeKey(values: Row): unknown {
  if (values.length === 0) return null;
  return values.length === 1 ? values[0] : values;
}

export function planQuery(app: App, q: AnalyzedQuery, ctx: EvalContext, sink: TopicSink | CallbackSink, storePrefix: string): PlannedQuery {
  const needed = neededSlots(q);
  const b = q.bindings[0]!;
  const src = q.joins.length > 0 ? planJoins(app, q, needed, ctx, storePrefix) : planSource(app, b, needed, ctx, `${storePrefix}KsqlTopic-Reduce`);
  const columns: Column[] = q.select.map((c) => ({ name: c.name, type: c.type, kind: c.isKey ? 'KEY' : 'VALUE' }));
  const keyIndexes = q.keyColumns.map((k) => q.select.findIndex((c) => c.name === k.name));
  const names = q.select.map((c) => c.name);

  // The sink: serdes over the projected row (SELECT order); key columns come from the key given.
  let write: ((s: Stream<unknown, Row | null>) => void) | undefined;
  if (sink.kind === 'topic') {
    const kSerde = resultKeySerde(q.keyColumns, sink.keyFormat, q.resultWindow);
    const byName = new Map(names.map((n, i) => [n, i]));
    const vSerde = valueSerde(q.valueColumns, sink.valueFormat, (c) => byName.get(c.name)!, names.length);
    write = (s) => s.to(sink.topic, { key: kSerde, value: vSerde as Serde<NonNullable<Row | null>> });
  } else {
    write = (s) => {
      s.peek((k, row, ts) => sink.emit(row, k, ts));
    };
  }

  if (q.aggregates.length > 0) {
    let stream: Stream<unknown, Row>;
    // Over a table, each record is a change: the row then an add (true) or retract (false) flag.
    const flagAt = src.table ? src.layout.length : -1;
    if (src.table) {
      if (q.window) throw new SqlError('Windowing not supported for table aggregations.');
      checkTableAggregates(q.aggregates);
      let table = src.table;
      if (q.where) {
        const p = safePredicate(q.where, src.layout, ctx, 'WHERE');
        table = table.filter((_k, row) => p(row));
      }
      stream = tableChanges(table, src.layout, sourceKeySerde(q.bindings[0]!.source), `${storePrefix}Aggregate-Prior`);
    } else {
      stream = src.stream!;
      if (q.where) {
        const p = safePredicate(q.where, src.layout, ctx, 'WHERE');
        stream = stream.filter((_k, row) => p(row));
      }
    }
    const groupEvals = q.groupBy!.map((g, i) => safeEvaluator(g, src.layout, ctx, `GROUP BY expression ${i + 1}`));
    const groupTypes = q.groupBy!.map((g) => g.type);
    const groupKeySerde = internalRowSerde(groupTypes) as Serde<Row>;
    // Only the aggregates' arguments (and, over a table, the add/retract flag) cross the
    // repartition topic, evaluated before it (as ksqlDB's pre-aggregate select does): the source
    // row, with every column and pseudo column, would cost its serialization both ways per record
    // for values the aggregation never reads.
    const argEvals = q.aggregates.flatMap((a) => a.args.map((e, i) => safeEvaluator(e, src.layout, ctx, `argument ${i + 1} of ${a.name}`)));
    const argTypes = q.aggregates.flatMap((a) => a.args.map((e) => e.type));
    const nargs = argEvals.length;
    const ng = groupEvals.length;
    const flagged = flagAt >= 0;
    const grouped = stream
      .map((_k, row): readonly [Row, Row] => {
        const key = new Array<unknown>(ng);
        for (let i = 0; i < ng; i++) key[i] = groupEvals[i]!(row);
        const args = new Array<unknown>(nargs + (flagged ? 1 : 0));
        for (let i = 0; i < nargs; i++) args[i] = argEvals[i]!(row);
        if (flagged) args[nargs] = row[flagAt];
        return [key, args];
      })
      .groupByKey({ key: groupKeySerde, value: internalRowSerde(flagged ? [...argTypes, BOOLEAN] : argTypes), name: `${storePrefix}Aggregate-GroupBy` });
    const impls = q.aggregates.map((a) => a.impl);
    // Each aggregate's arguments as a reused array (aggregate functions keep values, never the array).
    const argStarts: number[] = [];
    let offset = 0;
    for (const a of q.aggregates) {
      argStarts.push(offset);
      offset += a.args.length;
    }
    const argBuffers = q.aggregates.map((a) => new Array<unknown>(a.args.length));
    const init = (): Row => impls.map((i) => i.init());
    const add = (_k: unknown, args: Row, state: Row): Row => {
      const next = state.slice();
      const retract = flagged && args[nargs] === false;
      for (let i = 0; i < impls.length; i++) {
        const buf = argBuffers[i]!;
        const from = argStarts[i]!;
        for (let j = 0; j < buf.length; j++) buf[j] = args[from + j] ?? null;
        try {
          next[i] = retract ? impls[i]!.undo!(state[i], buf) : impls[i]!.add(state[i], buf);
        } catch (e) {
          ctx.log.error(ctx.queryId, `Error in aggregate ${q.aggregates[i]!.name}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      return next;
    };
    const stateSerde = internalRowSerde(impls.map((i) => i.stateType));
    const store = `${storePrefix}Aggregate-Aggregate-Materialize`;
    let table: Table<unknown, Row>;
    const w = q.window;
    if (!w) {
      table = grouped.aggregate(init, add, { value: stateSerde, store }) as Table<unknown, Row>;
    } else {
      const grace = w.graceMs ?? DEFAULT_GRACE_MS;
      if (w.type === 'SESSION') {
        const merge = (_k: unknown, a: Row, c: Row): Row => impls.map((impl, i) => impl.merge(a[i], c[i]));
        let sw = grouped.windowedBy(session(w.sizeMs, { grace }));
        if (q.emit === 'FINAL') sw = sw.emit('final');
        table = sw.aggregate(init, add, merge, { value: stateSerde, store }) as Table<unknown, Row>;
      } else {
        let tw = grouped.windowedBy(w.type === 'TUMBLING' ? tumbling(w.sizeMs, { grace }) : hopping(w.sizeMs, w.advanceMs ?? w.sizeMs, { grace }));
        if (q.emit === 'FINAL') tw = tw.emit('final');
        table = tw.aggregate(init, add, { value: stateSerde, store }) as Table<unknown, Row>;
      }
    }
    // The post-aggregation row: group keys, aggregate results, window bounds.
    const nk = groupTypes.length;
    const na = impls.length;
    const post = new RowLayout(
      [...groupTypes.map((_t, i) => keySlot(i)), ...impls.map((_i, j) => aggregateSlot(j)), WINDOWSTART_SLOT, WINDOWEND_SLOT],
      [...groupTypes, ...impls.map((i) => i.returns), BIGINT, BIGINT],
    );
    const sessionWindows = w?.type === 'SESSION';
    const project = projector(
      q.select.map((c) => c.expr),
      post,
      ctx,
      names,
    );
    // Without HAVING, the post-aggregation row is only read by the projection, which copies what
    // it needs: one scratch row serves every record (one allocation per result, not two).
    const scratch = q.having ? undefined : new Array<unknown>(nk + na + 2);
    const postRow = (state: Row, key: unknown): Row => {
      const row = scratch ?? new Array<unknown>(nk + na + 2);
      const wk = w ? (key as Windowed<Row>) : undefined;
      const k = wk ? wk.key : (key as Row);
      for (let i = 0; i < nk; i++) row[i] = k[i] ?? null;
      for (let j = 0; j < na; j++) {
        try {
          row[nk + j] = impls[j]!.result(state[j]);
        } catch {
          row[nk + j] = null;
        }
      }
      row[nk + na] = wk ? BigInt(wk.window.start) : null;
      row[nk + na + 1] = wk ? BigInt(sessionWindows ? wk.window.end - 1 : wk.window.end) : null;
      return row;
    };
    let projected: Table<unknown, Row>;
    const h = q.having ? safePredicate(q.having, post, ctx, 'HAVING') : undefined;
    if (h) {
      projected = table
        .mapValues(postRow)
        .filter((_k, row) => h(row))
        .mapValues((row) => project(row));
    } else {
      projected = table.mapValues((state, key) => project(postRow(state, key)));
    }
    const toSinkKey = (key: unknown): unknown => {
      if (!w) return shapeKey(key as Row);
      const wk = key as Windowed<Row>;
      return { key: shapeKey(wk.key), window: wk.window } satisfies Windowed<unknown>;
    };
    write(projected.toStream().map((k, v) => [toSinkKey(k), v] as const));
    const materialization: Materialization = {
      store,
      window: w ? { type: w.type, sizeMs: w.sizeMs } : undefined,
      // postRow's scratch row (no HAVING) is safe here too: project copies what it reads.
      row: (key, state) => {
        const p = postRow(state, key);
        return h && !h(p) ? undefined : project(p);
      },
    };
    return { stores: [store], columns, materialization };
  }

  if (src.table) {
    let table = src.table;
    if (q.where) {
      const p = safePredicate(q.where, src.layout, ctx, 'WHERE');
      table = table.filter((_k, row) => p(row));
    }
    const project = projector(
      q.select.map((c) => c.expr),
      src.layout,
      ctx,
      names,
    );
    write(table.mapValues((row) => project(row)).toStream());
    return { stores: [], columns };
  }

  let stream = src.stream!;
  let layout = src.layout;
  if (q.where) {
    const p = safePredicate(q.where, layout, ctx, 'WHERE');
    stream = stream.filter((_k, row) => p(row));
  }
  if (q.tableFunctions.length > 0) {
    const fs = q.tableFunctions.map((t) => {
      const args = t.args.map((a, i) => safeEvaluator(a, layout, ctx, `argument ${i + 1} of a table function`));
      return (row: Row): unknown[] => {
        try {
          const out = t.impl(...args.map((f) => f(row)));
          return Array.isArray(out) ? out : [];
        } catch (e) {
          ctx.log.error(ctx.queryId, `Error in table function: ${e instanceof Error ? e.message : String(e)}`);
          return [];
        }
      };
    });
    const width = layout.length;
    stream = stream.flatMapValues((row) => {
      const lists = fs.map((f) => f(row));
      const n = Math.max(0, ...lists.map((l) => l.length));
      const out: Row[] = [];
      for (let i = 0; i < n; i++) {
        const r = row.slice(0, width);
        for (const l of lists) r.push(i < l.length ? l[i] : null);
        out.push(r);
      }
      return out;
    });
    layout = layout.concat(
      new RowLayout(
        q.tableFunctions.map((t) => t.slot),
        q.tableFunctions.map((t) => t.type),
      ),
    );
  }
  const project = projector(
    q.select.map((c) => c.expr),
    layout,
    ctx,
    names,
  );
  // One key column (the common case): its value is the key, without a per-record array.
  const single = keyIndexes.length === 1 ? keyIndexes[0]! : -1;
  const keyed = stream.map((_k, row) => {
    const out = project(row);
    return [single >= 0 ? out[single] : shapeKey(keyIndexes.map((i) => out[i])), out] as const;
  });
  write(keyed as Stream<unknown, Row | null>);
  return { stores: [], columns };
}
