// SQL columns <-> the schemas the registry formats keep in the schema registry (serialization.md,
// schema-registry-integration.md):
//   sinks   ksqlDB registers an Avro record `io.confluent.ksql.avro_schemas.KsqlDataSourceSchema`
//           with one optional field per column (upper-case names, `["null", T]` with default null),
//           nested structs as records named after their path, DECIMAL/DATE/TIME/TIMESTAMP as Avro's
//           logical types; JSON_SR an object schema with Kafka Connect's `connect.type` hints so
//           INT and BIGINT come back apart.
//   sources CREATE without columns infers them from the latest registered schema: record fields
//           become columns (names upper-cased, so unquoted SQL names match), `["null", T]` is T.

import type { Column } from '../catalog/data-source.js';
import { SqlError } from '../errors.js';
import { array, BIGINT, BOOLEAN, BYTES, DATE, decimal, DOUBLE, formatType, INTEGER, map, STRING, struct, TIME, TIMESTAMP, type SqlType } from '../types/sql-type.js';

export const KSQL_RECORD_NAMESPACE = 'io.confluent.ksql.avro_schemas';
export const KSQL_RECORD_NAME = 'KsqlDataSourceSchema';

type AvroSchema = string | AvroSchema[] | { readonly [k: string]: unknown };

/** The Avro schema ksqlDB registers for `columns` (a record; a single key column is its bare type). */
export function avroSchemaOf(columns: readonly Column[], unwrapped: boolean): AvroSchema {
  if (unwrapped && columns.length === 1) return optional(avroType(columns[0]!.type, KSQL_RECORD_NAME));
  return {
    type: 'record',
    name: KSQL_RECORD_NAME,
    namespace: KSQL_RECORD_NAMESPACE,
    fields: columns.map((c) => ({ name: c.name, type: optional(avroType(c.type, `${KSQL_RECORD_NAME}_${c.name}`)), default: null })),
  };
}

function optional(t: AvroSchema): AvroSchema {
  return ['null', t];
}

function avroType(t: SqlType, name: string): AvroSchema {
  switch (t.base) {
    case 'BOOLEAN':
      return 'boolean';
    case 'INTEGER':
      return 'int';
    case 'BIGINT':
      return 'long';
    case 'DOUBLE':
      return 'double';
    case 'STRING':
      return 'string';
    case 'BYTES':
      return 'bytes';
    case 'DECIMAL':
      return { type: 'bytes', logicalType: 'decimal', precision: t.precision, scale: t.scale };
    case 'DATE':
      return { type: 'int', logicalType: 'date' };
    case 'TIME':
      return { type: 'int', logicalType: 'time-millis' };
    case 'TIMESTAMP':
      return { type: 'long', logicalType: 'timestamp-millis' };
    case 'ARRAY':
      return { type: 'array', items: optional(avroType(t.element, name)) };
    case 'MAP':
      if (t.key.base !== 'STRING') throw new SqlError(`The 'AVRO' format only supports MAP types with STRING keys, not ${formatType(t)}`);
      return { type: 'map', values: optional(avroType(t.value, name)) };
    case 'STRUCT':
      return { type: 'record', name, namespace: KSQL_RECORD_NAMESPACE, fields: t.fields.map((f) => ({ name: f.name, type: optional(avroType(f.type, `${name}_${f.name}`)), default: null })) };
    case 'NULL':
      throw new SqlError('The NULL type has no Avro schema');
  }
}

/** Columns from a registered Avro schema: a record's fields, or one column `name` for any other type. */
export function columnsFromAvro(text: string, kind: 'KEY' | 'VALUE', single: string): Column[] {
  const named = new Map<string, Record<string, unknown>>();
  const root = JSON.parse(text) as AvroSchema;
  const resolved = resolveAvro(root, named, undefined);
  if (isRecord(resolved)) {
    return (resolved.fields as Array<{ name: string; type: AvroSchema }>).map((f) => ({ name: f.name.toUpperCase(), type: sqlTypeOfAvro(f.type, named, resolved.namespace as string | undefined), kind }));
  }
  return [{ name: single, type: sqlTypeOfAvro(root, named, undefined), kind }];
}

function isRecord(s: AvroSchema): s is Record<string, unknown> {
  return typeof s === 'object' && !Array.isArray(s) && s.type === 'record';
}

