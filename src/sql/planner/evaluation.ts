// Evaluating compiled expressions inside a running query. As in ksqlDB, an expression that fails
// on a row (a bad cast, division by zero, a UDF exception) yields NULL for that column, or drops
// the row for a WHERE or HAVING clause, and the failure goes to the processing log; the query keeps
// running.

import type { TypedExpr } from '../analyzer/typed-expr.js';
import { compileExpression, type Evaluator, type Row } from '../compile/expression-compiler.js';
import type { RowLayout } from './row-layout.js';

export interface ProcessingLog {
  /** One failed evaluation or undecodable record of a query. */
  error(queryId: string, message: string): void;
}

export const silentLog: ProcessingLog = { error: () => {} };

export interface EvalContext {
  readonly queryId: string;
  readonly log: ProcessingLog;
}

/** An evaluator that returns null (and logs) instead of throwing. */
export function safeEvaluator(e: TypedExpr, layout: RowLayout, ctx: EvalContext, what: string): (row: Row) => unknown {
  const f: Evaluator = compileExpression(e, layout);
  if (e.op === 'slot' || e.op === 'const') return f;
  return (row) => {
    try {
      return f(row);
    } catch (err) {
      ctx.log.error(ctx.queryId, `Error computing ${what}: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  };
}

/** A predicate: true keeps the row; false, NULL and failures drop it. */
export function safePredicate(e: TypedExpr, layout: RowLayout, ctx: EvalContext, what: string): (row: Row) => boolean {
  const f = safeEvaluator(e, layout, ctx, what);
  return (row) => f(row) === true;
}

/** Evaluate several expressions into a new array. */
export function projector(exprs: readonly TypedExpr[], layout: RowLayout, ctx: EvalContext, names: readonly string[]): (row: Row) => Row {
  const fs = exprs.map((e, i) => safeEvaluator(e, layout, ctx, `column ${names[i] ?? i}`));
  const n = fs.length;
  switch (n) {
    case 1: {
      const a = fs[0]!;
      return (row) => [a(row)];
    }
    case 2: {
      const [a, b] = fs as [(r: Row) => unknown, (r: Row) => unknown];
      return (row) => [a(row), b(row)];
    }
    case 3: {
      const [a, b, c] = fs as [(r: Row) => unknown, (r: Row) => unknown, (r: Row) => unknown];
      return (row) => [a(row), b(row), c(row)];
    }
    default:
      return (row) => {
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = fs[i]!(row);
        return out;
      };
  }
}
