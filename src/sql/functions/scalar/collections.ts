// Array and map functions (scalar-functions.md, "Collections"). Arrays are JavaScript arrays and
// maps are Map instances; element equality is SQL value equality (values.ts), so arrays of structs
// or decimals compare by value. NULL elements are kept where ksqlDB keeps them.

import { SqlError } from '../../errors.js';
import { canCoerce, commonType } from '../../types/coercion.js';
import { array, BOOLEAN, INTEGER, isPrimitive, map, STRING, struct, type ArrayType, type MapType, type SqlType } from '../../types/sql-type.js';
import { compareValues, newStruct, toSqlString, valueKey, valuesEqual } from '../../types/values.js';
import { ANY, ANY_ARRAY, ANY_MAP, argType, over, scalar } from '../builders.js';
import type { ScalarFunction } from '../registry.js';

type A = unknown[];
type M = Map<unknown, unknown>;

function distinct(xs: readonly unknown[]): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const x of xs) {
    const k = valueKey(x);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(x);
    }
  }
  return out;
}

/** Two array arguments with one common element type. */
function twoArrays(name: string, description: string, f: (a: A, b: A) => A, nullSafe = false): ScalarFunction {
  return scalar(name, 'COLLECTIONS', description, [
    {
      params: [ANY_ARRAY, ANY_ARRAY],
      returns: (args) => {
        const t = commonType(args);
        if (!t || t.base !== 'ARRAY') throw new SqlError(`Function '${name}' does not accept parameters (${args.map((a) => a.base).join(', ')}).`);
        return t;
      },
      impl: (a, b) => f(a as A, b as A),
      nullSafe,
    },
  ]);
}

const PRIMITIVE_ARRAY = { accepts: (t: SqlType) => t.base === 'ARRAY' && isPrimitive(t.element), describe: 'ARRAY<T>' };

function sortArray(xs: A, descending: boolean): A {
  const values: unknown[] = xs.filter((x) => x !== null);
  const nulls = xs.length - values.length;
  values.sort((a, b) => (descending ? compareValues(b, a) : compareValues(a, b)));
  for (let i = 0; i < nulls; i++) values.push(null);
  return values;
}

function arrayExtreme(xs: A, sign: number): unknown {
  let best: unknown = null;
  for (const x of xs) if (x !== null && (best === null || compareValues(x, best) * sign > 0)) best = x;
  return best;
}

function entries(m: M, sorted: boolean, valueType: SqlType): unknown[] {
  void valueType;
  const list = [...m.entries()];
  if (sorted) list.sort((a, b) => compareValues(a[0], b[0]));
  return list.map(([k, v]) => {
    const s = newStruct();
    s.K = k;
    s.V = v;
    return s;
  });
}

