// Expressions after analysis: every node has its SQL type, every column reference is resolved to a
// slot name the planner maps to a row position, every operator and function call is resolved to
// the JavaScript function that evaluates it (implicit casts are explicit calls by now). Compiling
// (compile/expression-compiler.ts) turns this tree into closures over rows.

import type { SqlType } from '../types/sql-type.js';

/** Evaluates a call. Unless `nullSafe`, it only sees non-null arguments (a null argument makes the result null). */
export type Impl = (...args: unknown[]) => unknown;

export type TypedExpr =
  | { readonly op: 'const'; readonly type: SqlType; readonly value: unknown }
  /** A value from the row: `slot` names it (a column, an aggregate result, a window bound). */
  | { readonly op: 'slot'; readonly type: SqlType; readonly slot: string }
  | { readonly op: 'lambdaVar'; readonly type: SqlType; readonly name: string }
  | { readonly op: 'call'; readonly type: SqlType; readonly name: string; readonly impl: Impl; readonly args: readonly TypedExpr[]; readonly nullSafe: boolean }
  /** A lambda argument: compiled to a JavaScript function of its parameters. */
  | { readonly op: 'lambda'; readonly type: SqlType; readonly params: readonly string[]; readonly body: TypedExpr }
  | { readonly op: 'and' | 'or'; readonly type: SqlType; readonly args: readonly TypedExpr[] }
  | { readonly op: 'not'; readonly type: SqlType; readonly arg: TypedExpr }
  | { readonly op: 'isNull'; readonly type: SqlType; readonly arg: TypedExpr; readonly negated: boolean }
  | {
      readonly op: 'case';
      readonly type: SqlType;
      readonly whens: ReadonlyArray<{ readonly when: TypedExpr; readonly then: TypedExpr }>;
      readonly otherwise: TypedExpr | undefined;
    };

/** Every slot an expression reads. */
export function slotsOf(e: TypedExpr, out: Set<string> = new Set()): Set<string> {
  switch (e.op) {
    case 'slot':
      out.add(e.slot);
      break;
    case 'call':
    case 'and':
    case 'or':
      for (const a of e.args) slotsOf(a, out);
      break;
    case 'lambda':
      slotsOf(e.body, out);
      break;
    case 'not':
    case 'isNull':
      slotsOf(e.arg, out);
      break;
    case 'case':
      for (const w of e.whens) {
        slotsOf(w.when, out);
        slotsOf(w.then, out);
      }
      if (e.otherwise) slotsOf(e.otherwise, out);
      break;
    default:
      break;
  }
  return out;
}
