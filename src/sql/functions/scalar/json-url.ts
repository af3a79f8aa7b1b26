// JSON functions over STRING values (EXTRACTJSONFIELD with a JSONPath, JSON_ARRAY_CONTAINS,
// JSON_ARRAY_LENGTH, JSON_CONCAT, JSON_KEYS, JSON_RECORDS, JSON_ITEMS, TO_JSON_STRING) and URL
// functions (URL_EXTRACT_*, URL_ENCODE_PARAM, URL_DECODE_PARAM).

import { SqlEvaluationError } from '../../errors.js';
import { formatDecimal } from '../../types/decimal.js';
import { javaDoubleToString } from '../../types/java-text.js';
import { array, BOOLEAN, INTEGER, map, STRING, type SqlType } from '../../types/sql-type.js';
import { formatDate, formatTime, formatTimestamp } from '../../types/temporal.js';
import type { StructValue } from '../../types/values.js';
import { ANY, over, scalar } from '../builders.js';
import type { ScalarFunction } from '../registry.js';

type S = string;

function parseJson(text: S): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A JSONPath of the forms ksqlDB supports: $.a.b, $['a'], $.a[0], $["a b"][2]. */
function jsonPath(path: S): Array<string | number> {
  const steps: Array<string | number> = [];
  let i = path.startsWith('$') ? 1 : 0;
  while (i < path.length) {
    if (path[i] === '.') {
      const m = /^\.([^.[\]]+)/.exec(path.slice(i));
      if (!m) throw new SqlEvaluationError(`Invalid JSON path: ${path}`);
      steps.push(m[1]!);
      i += m[0].length;
    } else if (path[i] === '[') {
      const m = /^\[\s*(?:(\d+)|'([^']*)'|"([^"]*)")\s*\]/.exec(path.slice(i));
      if (!m) throw new SqlEvaluationError(`Invalid JSON path: ${path}`);
      steps.push(m[1] !== undefined ? Number(m[1]) : (m[2] ?? m[3])!);
      i += m[0].length;
    } else {
      throw new SqlEvaluationError(`Invalid JSON path: ${path}`);
    }
  }
  return steps;
}

function extractJsonField(text: S, path: S): S | null {
  let node = parseJson(text);
  if (node === undefined) return null;
  for (const step of jsonPath(path)) {
    if (node === null || typeof node !== 'object') return null;
    node = typeof step === 'number' ? (Array.isArray(node) ? node[step] : undefined) : Array.isArray(node) ? undefined : (node as Record<string, unknown>)[step];
    if (node === undefined) return null;
  }
  if (node === null) return null;
  return typeof node === 'string' ? node : JSON.stringify(node);
}

/** A SQL value as JSON text (TO_JSON_STRING), times as ksqlDB prints them. */
export function sqlValueToJson(v: unknown, t: SqlType): string {
  if (v === null || v === undefined) return 'null';
  switch (t.base) {
    case 'STRING':
      return JSON.stringify(v);
    case 'BOOLEAN':
    case 'INTEGER':
      return String(v);
    case 'BIGINT':
      return (v as bigint).toString();
    case 'DOUBLE':
      return Number.isFinite(v as number) ? javaDoubleToString(v as number) : JSON.stringify(javaDoubleToString(v as number));
    case 'DECIMAL':
      return formatDecimal(v as bigint, t.scale);
    case 'TIMESTAMP':
      return JSON.stringify(formatTimestamp(v as number));
    case 'DATE':
      return JSON.stringify(formatDate(v as number));
    case 'TIME':
      return JSON.stringify(formatTime(v as number));
    case 'BYTES':
      return JSON.stringify((v as Buffer).toString('base64'));
    case 'ARRAY':
      return '[' + (v as unknown[]).map((x) => sqlValueToJson(x, t.element)).join(',') + ']';
    case 'MAP':
      return '{' + [...(v as Map<unknown, unknown>)].map(([k, x]) => `${JSON.stringify(String(k))}:${sqlValueToJson(x, t.value)}`).join(',') + '}';
    case 'STRUCT':
      return '{' + t.fields.map((f) => `${JSON.stringify(f.name)}:${sqlValueToJson((v as StructValue)[f.name] ?? null, f.type)}`).join(',') + '}';
    case 'NULL':
      return 'null';
  }
}

