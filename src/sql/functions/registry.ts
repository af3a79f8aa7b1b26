// The function registry: scalar functions (UDFs), aggregate functions (UDAFs) and table functions
// (UDTFs), built-in or registered by the user. A function has overloads; an overload decides from
// the argument types whether it applies (possibly after implicit coercion of the arguments) and
// what it returns. Resolution follows ksqlDB: an overload taking the exact argument types wins,
// then one reachable by implicit coercion; two equally good candidates are ambiguous.

import { SqlError } from '../errors.js';
import { canCoerce } from '../types/coercion.js';
import { formatType, typesEqual, type SqlType } from '../types/sql-type.js';
import type { Impl } from '../analyzer/typed-expr.js';

/** A parameter: a concrete type, or a test with a description for DESCRIBE FUNCTION. */
export type ParamSpec = SqlType | { readonly accepts: (t: SqlType) => boolean; readonly describe: string; readonly exactOnly?: boolean };

export interface Overload {
  readonly params: readonly ParamSpec[];
  /** The last parameter repeats (zero or more times). */
  readonly variadic?: boolean;
  readonly returns: SqlType | ((args: readonly SqlType[]) => SqlType);
  /** The evaluator; or `build` makes one from the argument types (after coercion to `params`). */
  readonly impl?: Impl;
  readonly build?: (args: readonly SqlType[]) => Impl;
  /** The implementation sees null arguments (COALESCE, CONCAT...); otherwise any null argument gives null. */
  readonly nullSafe?: boolean;
  /** Coerce every argument to the return type (COALESCE, IFNULL: arguments of one common type). */
  readonly unify?: boolean;
  readonly description?: string;
}

export interface ScalarFunction {
  readonly name: string;
  readonly description: string;
  readonly category: string;
  readonly overloads: readonly Overload[];
}

export interface ResolvedCall {
  readonly returns: SqlType;
  readonly impl: Impl;
  readonly nullSafe: boolean;
  /** The type each argument must be coerced to (undefined: leave as is). */
  readonly coerceTo: ReadonlyArray<SqlType | undefined>;
}

/** Aggregate state is any JSON-able or SQL value; `stateType` tells the changelog how to serialize it. */
export interface AggregateImpl {
  readonly returns: SqlType;
  readonly stateType: SqlType;
  init(): unknown;
  add(state: unknown, args: readonly unknown[]): unknown;
  /** Retract a value (aggregations over tables); undefined where the function cannot. */
  readonly undo?: (state: unknown, args: readonly unknown[]) => unknown;
  /** Merge two states (session windows). */
  merge(a: unknown, b: unknown): unknown;
  result(state: unknown): unknown;
}

export interface AggregateFunction {
  readonly name: string;
  readonly description: string;
  /**
   * `argTypes` are the column arguments' types; `literals` the values of trailing literal
   * arguments (TOPK's k, LATEST_BY_OFFSET's n). Undefined when the arguments do not fit.
   */
  resolve(argTypes: readonly SqlType[], literals: readonly unknown[]): AggregateImpl | undefined;
  /** How many leading arguments are per-row columns (the rest must be literals). Default 1. */
  readonly columnArgs?: (argCount: number) => number;
  readonly signatures: readonly string[];
}

export interface TableFunction {
  readonly name: string;
  readonly description: string;
  resolve(argTypes: readonly SqlType[]): { returns: SqlType; impl: (...args: unknown[]) => unknown[] } | undefined;
  readonly signatures: readonly string[];
}

function accepts(spec: ParamSpec, t: SqlType, exact: boolean): boolean {
  if ('accepts' in spec) return t.base === 'NULL' ? !spec.exactOnly : spec.accepts(t);
  return exact ? typesEqual(spec, t) : canCoerce(t, spec);
}

function paramAt(o: Overload, i: number): ParamSpec | undefined {
  if (i < o.params.length - (o.variadic ? 1 : 0)) return o.params[i];
  return o.variadic ? o.params[o.params.length - 1] : undefined;
}

function applies(o: Overload, args: readonly SqlType[], exact: boolean): boolean {
  const fixed = o.params.length - (o.variadic ? 1 : 0);
  if (args.length < fixed || (!o.variadic && args.length !== o.params.length)) return false;
  return args.every((t, i) => accepts(paramAt(o, i)!, t, exact));
}

