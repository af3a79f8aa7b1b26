// The invocation functions that take lambdas (lambda-functions.md): TRANSFORM, FILTER and REDUCE
// over arrays and maps. The lambda's parameter types come from the collection (and REDUCE's
// initial state), so these are typed here rather than through the registry's overloads.

import { SqlError } from '../errors.js';
import type { Expression } from '../parser/ast.js';
import { formatExpression } from '../parser/formatter.js';
import { array, BOOLEAN, formatType, map, type SqlType } from '../types/sql-type.js';
import type { Impl, TypedExpr } from './typed-expr.js';

/** What lambda analysis needs of the expression analyzer (an interface, so the two modules do not import each other). */
export interface LambdaAnalyzer {
  analyze(e: Expression): TypedExpr;
  withLambdaScope<T>(params: ReadonlyMap<string, SqlType>, body: () => T): T;
  coerce(e: TypedExpr, target: SqlType, written: Expression): TypedExpr;
}

export const LAMBDA_FUNCTIONS = new Set(['TRANSFORM', 'FILTER', 'REDUCE']);

type Call = Extract<Expression, { kind: 'call' }>;
type Lambda = Extract<Expression, { kind: 'lambda' }>;
type Fn = (...args: unknown[]) => unknown;

function lambdaArg(e: Call, i: number, arity: number): Lambda {
  const a = e.args[i];
  if (!a || a.kind !== 'lambda') throw new SqlError(`Function '${e.name}' expects a lambda as argument ${i + 1}: ${formatExpression(e)}`);
  if (a.params.length !== arity) throw new SqlError(`Lambda in ${e.name.toUpperCase()} takes ${arity} argument(s), got ${a.params.length}: ${formatExpression(a)}`);
  return a;
}

function typedLambda(an: LambdaAnalyzer, l: Lambda, types: readonly SqlType[]): TypedExpr & { op: 'lambda' } {
  const scope = new Map(l.params.map((p, i) => [p, types[i]!]));
  const body = an.withLambdaScope(scope, () => an.analyze(l.body));
  return { op: 'lambda', type: body.type, params: l.params, body };
}

export function analyzeLambdaCall(an: LambdaAnalyzer, e: Call): TypedExpr {
  const name = e.name.toUpperCase();
  const expected = name === 'REDUCE' ? 3 : name === 'TRANSFORM' && e.args.length === 3 ? 3 : 2;
  if (e.args.length !== expected && !(name === 'TRANSFORM' && e.args.length === 2)) {
    throw new SqlError(`Function '${e.name}' does not accept ${e.args.length} arguments: ${formatExpression(e)}`);
  }
  const collection = an.analyze(e.args[0]!);
  const t = collection.type;
  if (t.base !== 'ARRAY' && t.base !== 'MAP') throw new SqlError(`Function '${e.name}' does not accept parameters (${formatType(t)}, LAMBDA).`);
  if (name === 'TRANSFORM') {
    if (t.base === 'ARRAY') {
      const f = typedLambda(an, lambdaArg(e, 1, 1), [t.element]);
      const impl: Impl = (arr, fn) => (arr as unknown[]).map((x) => (fn as Fn)(x));
      return { op: 'call', type: array(f.type), name, impl, args: [collection, f], nullSafe: false };
    }
    const kf = typedLambda(an, lambdaArg(e, 1, 2), [t.key, t.value]);
    const vf = typedLambda(an, lambdaArg(e, 2, 2), [t.key, t.value]);
    const impl: Impl = (m, fk, fv) => {
      const out = new Map<unknown, unknown>();
      for (const [k, v] of m as Map<unknown, unknown>) out.set((fk as Fn)(k, v), (fv as Fn)(k, v));
      return out;
    };
    return { op: 'call', type: map(kf.type, vf.type), name, impl, args: [collection, kf, vf], nullSafe: false };
  }
  if (name === 'FILTER') {
    const types = t.base === 'ARRAY' ? [t.element] : [t.key, t.value];
    const f = typedLambda(an, lambdaArg(e, 1, types.length), types);
    if (f.type.base !== 'BOOLEAN') throw new SqlError(`The lambda of FILTER must return BOOLEAN, not ${formatType(f.type)}: ${formatExpression(e)}`);
    if (t.base === 'ARRAY') {
      const impl: Impl = (arr, fn) => (arr as unknown[]).filter((x) => (fn as Fn)(x) === true);
      return { op: 'call', type: t, name, impl, args: [collection, f], nullSafe: false };
    }
    const impl: Impl = (m, fn) => {
      const out = new Map<unknown, unknown>();
      for (const [k, v] of m as Map<unknown, unknown>) if ((fn as Fn)(k, v) === true) out.set(k, v);
      return out;
    };
    return { op: 'call', type: t, name, impl, args: [collection, f], nullSafe: false };
  }
  // REDUCE(collection, initial, (state, x) => ...) or (state, k, v) => ...
  const initial = an.analyze(e.args[1]!);
  if (initial.type.base === 'NULL') throw new SqlError(`The initial state of REDUCE cannot be NULL: ${formatExpression(e)}`);
  const types = t.base === 'ARRAY' ? [initial.type, t.element] : [initial.type, t.key, t.value];
  const f = typedLambda(an, lambdaArg(e, 2, types.length), types);
  const body = an.coerce(f.body, initial.type, lambdaArg(e, 2, types.length).body);
  const reducer: TypedExpr = { op: 'lambda', type: initial.type, params: f.params, body };
  const impl: Impl =
    t.base === 'ARRAY'
      ? (arr, init, fn) => (arr as unknown[]).reduce((s, x) => (fn as Fn)(s, x), init)
      : (m, init, fn) => {
          let s = init;
          for (const [k, v] of m as Map<unknown, unknown>) s = (fn as Fn)(s, k, v);
          return s;
        };
  void BOOLEAN;
  return { op: 'call', type: initial.type, name, impl, args: [collection, initial, reducer], nullSafe: false };
}
