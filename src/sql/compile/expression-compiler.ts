// TypedExpr -> a closure over a row array. Slots are bound to row positions when compiling, so
// evaluation is array reads and direct calls: no maps, no name lookups, no allocation beyond what
// the functions themselves return. Calls are specialised by arity to avoid argument arrays.
// Three-valued logic: AND is false if either side is false, NULL if either is NULL, else true.

import type { TypedExpr } from '../analyzer/typed-expr.js';

export type Row = unknown[];
export type Evaluator = (row: Row, env?: unknown[]) => unknown;

export interface CompileContext {
  /** Row position of a slot; throws if the slot is not in this row. */
  slotIndex(slot: string): number;
}

export function compileExpression(e: TypedExpr, ctx: CompileContext): Evaluator {
  return compile(e, ctx, new Map());
}

function compile(e: TypedExpr, ctx: CompileContext, vars: ReadonlyMap<string, number>): Evaluator {
  switch (e.op) {
    case 'const': {
      const v = e.value;
      return () => v;
    }
    case 'slot': {
      const i = ctx.slotIndex(e.slot);
      return (row) => row[i] ?? null;
    }
    case 'lambdaVar': {
      const i = vars.get(e.name);
      if (i === undefined) throw new RangeError(`lambda variable ${e.name} is not in scope`);
      return (_row, env) => env![i] ?? null;
    }
    case 'lambda': {
      const base = vars.size;
      const inner = new Map(vars);
      e.params.forEach((p, k) => inner.set(p, base + k));
      const body = compile(e.body, ctx, inner);
      return (row, env) =>
        (...args: unknown[]) => {
          const next = env ? env.slice(0, base) : [];
          for (let k = 0; k < args.length; k++) next[base + k] = args[k] ?? null;
          return body(row, next);
        };
    }
    case 'not': {
      const a = compile(e.arg, ctx, vars);
      return (row, env) => {
        const v = a(row, env);
        return v === null ? null : !v;
      };
    }
    case 'isNull': {
      const a = compile(e.arg, ctx, vars);
      return e.negated ? (row, env) => a(row, env) !== null : (row, env) => a(row, env) === null;
    }
    case 'and':
    case 'or': {
      const [l, r] = e.args.map((x) => compile(x, ctx, vars)) as [Evaluator, Evaluator];
      if (e.op === 'and') {
        return (row, env) => {
          const a = l(row, env);
          if (a === false) return false;
          const b = r(row, env);
          if (b === false) return false;
          return a === null || b === null ? null : true;
        };
      }
      return (row, env) => {
        const a = l(row, env);
        if (a === true) return true;
        const b = r(row, env);
        if (b === true) return true;
        return a === null || b === null ? null : false;
      };
    }
    case 'case': {
      const whens = e.whens.map((w) => ({ when: compile(w.when, ctx, vars), then: compile(w.then, ctx, vars) }));
      const otherwise = e.otherwise ? compile(e.otherwise, ctx, vars) : undefined;
      return (row, env) => {
        for (const w of whens) if (w.when(row, env) === true) return w.then(row, env);
        return otherwise ? otherwise(row, env) : null;
      };
    }
    case 'call':
      return compileCall(e, ctx, vars);
  }
}

function compileCall(e: Extract<TypedExpr, { op: 'call' }>, ctx: CompileContext, vars: ReadonlyMap<string, number>): Evaluator {
  const f = e.impl;
  const args = e.args.map((a) => compile(a, ctx, vars));
  const safe = e.nullSafe;
  const normal = (v: unknown): unknown => (v === undefined ? null : v);
  switch (args.length) {
    case 0:
      return () => normal(f());
    case 1: {
      const a = args[0]!;
      if (safe) return (row, env) => normal(f(a(row, env)));
      return (row, env) => {
        const x = a(row, env);
        return x === null ? null : normal(f(x));
      };
    }
    case 2: {
      const [a, b] = args as [Evaluator, Evaluator];
      if (safe) return (row, env) => normal(f(a(row, env), b(row, env)));
      return (row, env) => {
        const x = a(row, env);
        if (x === null) return null;
        const y = b(row, env);
        return y === null ? null : normal(f(x, y));
      };
    }
    case 3: {
      const [a, b, c] = args as [Evaluator, Evaluator, Evaluator];
      if (safe) return (row, env) => normal(f(a(row, env), b(row, env), c(row, env)));
      return (row, env) => {
        const x = a(row, env);
        if (x === null) return null;
        const y = b(row, env);
        if (y === null) return null;
        const z = c(row, env);
        return z === null ? null : normal(f(x, y, z));
      };
    }
    default:
      return (row, env) => {
        const values = args.map((a) => a(row, env));
        if (!safe && values.some((v) => v === null)) return null;
        return normal(f(...values));
      };
  }
}