/** Follows a reference to a named type; records named types as they are defined. */
function resolveAvro(s: AvroSchema, named: Map<string, Record<string, unknown>>, ns: string | undefined): AvroSchema {
  if (typeof s === 'string') {
    return named.get(s) ?? named.get(ns !== undefined ? `${ns}.${s}` : s) ?? s;
  }
  if (!Array.isArray(s) && typeof s.name === 'string' && (s.type === 'record' || s.type === 'enum' || s.type === 'fixed')) {
    const space = s.name.includes('.') ? undefined : ((s.namespace as string | undefined) ?? ns);
    const full = space !== undefined ? `${space}.${s.name}` : s.name;
    named.set(full, s);
    named.set(s.name, s);
  }
  return s;
}

function sqlTypeOfAvro(schema: AvroSchema, named: Map<string, Record<string, unknown>>, ns: string | undefined): SqlType {
  const s = resolveAvro(schema, named, ns);
  if (Array.isArray(s)) {
    const branches = s.filter((b) => b !== 'null');
    if (branches.length !== 1) throw new SqlError(`Unsupported Avro union (only ["null", T] maps to a SQL type): ${JSON.stringify(s)}`);
    return sqlTypeOfAvro(branches[0]!, named, ns);
  }
  if (typeof s === 'string') {
    switch (s) {
      case 'boolean':
        return BOOLEAN;
      case 'int':
        return INTEGER;
      case 'long':
        return BIGINT;
      case 'float':
      case 'double':
        return DOUBLE;
      case 'string':
        return STRING;
      case 'bytes':
        return BYTES;
      default:
        throw new SqlError(`Unsupported Avro type: ${s}`);
    }
  }
  const logical = s.logicalType;
  const type = s.type as AvroSchema;
  if (logical === 'decimal' && (type === 'bytes' || type === 'fixed')) return decimal(Number(s.precision), Number(s.scale ?? 0));
  if (logical === 'date' && type === 'int') return DATE;
  if (logical === 'time-millis' && type === 'int') return TIME;
  if ((logical === 'timestamp-millis' || logical === 'timestamp-micros') && type === 'long') return TIMESTAMP;
  switch (type) {
    case 'record': {
      const space = (s.namespace as string | undefined) ?? ns;
      return struct((s.fields as Array<{ name: string; type: AvroSchema }>).map((f) => ({ name: f.name.toUpperCase(), type: sqlTypeOfAvro(f.type, named, space) })));
    }
    case 'array':
      return array(sqlTypeOfAvro(s.items as AvroSchema, named, ns));
    case 'map':
      return map(STRING, sqlTypeOfAvro(s.values as AvroSchema, named, ns));
    case 'enum':
      return STRING;
    case 'fixed':
      return BYTES;
    default:
      return sqlTypeOfAvro(type, named, ns);
  }
}

/** The JSON Schema ksqlDB-style JSON_SR sinks register for `columns`. */
export function jsonSchemaOf(columns: readonly Column[], unwrapped: boolean): Record<string, unknown> {
  if (unwrapped && columns.length === 1) return jsonType(columns[0]!.type);
  return {
    type: 'object',
    title: `${KSQL_RECORD_NAMESPACE}.${KSQL_RECORD_NAME}`,
    properties: Object.fromEntries(columns.map((c, i) => [c.name, { ...jsonType(c.type), 'connect.index': i }])),
  };
}

function nullable(t: Record<string, unknown>): Record<string, unknown> {
  return { oneOf: [{ type: 'null' }, t] };
}

