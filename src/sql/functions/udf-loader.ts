// User-defined functions from ES modules in a directory (ksqlDB's `ksql.extension.dir`; here the
// engine's `extensionDir`, the key brook.sql.extension.dir or BROOK_SQL_EXTENSION_DIR for `brook start`). Each `.js` / `.mjs` file in
// it may export
//
//   export const udfs = [{ name: 'MULTIPLY', description: '...', params: ['INT', 'INT'], returns: 'INT',
//                          evaluate: (a, b) => a * b }];
//   export const udafs = [{ name: 'MY_SUM', params: ['BIGINT'], returns: 'BIGINT', stateType: 'BIGINT',
//                           initialize: () => 0n, aggregate: (value, agg) => agg + value,
//                           merge: (a, b) => a + b, map: (agg) => agg }];
//
// written in TypeScript against the `SqlUdf` / `SqlUdaf` types and compiled, or in plain JavaScript.
// Types are SQL type names as in CREATE STREAM; values arrive and leave as the engine holds them
// (sql-type.ts: BIGINT and DECIMAL as bigint, BYTES as Buffer, MAP as Map, STRUCT as an object). As
// in ksqlDB, a UDF gets NULL arguments only when it says `nullSafe: true` (else a NULL argument makes
// the result NULL without calling it), an exception makes the result NULL (and is logged by the
// query), and a UDAF skips NULL values unless `nullSafe`. Several entries with one name are
// overloads; a UDF may also add overloads to a built-in function.

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveTypeAst } from '../analyzer/expression-analyzer.js';
import { SqlError } from '../errors.js';
import { parseType } from '../parser/index.js';
import { formatType, typesEqual, type SqlType } from '../types/sql-type.js';
import type { AggregateFunction, FunctionRegistry, Overload } from './registry.js';

export interface SqlUdf {
  readonly name: string;
  readonly description?: string;
  readonly author?: string;
  readonly version?: string;
  /** SHOW FUNCTIONS' category (default OTHER). */
  readonly category?: string;
  /** Parameter types, e.g. ['STRING', 'ARRAY<INT>']; the last repeats with `variadic: true`. */
  readonly params: readonly string[];
  readonly variadic?: boolean;
  readonly returns: string;
  readonly nullSafe?: boolean;
  readonly evaluate: (...args: never[]) => unknown;
}

export interface SqlUdaf {
  readonly name: string;
  readonly description?: string;
  readonly author?: string;
  readonly version?: string;
  readonly params: readonly string[];
  readonly returns: string;
  /** The type of the aggregate state (kept in the query's changelog topic). */
  readonly stateType: string;
  readonly nullSafe?: boolean;
  initialize(): unknown;
  aggregate(value: never, aggregate: never): unknown;
  merge(a: never, b: never): unknown;
  map(aggregate: never): unknown;
}

/** What DESCRIBE FUNCTION shows beyond the signatures: where a function came from. */
export interface FunctionOrigin {
  readonly author: string;
  readonly version: string;
  readonly path: string;
}

function sqlType(text: string, where: string): SqlType {
  try {
    return resolveTypeAst(parseType(text), () => undefined);
  } catch (e) {
    throw new SqlError(`${where}: invalid type '${text}': ${e instanceof Error ? e.message : String(e)}`);
  }
}

function requireString(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '') throw new SqlError(`${what} must be a non-empty string`);
  return v;
}

function udfOverload(u: SqlUdf, where: string): Overload {
  if (typeof u.evaluate !== 'function') throw new SqlError(`${where}: evaluate must be a function`);
  if (!Array.isArray(u.params)) throw new SqlError(`${where}: params must be an array of SQL type names`);
  const params = u.params.map((p, i) => sqlType(requireString(p, `${where}: params[${i}]`), where));
  const fn = u.evaluate as (...args: unknown[]) => unknown;
  return {
    params,
    variadic: u.variadic === true,
    returns: sqlType(requireString(u.returns, `${where}: returns`), where),
    // Variadic parameters arrive as one array, as ksqlDB passes Java varargs.
    impl: u.variadic === true ? (...args: unknown[]) => fn(...args.slice(0, params.length - 1), args.slice(params.length - 1)) : fn,
    nullSafe: u.nullSafe === true,
    description: u.description ?? '',
  };
}

