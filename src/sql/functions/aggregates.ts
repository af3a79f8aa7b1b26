// Aggregate functions (aggregate-functions.md). Each resolves, for its argument types, to an
// AggregateImpl: an initial state, `add` per row, `undo` where the function can retract a row
// (aggregations over tables), `merge` for session windows, and `result`. States are SQL values of a
// declared `stateType`, so they serialize into changelog topics like any row.
//
// Semantics follow ksqlDB: NULL inputs are ignored (COUNT(col) counts non-NULL values, COUNT(*)
// rows); SUM of no values is 0, AVG of no values 0.0, MIN/MAX of no values NULL. COUNT_DISTINCT is
// exact here (ksqlDB estimates it with HyperLogLog).

import { SqlError } from '../errors.js';
import { decimalArithmetic } from '../types/decimal.js';
import { array, BIGINT, DOUBLE, isNumeric, isPrimitive, map, STRING, struct, type DecimalType, type SqlType } from '../types/sql-type.js';
import { compareValues, valueKey, valuesEqual } from '../types/values.js';
import type { AggregateFunction, AggregateImpl } from './registry.js';

type St = Record<string, unknown>;
const COLLECT_LIMIT = 1000;

function simple(name: string, description: string, signatures: string[], resolve: AggregateFunction['resolve'], columnArgs?: (n: number) => number): AggregateFunction {
  return { name, description, signatures, resolve, ...(columnArgs ? { columnArgs } : {}) };
}

function zeroOf(t: SqlType): unknown {
  return t.base === 'BIGINT' || t.base === 'DECIMAL' ? 0n : 0;
}

function adder(t: SqlType, sign: 1 | -1): (a: unknown, b: unknown) => unknown {
  switch (t.base) {
    case 'INTEGER':
      return (a, b) => ((a as number) + sign * (b as number)) | 0;
    case 'BIGINT':
      return (a, b) => BigInt.asIntN(64, (a as bigint) + BigInt(sign) * (b as bigint));
    case 'DECIMAL': {
      const d = t as DecimalType;
      return (a, b) => decimalArithmetic(sign === 1 ? '+' : '-', a as bigint, d, b as bigint, d, d);
    }
    default:
      return (a, b) => (a as number) + sign * (b as number);
  }
}

function toDouble(t: SqlType): (v: unknown) => number {
  if (t.base === 'DECIMAL') {
    const scale = (t as DecimalType).scale;
    return (v) => Number(v) / 10 ** scale;
  }
  return (v) => Number(v);
}

const count: AggregateFunction = simple('COUNT', 'Counts rows (COUNT(*)) or non-NULL values (COUNT(col)).', ['COUNT(*)', 'COUNT(T)'], (args) => {
  const star = args.length === 0;
  return {
    returns: BIGINT,
    stateType: BIGINT,
    init: () => 0n,
    add: (s, a) => (star || a[0] !== null ? (s as bigint) + 1n : s),
    undo: (s, a) => (star || a[0] !== null ? (s as bigint) - 1n : s),
    merge: (x, y) => (x as bigint) + (y as bigint),
    result: (s) => s,
  };
});

const sum: AggregateFunction = simple('SUM', 'The sum of non-NULL values.', ['SUM(INTEGER)', 'SUM(BIGINT)', 'SUM(DOUBLE)', 'SUM(DECIMAL)'], ([t]) => {
  if (!t || !isNumeric(t)) return undefined;
  const add = adder(t, 1);
  const sub = adder(t, -1);
  const zero = zeroOf(t);
  return {
    returns: t,
    stateType: t,
    init: () => zero,
    add: (s, a) => (a[0] === null ? s : add(s, a[0])),
    undo: (s, a) => (a[0] === null ? s : sub(s, a[0])),
    merge: (x, y) => add(x, y),
    result: (s) => s,
  };
});