function jsonType(t: SqlType): Record<string, unknown> {
  switch (t.base) {
    case 'BOOLEAN':
      return nullable({ type: 'boolean' });
    case 'INTEGER':
      return nullable({ type: 'integer', 'connect.type': 'int32' });
    case 'BIGINT':
      return nullable({ type: 'integer', 'connect.type': 'int64' });
    case 'DOUBLE':
      return nullable({ type: 'number', 'connect.type': 'float64' });
    case 'STRING':
      return nullable({ type: 'string' });
    case 'BYTES':
      return nullable({ type: 'string', 'connect.type': 'bytes' });
    case 'DECIMAL':
      return nullable({ type: 'number', title: 'org.apache.kafka.connect.data.Decimal', 'connect.type': 'bytes', 'connect.parameters': { scale: String(t.scale), 'connect.decimal.precision': String(t.precision) } });
    case 'DATE':
      return nullable({ type: 'integer', title: 'org.apache.kafka.connect.data.Date', 'connect.type': 'int32' });
    case 'TIME':
      return nullable({ type: 'integer', title: 'org.apache.kafka.connect.data.Time', 'connect.type': 'int32' });
    case 'TIMESTAMP':
      return nullable({ type: 'integer', title: 'org.apache.kafka.connect.data.Timestamp', 'connect.type': 'int64' });
    case 'ARRAY':
      return nullable({ type: 'array', items: jsonType(t.element) });
    case 'MAP':
      return nullable({ type: 'object', additionalProperties: jsonType(t.value), 'connect.type': 'map' });
    case 'STRUCT':
      return nullable({ type: 'object', properties: Object.fromEntries(t.fields.map((f, i) => [f.name, { ...jsonType(f.type), 'connect.index': i }])) });
    case 'NULL':
      return { type: 'null' };
  }
}

/** Columns from a registered JSON Schema: an object's properties, or one column `single`. */
export function columnsFromJsonSchema(text: string, kind: 'KEY' | 'VALUE', single: string): Column[] {
  const root = JSON.parse(text) as Record<string, unknown>;
  const s = unwrapNullable(root);
  if (s.type === 'object' && typeof s.properties === 'object' && s.properties !== null) {
    return Object.entries(s.properties as Record<string, Record<string, unknown>>).map(([name, p]) => ({ name: name.toUpperCase(), type: sqlTypeOfJson(p), kind }));
  }
  return [{ name: single, type: sqlTypeOfJson(root), kind }];
}

function unwrapNullable(s: Record<string, unknown>): Record<string, unknown> {
  const alts = (s.oneOf ?? s.anyOf) as Array<Record<string, unknown>> | undefined;
  if (Array.isArray(alts)) {
    const rest = alts.filter((a) => a.type !== 'null');
    if (rest.length === 1) return unwrapNullable(rest[0]!);
    throw new SqlError(`Unsupported JSON Schema union (only a type or null maps to a SQL type): ${JSON.stringify(s)}`);
  }
  if (Array.isArray(s.type)) {
    const rest = (s.type as string[]).filter((t) => t !== 'null');
    if (rest.length === 1) return { ...s, type: rest[0] };
  }
  return s;
}

function sqlTypeOfJson(schema: Record<string, unknown>): SqlType {
  const s = unwrapNullable(schema);
  const connect = s['connect.type'];
  const title = s.title;
  if (title === 'org.apache.kafka.connect.data.Decimal') {
    const p = (s['connect.parameters'] ?? {}) as Record<string, string>;
    return decimal(Number(p['connect.decimal.precision'] ?? 64), Number(p.scale ?? 0));
  }
  if (title === 'org.apache.kafka.connect.data.Date') return DATE;
  if (title === 'org.apache.kafka.connect.data.Time') return TIME;
  if (title === 'org.apache.kafka.connect.data.Timestamp') return TIMESTAMP;
  switch (s.type) {
    case 'boolean':
      return BOOLEAN;
    case 'integer':
      return connect === 'int32' || connect === 'int16' || connect === 'int8' ? INTEGER : BIGINT;
    case 'number':
      return DOUBLE;
    case 'string':
      return connect === 'bytes' ? BYTES : STRING;
    case 'array':
      return array(sqlTypeOfJson((s.items ?? {}) as Record<string, unknown>));
    case 'object':
      if (typeof s.properties === 'object' && s.properties !== null && connect !== 'map') {
        return struct(Object.entries(s.properties as Record<string, Record<string, unknown>>).map(([name, p]) => ({ name: name.toUpperCase(), type: sqlTypeOfJson(p) })));
      }
      return map(STRING, sqlTypeOfJson(typeof s.additionalProperties === 'object' && s.additionalProperties !== null ? (s.additionalProperties as Record<string, unknown>) : { type: 'string' }));
    default:
      throw new SqlError(`Unsupported JSON Schema type: ${JSON.stringify(s.type)}`);
  }
}
