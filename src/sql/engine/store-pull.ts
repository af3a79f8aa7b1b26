// Pull queries served from the state store of the persistent query that materializes a table
// (ksqlDB's pull queries on a CTAS aggregation). The WHERE clause picks the access path:
//   key lookup   every key column compared `=` to a literal (or `IN (...)` for a single key);
//   table scan   anything else (key ranges included: the store orders keys by their serialized
//                bytes, not by SQL value), refused unless 'ksql.query.pull.table.scan.enabled';
// and, for time-windowed tables, WINDOWSTART bounds (`=`, `>=`, `>`, `<=`, `<`, BETWEEN) narrow the
// windows fetched. The whole WHERE clause is then applied to every row fetched, so the access
// path only ever narrows what is read, never what is answered.

import type { RunningApp, Windowed } from '../../streams/index.js';
import type { AnalyzedQuery } from '../analyzer/analyzed-query.js';
import type { TypedExpr } from '../analyzer/typed-expr.js';
import { keyColumns, type Column } from '../catalog/data-source.js';
import { SqlError } from '../errors.js';
import type { Row } from '../formats/format.js';
import { projector, safePredicate, type EvalContext } from '../planner/evaluation.js';
import type { Materialization } from '../planner/query-planner.js';
import { sourceLayout } from '../planner/source-step.js';
import type { RowSink } from './transient-query.js';

export const TABLE_SCAN_DISABLED = 'Query requires table scan to be enabled. Table scans can be enabled by setting ksql.query.pull.table.scan.enabled=true';

export interface StorePullInput {
  readonly queryId: string;
  readonly query: AnalyzedQuery;
  readonly running: RunningApp;
  readonly materialization: Materialization;
  /** The persistent query's result columns in SELECT order (the names the table's columns have). */
  readonly columns: readonly Column[];
  readonly scanEnabled: boolean;
  readonly ctx: EvalContext;
}

interface Constraints {
  /** Per key column: the values it must equal (several for IN). */
  readonly keyValues: Map<string, unknown[]>;
  windowFrom: number;
  windowTo: number;
}

function conjuncts(e: TypedExpr | undefined): TypedExpr[] {
  if (!e) return [];
  if (e.op === 'and') return e.args.flatMap(conjuncts);
  return [e];
}

const FLIP: Record<string, string> = { EQUAL: 'EQUAL', LESS_THAN: 'GREATER_THAN', LESS_THAN_OR_EQUAL: 'GREATER_THAN_OR_EQUAL', GREATER_THAN: 'LESS_THAN', GREATER_THAN_OR_EQUAL: 'LESS_THAN_OR_EQUAL' };

/** The slot and constant of `slot op const` (or `const op slot`, flipped). */
function comparison(e: TypedExpr): { slot: string; op: string; value: unknown } | undefined {
  if (e.op !== 'call' || !(e.name in FLIP) || e.args.length !== 2) return undefined;
  const [l, r] = e.args as [TypedExpr, TypedExpr];
  if (l.op === 'slot' && r.op === 'const') return { slot: l.slot, op: e.name, value: r.value };
  if (r.op === 'slot' && l.op === 'const') return { slot: r.slot, op: FLIP[e.name]!, value: l.value };
  return undefined;
}

function constraints(q: AnalyzedQuery, keySlots: readonly string[], windowStartSlot: string): Constraints {
  const out: Constraints = { keyValues: new Map(), windowFrom: 0, windowTo: Number.MAX_SAFE_INTEGER };
  for (const c of conjuncts(q.where)) {
    if (c.op === 'call' && c.name === 'IN' && c.args[0]!.op === 'slot' && keySlots.includes(c.args[0]!.slot) && c.args.slice(1).every((a) => a.op === 'const')) {
      out.keyValues.set(c.args[0]!.slot, c.args.slice(1).map((a) => (a as Extract<TypedExpr, { op: 'const' }>).value));
      continue;
    }
    const cmp = comparison(c);
    if (!cmp || cmp.value === null) continue;
    if (cmp.op === 'EQUAL' && keySlots.includes(cmp.slot)) out.keyValues.set(cmp.slot, [cmp.value]);
    if (cmp.slot === windowStartSlot) {
      const t = Number(cmp.value);
      if (cmp.op === 'EQUAL' || cmp.op.startsWith('GREATER')) out.windowFrom = Math.max(out.windowFrom, t);
      if (cmp.op === 'EQUAL' || cmp.op.startsWith('LESS')) out.windowTo = Math.min(out.windowTo, t);
    }
  }
  return out;
}

