// The JSON format: values are JSON objects with one field per column (matched case-insensitively
// on read, exact match first, as ksqlDB does), or a bare JSON value for a single column with
// WRAP_SINGLE_VALUE=false; a single key column is a bare JSON value, several a JSON object.
// Field matching is cached per serde by the raw field name, so a record costs one Map lookup per
// field rather than an upper-casing.

import { SqlError, SqlEvaluationError } from '../errors.js';
import type { Serde } from '../../streams/index.js';
import type { Column } from '../catalog/data-source.js';
import type { Format, Row, ValueLayout } from './format-types.js';
import { wrapSingleValue } from './format-types.js';
import { jsonReader, writeJson, type JsonReader } from './json-values.js';

interface FieldHit {
  readonly slot: number;
  readonly exact: boolean;
}

const MAX_CACHED_FIELDS = 10_000;

function parse(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new SqlEvaluationError(`Failed to deserialize: invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Reads JSON objects into row positions. */
function objectReader(columns: readonly Column[], indices: readonly number[]): (o: Record<string, unknown>, row: Row) => void {
  const readers: JsonReader[] = columns.map((c) => jsonReader(c.type));
  const exact = new Map(columns.map((c, i) => [c.name, i]));
  const upper = new Map<string, number>();
  columns.forEach((c, i) => {
    if (!upper.has(c.name.toUpperCase())) upper.set(c.name.toUpperCase(), i);
  });
  const cache = new Map<string, FieldHit | null>();
  const names = columns.map((c) => '$.' + c.name);
  return (o, row) => {
    for (const k in o) {
      let hit = cache.get(k);
      if (hit === undefined) {
        const e = exact.get(k);
        const i = e ?? upper.get(k.toUpperCase());
        hit = i === undefined ? null : { slot: i, exact: e !== undefined };
        if (cache.size >= MAX_CACHED_FIELDS) cache.clear();
        cache.set(k, hit);
      }
      if (hit === null) continue;
      const at = indices[hit.slot]!;
      if (!hit.exact && row[at] !== undefined) continue;
      row[at] = readers[hit.slot]!(o[k], names[hit.slot]!);
    }
  };
}

export const jsonFormat: Format = {
  name: 'JSON',
  validate(columns, isKey, properties) {
    for (const c of columns) {
      if (c.type.base === 'MAP' && c.type.key.base !== 'STRING') throw new SqlError('JSON only supports MAP types with STRING keys');
    }
    if (!isKey && properties.WRAP_SINGLE_VALUE !== undefined && columns.length !== 1) {
      throw new SqlError("'WRAP_SINGLE_VALUE' is only valid for single-field value schemas");
    }
  },
  keySerde(columns): Serde<unknown> {
    if (columns.length === 1) {
      const c = columns[0]!;
      const read = jsonReader(c.type);
      return {
        name: 'json-key',
        serialize: (v) => Buffer.from(writeJson(v, c.type), 'utf8'),
        deserialize: (b) => read(parse(b), '$'),
      };
    }
    const indices = columns.map((_c, i) => i);
    const readObject = objectReader(columns, indices);
    const write = objectWriter(columns, indices);
    return {
      name: 'json-key',
      serialize: (v) => Buffer.from(write(v as Row), 'utf8'),
      deserialize: (b) => {
        const o = parse(b);
        if (o === null) return null;
        if (typeof o !== 'object' || Array.isArray(o)) throw new SqlEvaluationError('Failed to deserialize key: a multi-column key must be a JSON object');
        const row: Row = new Array(columns.length);
        readObject(o as Record<string, unknown>, row);
        for (let i = 0; i < row.length; i++) if (row[i] === undefined) row[i] = null;
        return row;
      },
    };
  },
  valueSerde(layout: ValueLayout, properties): Serde<Row> {
    const { columns, indices, rowLength } = layout;
    if (columns.length === 1 && !wrapSingleValue(properties)) {
      const c = columns[0]!;
      const at = indices[0]!;
      const read = jsonReader(c.type);
      return {
        name: 'json',
        serialize: (row) => Buffer.from(writeJson(row[at] ?? null, c.type), 'utf8'),
        deserialize: (b) => {
          const row: Row = new Array(rowLength).fill(null);
          row[at] = read(parse(b), '$');
          return row;
        },
      };
    }
    const readObject = objectReader(columns, indices);
    const write = objectWriter(columns, indices);
    return {
      name: 'json',
      serialize: (row) => Buffer.from(write(row), 'utf8'),
      deserialize: (b) => {
        const o = parse(b);
        if (o === null || typeof o !== 'object' || Array.isArray(o)) {
          throw new SqlEvaluationError(`Failed to deserialize value: expected a JSON object, got ${o === null ? 'null' : Array.isArray(o) ? 'an array' : typeof o}`);
        }
        const row: Row = new Array(rowLength);
        readObject(o as Record<string, unknown>, row);
        for (let i = 0; i < indices.length; i++) if (row[indices[i]!] === undefined) row[indices[i]!] = null;
        return row;
      },
    };
  },
};

/** Writes a row's columns as a JSON object; field prefixes ("NAME": ) are built once. */
function objectWriter(columns: readonly Column[], indices: readonly number[]): (row: Row) => string {
  const prefixes = columns.map((c, i) => (i > 0 ? ',' : '{') + JSON.stringify(c.name) + ':');
  const types = columns.map((c) => c.type);
  const n = columns.length;
  return (row) => {
    if (n === 0) return '{}';
    let out = '';
    for (let i = 0; i < n; i++) out += prefixes[i]! + writeJson(row[indices[i]!] ?? null, types[i]!);
    return out + '}';
  };
}
