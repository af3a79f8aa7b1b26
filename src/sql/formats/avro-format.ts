// The AVRO format (serialization.md): Avro binary in Confluent's wire format (magic byte 0, the
// schema id as a big-endian int32, the payload), with the schemas in the schema registry.
//   read   each record's writer schema comes by its id from the registry (cached per id); a
//          record's fields go to the columns of the same name (exact, else case-insensitive, as
//          ksqlDB matches upper-cased column names to schema fields);
//   write  with the schema id in the format's SCHEMA_ID property: the sink's schema the engine
//          registered (registry-schemas.ts), or the id a CREATE named or inferred.
// Decoding and encoding are avsc's; only the mapping between Avro values and SQL values is here.
// Avro longs are read as bigint (a custom long type), so BIGINT stays exact past 2^53.

import avsc from 'avsc';
import type { Serde } from '../../streams/index.js';
import type { Column } from '../catalog/data-source.js';
import { SqlError, SqlEvaluationError } from '../errors.js';
import type { SqlType } from '../types/sql-type.js';
import { newStruct, type StructValue } from '../types/values.js';
import { keyColumnsOf, type Format, type Row, type ValueLayout } from './format-types.js';
import { frame, schemaIdOf, unframe } from './registry-framing.js';
import type { SqlSchemaRegistry } from './schema-registry.js';

const bigLong = avsc.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint | number) => {
    const buf = Buffer.allocUnsafe(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (n: number | string) => BigInt(n),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint' || (typeof n === 'number' && Number.isInteger(n)),
  compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
});

/** The avsc type of a registered schema (unions unwrapped where unambiguous, longs as bigint). */
export function avroTypeOf(schema: string): avsc.Type {
  return avsc.Type.forSchema(JSON.parse(schema) as avsc.Schema, {
    wrapUnions: 'auto',
    // Every long, named or written as {"type": "long", ...} (timestamp-millis too), is the bigint long.
    typeHook: (s) => (s === 'long' || (typeof s === 'object' && !Array.isArray(s) && (s as { type?: unknown }).type === 'long') ? bigLong : undefined),
  });
}

type FromAvro = (v: unknown) => unknown;
type ToAvro = (v: unknown) => unknown;

function nonNull(t: avsc.Type): avsc.Type {
  const types = (t as avsc.Type & { types?: avsc.Type[] }).types;
  if (t.typeName.startsWith('union') && types) return types.find((b) => b.typeName !== 'null') ?? t;
  return t;
}

function fieldsOf(t: avsc.Type): Array<{ name: string; type: avsc.Type }> {
  return (t as avsc.Type & { fields?: Array<{ name: string; type: avsc.Type }> }).fields ?? [];
}

/** The field of a record for a SQL name: exact, else the first whose upper-case form matches. */
function matchField(fields: readonly string[], name: string): string | undefined {
  if (fields.includes(name)) return name;
  const upper = name.toUpperCase();
  return fields.find((f) => f.toUpperCase() === upper);
}

function bytesToDecimal(b: Buffer): bigint {
  if (b.length === 0) return 0n;
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return b[0]! & 0x80 ? n - (1n << BigInt(8 * b.length)) : n;
}

function decimalToBytes(n: bigint): Buffer {
  const out: number[] = [];
  let v = n;
  for (;;) {
    out.unshift(Number(v & 0xffn));
    v >>= 8n;
    const sign = out[0]! & 0x80;
    if ((v === 0n && !sign) || (v === -1n && sign)) break;
  }
  return Buffer.from(out);
}

