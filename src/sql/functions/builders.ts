// Small helpers for declaring built-in functions: parameter patterns (any array, any map, any
// numeric, ...) and overload shorthands.

import type { Impl } from '../analyzer/typed-expr.js';
import { isNumeric, type SqlType } from '../types/sql-type.js';
import type { Overload, ParamSpec, ScalarFunction } from './registry.js';

export const ANY: ParamSpec = { accepts: () => true, describe: 'T' };
export const ANY_ARRAY: ParamSpec = { accepts: (t) => t.base === 'ARRAY', describe: 'ARRAY<T>' };
export const ANY_MAP: ParamSpec = { accepts: (t) => t.base === 'MAP', describe: 'MAP<K, V>' };
export const ANY_STRUCT: ParamSpec = { accepts: (t) => t.base === 'STRUCT', describe: 'STRUCT' };
export const ANY_DECIMAL: ParamSpec = { accepts: (t) => t.base === 'DECIMAL', describe: 'DECIMAL', exactOnly: true };
export const NUMERIC: ParamSpec = { accepts: isNumeric, describe: 'NUMBER' };
export const PRIMITIVE: ParamSpec = { accepts: (t) => t.base !== 'ARRAY' && t.base !== 'MAP' && t.base !== 'STRUCT', describe: 'T' };

export function arrayOf(pred: (t: SqlType) => boolean, describe: string): ParamSpec {
  return { accepts: (t) => t.base === 'ARRAY' && pred(t.element), describe: `ARRAY<${describe}>` };
}

export function scalar(name: string, category: string, description: string, overloads: Overload[]): ScalarFunction {
  return { name, category, description, overloads };
}

export function over(params: ParamSpec[], returns: Overload['returns'], impl: Impl, extra: Partial<Overload> = {}): Overload {
  return { params, returns, impl, ...extra };
}

/** The type of argument `i` as the return type. */
export function argType(i: number): (args: readonly SqlType[]) => SqlType {
  return (args) => args[i]!;
}

export function elementOf(i: number): (args: readonly SqlType[]) => SqlType {
  return (args) => {
    const t = args[i]!;
    return t.base === 'ARRAY' ? t.element : t;
  };
}