const avg: AggregateFunction = simple('AVG', 'The average of non-NULL values, as a DOUBLE.', ['AVG(INTEGER)', 'AVG(BIGINT)', 'AVG(DOUBLE)', 'AVG(DECIMAL)'], ([t]) => {
  if (!t || !isNumeric(t)) return undefined;
  const num = toDouble(t);
  return {
    returns: DOUBLE,
    stateType: struct([
      { name: 'SUM', type: DOUBLE },
      { name: 'COUNT', type: BIGINT },
    ]),
    init: () => ({ SUM: 0, COUNT: 0n }),
    add: (s, a) => (a[0] === null ? s : { SUM: ((s as St).SUM as number) + num(a[0]), COUNT: ((s as St).COUNT as bigint) + 1n }),
    undo: (s, a) => (a[0] === null ? s : { SUM: ((s as St).SUM as number) - num(a[0]), COUNT: ((s as St).COUNT as bigint) - 1n }),
    merge: (x, y) => ({ SUM: ((x as St).SUM as number) + ((y as St).SUM as number), COUNT: ((x as St).COUNT as bigint) + ((y as St).COUNT as bigint) }),
    result: (s) => ((s as St).COUNT === 0n ? 0 : ((s as St).SUM as number) / Number((s as St).COUNT)),
  };
});

function extreme(name: string, sign: number): AggregateFunction {
  return simple(name, `The ${sign > 0 ? 'largest' : 'smallest'} non-NULL value.`, [`${name}(T)`], ([t]) => {
    if (!t || !isPrimitive(t) || t.base === 'BOOLEAN') return undefined;
    const better = (a: unknown, b: unknown): unknown => (a === null ? b : b === null ? a : compareValues(b, a) * sign > 0 ? b : a);
    return { returns: t, stateType: t, init: () => null, add: (s, a) => better(s, a[0]), merge: better, result: (s) => s };
  });
}

function stddev(name: string, squared: boolean): AggregateFunction {
  return simple(name, squared ? 'The sample variance (ksqlDB names it STDDEV_SAMP).' : 'The sample standard deviation.', [`${name}(NUMBER)`], ([t]) => {
    if (!t || !isNumeric(t)) return undefined;
    const num = toDouble(t);
    const stateType = struct([
      { name: 'COUNT', type: BIGINT },
      { name: 'SUM', type: DOUBLE },
      { name: 'SUMSQ', type: DOUBLE },
    ]);
    const step = (s: unknown, v: number, k: 1 | -1): St => ({
      COUNT: ((s as St).COUNT as bigint) + BigInt(k),
      SUM: ((s as St).SUM as number) + k * v,
      SUMSQ: ((s as St).SUMSQ as number) + k * v * v,
    });
    return {
      returns: DOUBLE,
      stateType,
      init: () => ({ COUNT: 0n, SUM: 0, SUMSQ: 0 }),
      add: (s, a) => (a[0] === null ? s : step(s, num(a[0]), 1)),
      undo: (s, a) => (a[0] === null ? s : step(s, num(a[0]), -1)),
      merge: (x, y) => ({
        COUNT: ((x as St).COUNT as bigint) + ((y as St).COUNT as bigint),
        SUM: ((x as St).SUM as number) + ((y as St).SUM as number),
        SUMSQ: ((x as St).SUMSQ as number) + ((y as St).SUMSQ as number),
      }),
      result: (s) => {
        const n = Number((s as St).COUNT);
        if (n < 2) return 0;
        const mean = ((s as St).SUM as number) / n;
        const variance = (((s as St).SUMSQ as number) - n * mean * mean) / (n - 1);
        return squared ? variance : Math.sqrt(variance);
      },
    };
  });
}