/** Avro value (as avsc decodes it) to the SQL value of type t. */
export function fromAvro(t: SqlType): FromAvro {
  switch (t.base) {
    case 'BIGINT':
      return (v) => (v === null || v === undefined ? null : typeof v === 'bigint' ? v : BigInt(v as number));
    case 'INTEGER':
    case 'DOUBLE':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return (v) => (v === null || v === undefined ? null : Number(v));
    case 'DECIMAL':
      return (v) => (v === null || v === undefined ? null : Buffer.isBuffer(v) ? bytesToDecimal(v) : typeof v === 'bigint' ? v : BigInt(v as number));
    case 'STRING':
      return (v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : String(v));
    case 'ARRAY': {
      const element = fromAvro(t.element);
      return (v) => (v === null || v === undefined ? null : (v as unknown[]).map(element));
    }
    case 'MAP': {
      const value = fromAvro(t.value);
      return (v) => {
        if (v === null || v === undefined) return null;
        const m = new Map<unknown, unknown>();
        for (const k of Object.keys(v)) m.set(k, value((v as Record<string, unknown>)[k]));
        return m;
      };
    }
    case 'STRUCT': {
      const fields = t.fields.map((f) => ({ name: f.name, read: fromAvro(f.type) }));
      return (v) => {
        if (v === null || v === undefined) return null;
        const o = v as Record<string, unknown>;
        const keys = Object.keys(o);
        const s = newStruct();
        for (const f of fields) {
          const k = matchField(keys, f.name);
          s[f.name] = f.read(k === undefined ? null : o[k]);
        }
        return s;
      };
    }
    default:
      return (v) => (v === undefined ? null : v);
  }
}

/** SQL value of type t to the Avro value the (writer) type `at` takes. */
export function toAvro(t: SqlType, at: avsc.Type): ToAvro {
  const target = nonNull(at);
  switch (t.base) {
    case 'BIGINT':
    case 'TIMESTAMP':
      return (v) => (v === null || v === undefined ? null : target.typeName === 'long' ? BigInt(v as number) : Number(v));
    case 'INTEGER':
      return (v) => (v === null || v === undefined ? null : target.typeName === 'long' ? BigInt(v as number) : v);
    case 'DECIMAL':
      return (v) => (v === null || v === undefined ? null : decimalToBytes(v as bigint));
    case 'ARRAY': {
      const element = toAvro(t.element, (target as avsc.Type & { itemsType?: avsc.Type }).itemsType ?? target);
      return (v) => (v === null || v === undefined ? null : (v as unknown[]).map(element));
    }
    case 'MAP': {
      const value = toAvro(t.value, (target as avsc.Type & { valuesType?: avsc.Type }).valuesType ?? target);
      return (v) => {
        if (v === null || v === undefined) return null;
        const o: Record<string, unknown> = {};
        for (const [k, x] of v as Map<string, unknown>) o[k] = value(x);
        return o;
      };
    }
    case 'STRUCT': {
      const names = t.fields.map((f) => f.name);
      const writes = fieldsOf(target).map((wf) => {
        const sqlName = matchField(names, wf.name);
        const f = sqlName === undefined ? undefined : t.fields.find((x) => x.name === sqlName);
        return { name: wf.name, sqlName, write: f ? toAvro(f.type, wf.type) : () => null };
      });
      return (v) => {
        if (v === null || v === undefined) return null;
        const s = v as StructValue;
        const o: Record<string, unknown> = {};
        for (const w of writes) o[w.name] = w.sqlName === undefined ? null : w.write(s[w.sqlName] ?? null);
        return o;
      };
    }
    default:
      return (v) => (v === undefined ? null : v);
  }
}

interface Codec {
  readonly type: avsc.Type;
  /** Decoded Avro value into the row. */
  place(value: unknown, row: Row): void;
}

/**
 * Reads and writes `columns` at `indices` of rows: as the fields of a record, or (one column whose
 * writer schema is not a record) as the bare value.
 */