function udafFunction(u: SqlUdaf, where: string): AggregateFunction {
  for (const m of ['initialize', 'aggregate', 'merge', 'map'] as const) {
    if (typeof u[m] !== 'function') throw new SqlError(`${where}: ${m} must be a function`);
  }
  const params = u.params.map((p, i) => sqlType(requireString(p, `${where}: params[${i}]`), where));
  const returns = sqlType(requireString(u.returns, `${where}: returns`), where);
  const stateType = sqlType(requireString(u.stateType, `${where}: stateType`), where);
  const agg = u.aggregate as (v: unknown, a: unknown) => unknown;
  const merge = u.merge as (a: unknown, b: unknown) => unknown;
  const map = u.map as (a: unknown) => unknown;
  const single = params.length === 1;
  return {
    name: u.name.toUpperCase(),
    description: u.description ?? '',
    signatures: [`${u.name.toUpperCase()}(${params.map(formatType).join(', ')})`],
    columnArgs: () => params.length,
    resolve(argTypes) {
      if (argTypes.length !== params.length || !argTypes.every((t, i) => t.base === 'NULL' || typesEqual(t, params[i]!))) return undefined;
      return {
        returns,
        stateType,
        init: () => u.initialize(),
        add: (s, a) => {
          if (!u.nullSafe && a.some((x) => x === null)) return s;
          return agg(single ? a[0] : [...a], s);
        },
        merge: (x, y) => merge(x, y),
        result: (s) => map(s),
      };
    },
  };
}

/** Loads every module of `dir` into `registry`; the names of the functions each file added. */
export async function loadExtensions(dir: string, registry: FunctionRegistry, origins: Map<string, FunctionOrigin>): Promise<Map<string, string[]>> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.js') || f.endsWith('.mjs')).sort();
  const loaded = new Map<string, string[]>();
  for (const file of files) {
    const path = join(dir, file);
    const mod = (await import(pathToFileURL(path).href)) as { udfs?: unknown; udafs?: unknown; default?: { udfs?: unknown; udafs?: unknown } };
    const udfs = (mod.udfs ?? mod.default?.udfs ?? []) as SqlUdf[];
    const udafs = (mod.udafs ?? mod.default?.udafs ?? []) as SqlUdaf[];
    if (!Array.isArray(udfs) || !Array.isArray(udafs)) throw new SqlError(`${file}: 'udfs' and 'udafs' must be arrays`);
    const names: string[] = [];
    for (const [i, u] of udfs.entries()) {
      const name = requireString(u?.name, `${file}: udfs[${i}].name`).toUpperCase();
      const where = `${file}: UDF ${name}`;
      registry.addScalar({ name, description: u.description ?? '', category: (u.category ?? 'OTHER').toUpperCase(), overloads: [udfOverload(u, where)] });
      const prev = origins.get(name);
      origins.set(name, { author: u.author ?? prev?.author ?? '', version: u.version ?? prev?.version ?? '', path: path });
      names.push(name);
    }
    for (const [i, u] of udafs.entries()) {
      const name = requireString(u?.name, `${file}: udafs[${i}].name`).toUpperCase();
      if (registry.aggregate(name) && !origins.has(name)) throw new SqlError(`${file}: UDAF ${name} has the name of a built-in aggregate function`);
      registry.addAggregate(udafFunction(u, `${file}: UDAF ${name}`));
      origins.set(name, { author: u.author ?? '', version: u.version ?? '', path: path });
      names.push(name);
    }
    loaded.set(file, names);
  }
  return loaded;
}
