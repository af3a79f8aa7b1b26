// Operations on SQL values held as described in sql-type.ts: equality, ordering, a canonical key
// (for DISTINCT-style functions), and the string form ksqlDB gives a value when it is cast to STRING
// (Java's toString of the backing type: "[1, 2]", "{a=1}", "Struct{A=1,B=x}").

import { formatDecimal } from './decimal.js';
import { javaDoubleToString } from './java-text.js';
import type { SqlType } from './sql-type.js';
import { formatDate, formatTime, formatTimestamp } from './temporal.js';

/** SQL struct values: null-prototype objects keyed by field name. */
export type StructValue = Record<string, unknown>;

export function newStruct(): StructValue {
  return Object.create(null) as StructValue;
}

/** Deep equality of two non-null values of the same type. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Buffer.isBuffer(a)) return Buffer.isBuffer(b) && a.equals(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !valuesEqual(v, b.get(k))) return false;
    return true;
  }
  const ak = Object.keys(a);
  const bo = b as StructValue;
  if (ak.length !== Object.keys(bo).length) return false;
  for (const k of ak) if (!valuesEqual((a as StructValue)[k], bo[k])) return false;
  return true;
}

/** Order of two non-null primitive values of one type (numbers, bigints, strings, booleans, bytes). */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return Buffer.compare(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  const x = a as number | bigint;
  const y = b as number | bigint;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A string that is equal for equal values (of one type): set and distinct semantics. */
export function valueKey(v: unknown): string {
  if (v === null || v === undefined) return 'n';
  switch (typeof v) {
    case 'string':
      return 's' + v;
    case 'number':
      return 'd' + String(v);
    case 'bigint':
      return 'i' + v.toString();
    case 'boolean':
      return v ? 't' : 'f';
    default:
      break;
  }
  if (Buffer.isBuffer(v)) return 'b' + v.toString('base64');
  if (Array.isArray(v)) return '[' + v.map(valueKey).join(',') + ']';
  if (v instanceof Map) return '{' + [...v].map(([k, x]) => `${valueKey(k)}:${valueKey(x)}`).join(',') + '}';
  const s = v as StructValue;
  return '(' + Object.keys(s).map((k) => `${JSON.stringify(k)}:${valueKey(s[k])}`).join(',') + ')';
}

/** CAST(v AS STRING) for a non-null value of type t. */
export function toSqlString(v: unknown, t: SqlType): string {
  switch (t.base) {
    case 'STRING':
      return v as string;
    case 'BOOLEAN':
      return v ? 'true' : 'false';
    case 'INTEGER':
    case 'BIGINT':
      return String(v);
    case 'DOUBLE':
      return javaDoubleToString(v as number);
    case 'DECIMAL':
      return formatDecimal(v as bigint, t.scale);
    case 'TIMESTAMP':
      return formatTimestamp(v as number);
    case 'DATE':
      return formatDate(v as number);
    case 'TIME':
      return formatTime(v as number);
    case 'BYTES':
      return (v as Buffer).toString('base64');
    case 'ARRAY':
      return '[' + (v as unknown[]).map((e) => (e === null ? 'null' : toSqlString(e, t.element))).join(', ') + ']';
    case 'MAP':
      return '{' + [...(v as Map<unknown, unknown>)].map(([k, x]) => `${toSqlString(k, t.key)}=${x === null ? 'null' : toSqlString(x, t.value)}`).join(', ') + '}';
    case 'STRUCT': {
      // Kafka Connect's Struct.toString: fields with values only.
      const s = v as StructValue;
      const parts = t.fields.filter((f) => s[f.name] !== null && s[f.name] !== undefined).map((f) => `${f.name}=${toSqlString(s[f.name], f.type)}`);
      return `Struct{${parts.join(',')}}`;
    }
    case 'NULL':
      return 'null';
  }
}