export const collectionFunctions: ScalarFunction[] = [
  twoArrays('ARRAY_CONCAT', 'The concatenation of two arrays; NULL only if both are NULL.', (a, b) => (a === null ? b : b === null ? a : [...a, ...b]), true),
  twoArrays('ARRAY_EXCEPT', 'The distinct elements of the first array not in the second.', (a, b) => {
    const drop = new Set(b.map(valueKey));
    return distinct(a).filter((x) => !drop.has(valueKey(x)));
  }),
  twoArrays('ARRAY_INTERSECT', 'The distinct elements present in both arrays.', (a, b) => {
    const keep = new Set(b.map(valueKey));
    return distinct(a).filter((x) => keep.has(valueKey(x)));
  }),
  twoArrays('ARRAY_UNION', 'The distinct elements of both arrays.', (a, b) => distinct([...a, ...b])),
  scalar('ARRAY_CONTAINS', 'COLLECTIONS', 'Whether the array contains the value.', [
    {
      params: [ANY_ARRAY, ANY],
      returns: BOOLEAN,
      nullSafe: true,
      impl: (a, v) => (a === null ? false : (a as A).some((x) => (x === null ? v === null : v !== null && valuesEqual(x, v)))),
    },
  ]),
  scalar('ARRAY_DISTINCT', 'COLLECTIONS', 'The distinct elements, in order of first occurrence.', [over([ANY_ARRAY], argType(0), (a) => distinct(a as A))]),
  scalar('ARRAY_JOIN', 'COLLECTIONS', 'The elements as a string, separated by a delimiter (default ",").', [
    { params: [PRIMITIVE_ARRAY], returns: STRING, build: (t) => joiner((t[0] as ArrayType).element, ','), impl: undefined },
    {
      params: [PRIMITIVE_ARRAY, STRING],
      returns: STRING,
      nullSafe: true,
      build: (t) => {
        const el = (t[0] as ArrayType).element;
        return (a, d) => (a === null ? null : joiner(el, (d as string | null) ?? '')(a));
      },
    },
  ]),
  scalar('ARRAY_LENGTH', 'COLLECTIONS', 'The number of elements.', [over([ANY_ARRAY], INTEGER, (a) => (a as A).length)]),
  scalar('ARRAY_MAX', 'COLLECTIONS', 'The largest non-null element.', [{ params: [PRIMITIVE_ARRAY], returns: (t) => (t[0] as ArrayType).element, impl: (a) => arrayExtreme(a as A, 1) }]),
  scalar('ARRAY_MIN', 'COLLECTIONS', 'The smallest non-null element.', [{ params: [PRIMITIVE_ARRAY], returns: (t) => (t[0] as ArrayType).element, impl: (a) => arrayExtreme(a as A, -1) }]),
  scalar('ARRAY_REMOVE', 'COLLECTIONS', 'The array without the elements equal to the value.', [
    {
      params: [ANY_ARRAY, ANY],
      returns: argType(0),
      nullSafe: true,
      impl: (a, v) => (a === null ? null : (a as A).filter((x) => (x === null ? v !== null : v === null || !valuesEqual(x, v)))),
    },
  ]),
  scalar('ARRAY_SORT', 'COLLECTIONS', "The elements in natural order ('ASC', default, or 'DESC'); NULLs last.", [
    over([PRIMITIVE_ARRAY], argType(0), (a) => sortArray(a as A, false)),
    over([PRIMITIVE_ARRAY, STRING], argType(0), (a, d) => {
      const dir = (d as string).toUpperCase();
      if (dir !== 'ASC' && dir !== 'DESC') return null;
      return sortArray(a as A, dir === 'DESC');
    }),
  ]),
  scalar('AS_MAP', 'COLLECTIONS', 'A map from an array of keys and an array of values.', [
    {
      params: [{ accepts: (t) => t.base === 'ARRAY' && canCoerce(t.element, STRING), describe: 'ARRAY<STRING>' }, ANY_ARRAY],
      returns: (t) => map(STRING, (t[1] as ArrayType).element),
      impl: (ks, vs) => {
        const m = new Map<unknown, unknown>();
        (ks as A).forEach((k, i) => m.set(k, (vs as A)[i] ?? null));
        return m;
      },
    },
  ]),
  scalar('ELT', 'COLLECTIONS', 'The n-th (1-based) of the string arguments, or NULL.', [
    { params: [INTEGER, STRING], variadic: true, returns: STRING, nullSafe: true, impl: (n, ...args) => (n === null || (n as number) < 1 || (n as number) > args.length ? null : args[(n as number) - 1]) },
  ]),
  scalar('FIELD', 'COLLECTIONS', 'The 1-based position of the string among the arguments, or 0.', [
    { params: [STRING, STRING], variadic: true, returns: INTEGER, nullSafe: true, impl: (s, ...args) => (s === null ? 0 : args.indexOf(s) + 1) },
  ]),
  scalar('MAP_KEYS', 'COLLECTIONS', 'The keys of a map.', [{ params: [ANY_MAP], returns: (t) => array((t[0] as MapType).key), impl: (m) => [...(m as M).keys()] }]),
  scalar('MAP_VALUES', 'COLLECTIONS', 'The values of a map.', [{ params: [ANY_MAP], returns: (t) => array((t[0] as MapType).value), impl: (m) => [...(m as M).values()] }]),
  scalar('MAP_UNION', 'COLLECTIONS', 'The union of two maps; the second wins on equal keys.', [
    {
      params: [ANY_MAP, ANY_MAP],
      returns: (args) => {
        const t = commonType(args);
        if (!t) throw new SqlError(`Function 'MAP_UNION' does not accept parameters (${args.map((a) => a.base).join(', ')}).`);
        return t;
      },
      nullSafe: true,
      impl: (a, b) => (a === null && b === null ? null : new Map([...((a as M | null) ?? []), ...((b as M | null) ?? [])])),
    },
  ]),
  scalar('SLICE', 'COLLECTIONS', 'The elements from position `from` to `to`, 1-based and inclusive.', [
    {
      params: [ANY_ARRAY, INTEGER, INTEGER],
      returns: argType(0),
      nullSafe: true,
      impl: (a, f, t) => {
        if (a === null) return null;
        const xs = a as A;
        const from = f === null ? 1 : (f as number);
        const to = t === null ? xs.length : (t as number);
        if (from < 1 || to < from - 1 || to > xs.length) return null;
        return xs.slice(from - 1, to);
      },
    },
  ]),
  scalar('ENTRIES', 'COLLECTIONS', 'The entries of a map as an array of STRUCT<K, V>, sorted by key if asked.', [
    {
      params: [ANY_MAP, BOOLEAN],
      returns: (t) => array(struct([{ name: 'K', type: STRING }, { name: 'V', type: (t[0] as MapType).value }])),
      build: (t) => (m, sorted) => entries(m as M, sorted as boolean, (t[0] as MapType).value),
    },
  ]),
];

function joiner(element: SqlType, delimiter: string): (a: unknown) => string {
  return (a) => (a as A).map((x) => (x === null ? 'null' : toSqlString(x, element))).join(delimiter);
}