const correlation: AggregateFunction = simple('CORRELATION', 'The Pearson correlation coefficient of two columns.', ['CORRELATION(DOUBLE, DOUBLE)'], (args) => {
  if (args.length !== 2 || !args.every(isNumeric)) return undefined;
  const [nx, ny] = args.map(toDouble) as [(v: unknown) => number, (v: unknown) => number];
  const fields = ['N', 'SX', 'SY', 'SXX', 'SYY', 'SXY'];
  const stateType = struct(fields.map((f) => ({ name: f, type: f === 'N' ? BIGINT : DOUBLE })));
  const step = (s: unknown, x: number, y: number, k: 1 | -1): St => {
    const o = s as St;
    return {
      N: (o.N as bigint) + BigInt(k),
      SX: (o.SX as number) + k * x,
      SY: (o.SY as number) + k * y,
      SXX: (o.SXX as number) + k * x * x,
      SYY: (o.SYY as number) + k * y * y,
      SXY: (o.SXY as number) + k * x * y,
    };
  };
  return {
    returns: DOUBLE,
    stateType,
    init: () => ({ N: 0n, SX: 0, SY: 0, SXX: 0, SYY: 0, SXY: 0 }),
    add: (s, a) => (a[0] === null || a[1] === null ? s : step(s, nx(a[0]), ny(a[1]), 1)),
    undo: (s, a) => (a[0] === null || a[1] === null ? s : step(s, nx(a[0]), ny(a[1]), -1)),
    merge: (x, y) => Object.fromEntries(fields.map((f) => [f, f === 'N' ? ((x as St).N as bigint) + ((y as St).N as bigint) : ((x as St)[f] as number) + ((y as St)[f] as number)])),
    result: (s) => {
      const o = s as St;
      const n = Number(o.N);
      const cov = (o.SXY as number) - ((o.SX as number) * (o.SY as number)) / n;
      const vx = (o.SXX as number) - (o.SX as number) ** 2 / n;
      const vy = (o.SYY as number) - (o.SY as number) ** 2 / n;
      return n < 2 || vx === 0 || vy === 0 ? Number.NaN : cov / Math.sqrt(vx * vy);
    },
  };
}, () => 2);

const countDistinct: AggregateFunction = simple('COUNT_DISTINCT', 'The number of distinct non-NULL values (exact).', ['COUNT_DISTINCT(T)'], ([t]) => {
  if (!t || !isPrimitive(t)) return undefined;
  return {
    returns: BIGINT,
    stateType: array(STRING),
    init: () => [],
    add: (s, a) => {
      if (a[0] === null) return s;
      const k = valueKey(a[0]);
      const xs = s as string[];
      return xs.includes(k) ? xs : [...xs, k];
    },
    merge: (x, y) => [...new Set([...(x as string[]), ...(y as string[])])],
    result: (s) => BigInt((s as string[]).length),
  };
});

function collect(name: string, distinct: boolean): AggregateFunction {
  return simple(name, distinct ? 'The distinct values, in order of arrival (at most 1000).' : 'Every value, in order of arrival (at most 1000).', [`${name}(T)`], ([t]) => {
    if (!t) return undefined;
    const addOne = (xs: unknown[], v: unknown): unknown[] => {
      if (xs.length >= COLLECT_LIMIT) return xs;
      if (distinct && xs.some((x) => valuesEqual(x, v))) return xs;
      return [...xs, v];
    };
    return {
      returns: array(t),
      stateType: array(t),
      init: () => [],
      add: (s, a) => (distinct && a[0] === null ? s : addOne(s as unknown[], a[0])),
      ...(distinct
        ? {}
        : {
            undo: (s: unknown, a: readonly unknown[]) => {
              const xs = s as unknown[];
              const i = xs.findIndex((x) => (x === null ? a[0] === null : a[0] !== null && valuesEqual(x, a[0])));
              return i < 0 ? xs : [...xs.slice(0, i), ...xs.slice(i + 1)];
            },
          }),
      merge: (x, y) => (y as unknown[]).reduce<unknown[]>((acc, v) => addOne(acc, v), x as unknown[]),
      result: (s) => s,
    };
  });
}

const histogram: AggregateFunction = simple('HISTOGRAM', 'How often each distinct string occurs (at most 1000 distinct).', ['HISTOGRAM(STRING)'], ([t]) => {
  if (!t || t.base !== 'STRING') return undefined;
  const bump = (m: Map<unknown, unknown>, k: unknown, by: bigint): Map<unknown, unknown> => {
    const out = new Map(m);
    const n = ((out.get(k) as bigint | undefined) ?? 0n) + by;
    if (!out.has(k) && out.size >= COLLECT_LIMIT) return m;
    if (n <= 0n) out.delete(k);
    else out.set(k, n);
    return out;
  };
  return {
    returns: map(STRING, BIGINT),
    stateType: map(STRING, BIGINT),
    init: () => new Map(),
    add: (s, a) => (a[0] === null ? s : bump(s as Map<unknown, unknown>, a[0], 1n)),
    undo: (s, a) => (a[0] === null ? s : bump(s as Map<unknown, unknown>, a[0], -1n)),
    merge: (x, y) => {
      let m = x as Map<unknown, unknown>;
      for (const [k, v] of y as Map<unknown, unknown>) m = bump(m, k, v as bigint);
      return m;
    },
    result: (s) => s,
  };
});