/** Every combination of the key columns' values: the keys to look up. */
function keysOf(values: ReadonlyArray<readonly unknown[]>): Row[] {
  let out: Row[] = [[]];
  for (const vs of values) out = out.flatMap((prefix) => vs.map((v) => [...prefix, v]));
  return out;
}

export async function runStorePull(input: StorePullInput, sink: RowSink): Promise<void> {
  const q = input.query;
  const b = q.bindings[0]!;
  const m = input.materialization;
  const layout = sourceLayout(b);
  const keys = keyColumns(b.source);
  const keySlots = keys.map((k) => `${b.alias}.${k.name}`);
  const c = constraints(q, keySlots, `${b.alias}.WINDOWSTART`);
  const lookup = keySlots.every((s) => c.keyValues.has(s));
  if (!lookup && !input.scanEnabled) throw new SqlError(TABLE_SCAN_DISABLED);

  await input.running.ready;
  // Entries of the store as (key, state); time-windowed keys carry their window.
  const entries: Array<[unknown, Row]> = [];
  const size = m.window?.sizeMs ?? 0;
  if (!m.window) {
    if (lookup) {
      for (const key of keysOf(keySlots.map((s) => c.keyValues.get(s)!))) {
        const r = await input.running.query<Row, Row>(m.store, key);
        if (r.value !== undefined && r.value !== null) entries.push([key, r.value]);
      }
    } else {
      for (const e of (await input.running.queryRange<Row, Row>(m.store)).entries) entries.push(e);
    }
  } else if (m.window.type !== 'SESSION') {
    if (lookup) {
      for (const key of keysOf(keySlots.map((s) => c.keyValues.get(s)!))) {
        const r = await input.running.queryWindows<Row, Row>(m.store, key, c.windowFrom, c.windowTo);
        for (const [start, state] of r.value ?? []) entries.push([{ key, window: { start, end: start + size } } satisfies Windowed<Row>, state]);
      }
    } else {
      for (const e of (await input.running.queryWindowRange<Row, Row>(m.store, c.windowFrom, c.windowTo)).entries) entries.push([{ key: e.key, window: { start: e.start, end: e.start + size } }, e.value]);
    }
  } else {
    throw new SqlError('Session-windowed tables are read from their topic, not their store');
  }

  // The table's row (its columns by name, window bounds, pseudo columns) for the pull query's own WHERE and SELECT.
  const place = input.columns.map((col) => (layout.has(`${b.alias}.${col.name}`) ? layout.slotIndex(`${b.alias}.${col.name}`) : -1));
  const ws = layout.has(`${b.alias}.WINDOWSTART`) ? layout.slotIndex(`${b.alias}.WINDOWSTART`) : -1;
  const we = layout.has(`${b.alias}.WINDOWEND`) ? layout.slotIndex(`${b.alias}.WINDOWEND`) : -1;
  const where = q.where ? safePredicate(q.where, layout, input.ctx, 'WHERE') : undefined;
  const names = q.select.map((s) => s.name);
  const project = projector(
    q.select.map((s) => s.expr),
    layout,
    input.ctx,
    names,
  );
  const rows: Row[] = [];
  for (const [key, state] of entries) {
    const result = m.row(key, state);
    if (!result) continue;
    const row = new Array<unknown>(layout.length).fill(null);
    for (let i = 0; i < place.length; i++) if (place[i]! >= 0) row[place[i]!] = result[i] ?? null;
    if (m.window) {
      const w = (key as Windowed<Row>).window;
      if (ws >= 0) row[ws] = BigInt(w.start);
      if (we >= 0) row[we] = BigInt(w.end);
    }
    if (where && !where(row)) continue;
    rows.push(project(row));
  }
  sink.header(input.queryId, q.select.map((s) => ({ name: s.name, type: s.type, kind: s.isKey ? 'KEY' : 'VALUE' })));
  const limit = q.limit ?? Infinity;
  for (let i = 0; i < rows.length && i < limit; i++) sink.row(rows[i]!);
}