function codecs(registry: SqlSchemaRegistry, columns: readonly Column[], indices: readonly number[]) {
  const readers = columns.map((c) => fromAvro(c.type));
  const cache = new Map<number, Codec>();
  return (id: number): Codec => {
    let c = cache.get(id);
    if (c) return c;
    const s = registry.byIdSync(id);
    if (s.schemaType !== 'AVRO') throw new SqlEvaluationError(`Schema ${id} is ${s.schemaType}, not AVRO`);
    const type = avroTypeOf(s.schema);
    const record = nonNull(type);
    if (record.typeName === 'record') {
      const names = fieldsOf(record).map((f) => f.name);
      const slots = columns.map((col) => matchField(names, col.name));
      c = {
        type,
        place: (value, row) => {
          const o = value as Record<string, unknown> | null;
          for (let i = 0; i < slots.length; i++) {
            const k = slots[i];
            row[indices[i]!] = o === null || k === undefined ? null : readers[i]!(o[k]);
          }
        },
      };
    } else {
      if (columns.length !== 1) throw new SqlEvaluationError(`Schema ${id} is not a record, but ${columns.length} columns are to be read from it`);
      c = { type, place: (value, row) => (row[indices[0]!] = readers[0]!(value)) };
    }
    cache.set(id, c);
    return c;
  };
}

function writer(registry: SqlSchemaRegistry, columns: readonly Column[], indices: readonly number[], id: number | undefined, what: string): (row: Row) => Buffer {
  let encode: ((row: Row) => Buffer) | undefined;
  return (row) => {
    if (!encode) {
      if (id === undefined) throw new SqlError(`No Avro schema is registered for the ${what} (no SCHEMA_ID)`);
      const type = avroTypeOf(registry.byIdSync(id).schema);
      const record = nonNull(type);
      if (record.typeName === 'record') {
        const names = columns.map((c) => c.name);
        const fields = fieldsOf(record).map((f) => {
          const name = matchField(names, f.name);
          const i = name === undefined ? -1 : names.indexOf(name);
          return { name: f.name, at: i < 0 ? -1 : indices[i]!, write: i < 0 ? () => null : toAvro(columns[i]!.type, f.type) };
        });
        encode = (r) => {
          const o: Record<string, unknown> = {};
          for (const f of fields) o[f.name] = f.at < 0 ? null : f.write(r[f.at] ?? null);
          return frame(id, type.toBuffer(o));
        };
      } else {
        const write = toAvro(columns[0]!.type, type);
        encode = (r) => frame(id, type.toBuffer(write(r[indices[0]!] ?? null)));
      }
    }
    return encode(row);
  };
}

export function avroFormat(registry: SqlSchemaRegistry): Format {
  return {
    name: 'AVRO',
    validate(columns) {
      for (const c of columns) {
        if (c.type.base === 'MAP' && c.type.key.base !== 'STRING') throw new SqlError('Avro only supports MAPs with STRING keys');
      }
    },
    keySerde(columns: readonly Column[], properties): Serde<unknown> {
      const keys = keyColumnsOf(columns).length > 0 ? keyColumnsOf(columns) : columns;
      const indices = keys.map((_c, i) => i);
      const codecFor = codecs(registry, keys, indices);
      const write = writer(registry, keys, indices, schemaIdOf(properties), 'key');
      const single = keys.length === 1;
      return {
        name: 'avro-key',
        serialize: (v) => write(single ? [v] : (v as Row)),
        deserialize: (b) => {
          const { id, payload } = unframe(b);
          const c = codecFor(id);
          const row: Row = new Array(keys.length).fill(null);
          c.place(decode(c.type, payload), row);
          return single ? row[0] : row;
        },
      };
    },
    valueSerde(layout: ValueLayout, properties): Serde<Row> {
      const { columns, indices, rowLength } = layout;
      const codecFor = codecs(registry, columns, indices);
      const write = writer(registry, columns, indices, schemaIdOf(properties), 'value');
      return {
        name: 'avro',
        serialize: write,
        deserialize: (b) => {
          const { id, payload } = unframe(b);
          const c = codecFor(id);
          const row: Row = new Array(rowLength).fill(null);
          c.place(decode(c.type, payload), row);
          return row;
        },
      };
    },
  };
}

function decode(type: avsc.Type, payload: Buffer): unknown {
  try {
    return type.fromBuffer(payload);
  } catch (e) {
    throw new SqlEvaluationError(`Failed to deserialize Avro: ${e instanceof Error ? e.message : String(e)}`);
  }
}