function jsonConcat(texts: Array<S | null>): S | null {
  const values: unknown[] = [];
  for (const t of texts) {
    if (t === null) return null;
    const v = parseJson(t);
    if (v === undefined) return null;
    values.push(v);
  }
  const isObject = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (values.every(isObject)) return JSON.stringify(Object.assign({}, ...values));
  const out: unknown[] = [];
  for (const v of values) {
    if (Array.isArray(v)) out.push(...(v as unknown[]));
    else out.push(v);
  }
  return JSON.stringify(out);
}

function url(text: S): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

function urlPart(name: string, description: string, f: (u: URL) => unknown, returns = STRING): ScalarFunction {
  return scalar(name, 'URL', description, [over([STRING], returns, (s) => {
    const u = url(s as S);
    return u ? f(u) : null;
  })]);
}

export const jsonUrlFunctions: ScalarFunction[] = [
  scalar('EXTRACTJSONFIELD', 'JSON', 'The value at a JSONPath in JSON text, as a STRING.', [over([STRING, STRING], STRING, (s, p) => extractJsonField(s as S, p as S))]),
  scalar('JSON_ARRAY_CONTAINS', 'JSON', 'Whether a JSON array contains a value.', [
    over([STRING, ANY], BOOLEAN, (s, v) => {
      const a = parseJson(s as S);
      if (!Array.isArray(a)) return false;
      const want = typeof v === 'bigint' ? Number(v) : v;
      return a.some((x) => x === want);
    }),
  ]),
  scalar('JSON_ARRAY_LENGTH', 'JSON', 'The length of a JSON array.', [over([STRING], INTEGER, (s) => {
    const a = parseJson(s as S);
    return Array.isArray(a) ? a.length : null;
  })]),
  scalar('JSON_CONCAT', 'JSON', 'Concatenates JSON values as PostgreSQL\'s || does.', [{ params: [STRING], variadic: true, returns: STRING, nullSafe: true, impl: (...xs) => jsonConcat(xs as Array<S | null>) }]),
  scalar('JSON_KEYS', 'JSON', 'The top-level keys of a JSON object.', [over([STRING], array(STRING), (s) => {
    const o = parseJson(s as S);
    return o !== null && typeof o === 'object' && !Array.isArray(o) ? Object.keys(o) : null;
  })]),
  scalar('JSON_RECORDS', 'JSON', 'The top-level entries of a JSON object, values as JSON text.', [over([STRING], map(STRING, STRING), (s) => {
    const o = parseJson(s as S);
    if (o === null || typeof o !== 'object' || Array.isArray(o)) return null;
    return new Map(Object.entries(o).map(([k, v]) => [k, JSON.stringify(v)]));
  })]),
  scalar('JSON_ITEMS', 'JSON', 'The elements of a JSON array, each as JSON text.', [over([STRING], array(STRING), (s) => {
    const a = parseJson(s as S);
    return Array.isArray(a) ? a.map((x) => JSON.stringify(x)) : null;
  })]),
  scalar('TO_JSON_STRING', 'JSON', 'Any value as JSON text.', [{ params: [ANY], returns: STRING, nullSafe: true, build: (t) => (v) => sqlValueToJson(v, t[0]!) }]),
  urlPart('URL_EXTRACT_FRAGMENT', 'The fragment of a URL.', (u) => (u.hash === '' ? null : decodeURIComponent(u.hash.slice(1)))),
  urlPart('URL_EXTRACT_HOST', 'The host of a URL.', (u) => (u.hostname === '' ? null : u.hostname)),
  urlPart('URL_EXTRACT_PATH', 'The path of a URL.', (u) => decodeURIComponent(u.pathname)),
  urlPart('URL_EXTRACT_PORT', 'The port of a URL.', (u) => (u.port === '' ? null : Number(u.port)), INTEGER),
  urlPart('URL_EXTRACT_PROTOCOL', 'The protocol (scheme) of a URL.', (u) => u.protocol.replace(/:$/, '')),
  urlPart('URL_EXTRACT_QUERY', 'The query of a URL.', (u) => (u.search === '' ? null : decodeURIComponent(u.search.slice(1)))),
  scalar('URL_EXTRACT_PARAMETER', 'URL', 'The value of a query parameter of a URL.', [over([STRING, STRING], STRING, (s, p) => url(s as S)?.searchParams.get(p as S) ?? null)]),
  scalar('URL_ENCODE_PARAM', 'URL', 'Encodes text for a URL query parameter.', [over([STRING], STRING, (s) => encodeURIComponent(s as S).replace(/%20/g, '+'))]),
  scalar('URL_DECODE_PARAM', 'URL', 'Decodes a URL query parameter.', [over([STRING], STRING, (s) => decodeURIComponent((s as S).replace(/\+/g, ' ')))]),
];