function byOffset(name: string, latest: boolean): AggregateFunction {
  return {
    name,
    description: `The ${latest ? 'latest' : 'earliest'} value (or ${latest ? 'latest' : 'earliest'} N values) by offset; NULLs ignored unless asked.`,
    signatures: [`${name}(T [, ignoreNulls])`, `${name}(T, n [, ignoreNulls])`],
    columnArgs: () => 1,
    resolve: ([t], literals) => {
      if (!t) return undefined;
      let n = 1;
      let ignoreNulls = true;
      let asArray = false;
      for (const l of literals) {
        if (typeof l === 'boolean') ignoreNulls = l;
        else if (typeof l === 'number' || typeof l === 'bigint') {
          n = Number(l);
          asArray = true;
        } else return undefined;
      }
      if (n < 1) throw new SqlError(`${name} must have a positive number of values to return, got ${n}`);
      const keep = (xs: unknown[]): unknown[] => (latest ? xs.slice(Math.max(0, xs.length - n)) : xs.slice(0, n));
      return {
        returns: asArray ? array(t) : t,
        stateType: array(t),
        init: () => [],
        add: (s, a) => {
          const xs = s as unknown[];
          if (a[0] === null && ignoreNulls) return xs;
          if (!latest && xs.length >= n) return xs;
          return keep([...xs, a[0]]);
        },
        merge: (x, y) => keep([...(x as unknown[]), ...(y as unknown[])]),
        result: (s) => {
          const xs = s as unknown[];
          if (asArray) return xs;
          return xs.length === 0 ? null : xs[latest ? xs.length - 1 : 0];
        },
      };
    },
  };
}

function topk(name: string, distinct: boolean): AggregateFunction {
  return {
    name,
    description: `The k largest ${distinct ? 'distinct ' : ''}values, largest first.`,
    signatures: [`${name}(T, k)`],
    columnArgs: () => 1,
    resolve: ([t], literals) => {
      if (!t || !isPrimitive(t) || literals.length !== 1) return undefined;
      const k = Number(literals[0]);
      if (!(k >= 1)) throw new SqlError(`${name}: k must be a positive integer`);
      const top = (xs: unknown[]): unknown[] => {
        const sorted = [...xs].sort((a, b) => compareValues(b, a));
        const out: unknown[] = [];
        for (const x of sorted) {
          if (distinct && out.length > 0 && valuesEqual(out[out.length - 1], x)) continue;
          out.push(x);
          if (out.length === k) break;
        }
        return out;
      };
      return {
        returns: array(t),
        stateType: array(t),
        init: () => [],
        add: (s, a) => (a[0] === null ? s : top([...(s as unknown[]), a[0]])),
        merge: (x, y) => top([...(x as unknown[]), ...(y as unknown[])]),
        result: (s) => s,
      };
    },
  };
}

export const aggregateFunctions: AggregateFunction[] = [
  count,
  sum,
  avg,
  extreme('MAX', 1),
  extreme('MIN', -1),
  countDistinct,
  collect('COLLECT_LIST', false),
  collect('COLLECT_SET', true),
  histogram,
  byOffset('LATEST_BY_OFFSET', true),
  byOffset('EARLIEST_BY_OFFSET', false),
  topk('TOPK', false),
  topk('TOPKDISTINCT', true),
  stddev('STDDEV_SAMP', true),
  stddev('STDDEV_SAMPLE', false),
  correlation,
];

/** Aggregate states are immutable values: `add` returns new states, so a state in a store is never changed in place. */
export type { AggregateImpl };