export function describeParam(p: ParamSpec): string {
  return 'accepts' in p ? p.describe : formatType(p);
}

export function signature(name: string, o: Overload): string {
  const params = o.params.map((p, i) => describeParam(p) + (o.variadic && i === o.params.length - 1 ? '...' : ''));
  return `${name}(${params.join(', ')})`;
}

function typeList(args: readonly SqlType[]): string {
  return args.map((t) => (t.base === 'NULL' ? 'null' : formatType(t))).join(', ');
}

export function resolveScalar(fn: ScalarFunction, args: readonly SqlType[], writtenName: string): ResolvedCall {
  let chosen = fn.overloads.find((o) => applies(o, args, true));
  if (!chosen) {
    const candidates = fn.overloads.filter((o) => applies(o, args, false));
    if (candidates.length > 1 && !candidates.every((c) => c === candidates[0])) {
      // Prefer a single candidate whose concrete parameters are all equal to the others' widest.
      const concrete = candidates.filter((c) => c.params.every((p) => !('accepts' in p)));
      if (concrete.length !== 1) {
        throw new SqlError(`Function '${writtenName}' cannot be resolved due to ambiguous method parameters (${typeList(args)}).`);
      }
      chosen = concrete[0];
    } else {
      chosen = candidates[0];
    }
  }
  if (!chosen) {
    const alternatives = fn.overloads.map((o) => signature(writtenName, o)).join('\n');
    throw new SqlError(`Function '${writtenName}' does not accept parameters (${typeList(args)}).\nValid alternatives are:\n${alternatives}`);
  }
  const o = chosen;
  const coerceTo = args.map((t, i) => {
    const p = paramAt(o, i)!;
    return 'accepts' in p || typesEqual(p, t) ? undefined : p;
  });
  const effective = args.map((t, i) => coerceTo[i] ?? t);
  const returns = typeof o.returns === 'function' ? o.returns(effective) : o.returns;
  if (o.unify) {
    for (let i = 0; i < args.length; i++) {
      if (!typesEqual(args[i]!, returns)) {
        coerceTo[i] = returns;
        effective[i] = returns;
      }
    }
  }
  const impl = o.build ? o.build(effective) : o.impl!;
  return { returns, impl, nullSafe: o.nullSafe === true, coerceTo };
}

export class FunctionRegistry {
  private readonly scalars = new Map<string, ScalarFunction>();
  private readonly aggregates = new Map<string, AggregateFunction>();
  private readonly tables = new Map<string, TableFunction>();

  addScalar(fn: ScalarFunction): void {
    const name = fn.name.toUpperCase();
    const existing = this.scalars.get(name);
    // A user function with a built-in's name adds overloads to it.
    this.scalars.set(name, existing ? { ...existing, overloads: [...existing.overloads, ...fn.overloads] } : { ...fn, name });
  }

  addAggregate(fn: AggregateFunction): void {
    this.aggregates.set(fn.name.toUpperCase(), fn);
  }

  addTable(fn: TableFunction): void {
    this.tables.set(fn.name.toUpperCase(), fn);
  }

  scalar(name: string): ScalarFunction | undefined {
    return this.scalars.get(name.toUpperCase());
  }

  aggregate(name: string): AggregateFunction | undefined {
    return this.aggregates.get(name.toUpperCase());
  }

  table(name: string): TableFunction | undefined {
    return this.tables.get(name.toUpperCase());
  }

  isAggregate(name: string): boolean {
    return this.aggregates.has(name.toUpperCase());
  }

  list(): Array<{ name: string; type: 'SCALAR' | 'AGGREGATE' | 'TABLE'; category: string }> {
    const out: Array<{ name: string; type: 'SCALAR' | 'AGGREGATE' | 'TABLE'; category: string }> = [];
    for (const f of this.scalars.values()) out.push({ name: f.name, type: 'SCALAR', category: f.category });
    for (const f of this.aggregates.values()) out.push({ name: f.name, type: 'AGGREGATE', category: 'AGGREGATE' });
    for (const f of this.tables.values()) out.push({ name: f.name, type: 'TABLE', category: 'TABLE' });
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
