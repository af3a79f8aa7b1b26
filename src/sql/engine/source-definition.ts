// CREATE STREAM / CREATE TABLE (and the sink of CREATE ... AS SELECT) into a DataSource: columns
// with their KEY / PRIMARY KEY / HEADERS roles and the WITH properties (create-stream.md,
// create-table.md). Validation follows ksqlDB, with its messages.

import { RESERVED_COLUMN_NAMES, type Column, type DataSource, type FormatInfo, type FormatName, type WindowInfo } from '../catalog/data-source.js';
import type { MetaStore } from '../catalog/metastore.js';
import { SqlError } from '../errors.js';
import { resolveTypeAst } from '../analyzer/expression-analyzer.js';
import { KNOWN_FORMATS } from '../formats/format.js';
import { registrySchemaType, type SqlSchemaRegistry } from '../formats/schema-registry.js';
import type { LiteralValue, Properties, Statement } from '../parser/ast.js';
import { formatType, type SqlType } from '../types/sql-type.js';
import { parseDuration } from './durations.js';

type CreateSource = Extract<Statement, { kind: 'createSource' }>;

/** The WITH properties each statement accepts (anything else is an error, as in ksqlDB). */
const SOURCE_PROPERTIES = new Set([
  'KAFKA_TOPIC',
  'VALUE_FORMAT',
  'KEY_FORMAT',
  'FORMAT',
  'PARTITIONS',
  'REPLICAS',
  'TIMESTAMP',
  'TIMESTAMP_FORMAT',
  'WINDOW_TYPE',
  'WINDOW_SIZE',
  'VALUE_DELIMITER',
  'KEY_DELIMITER',
  'WRAP_SINGLE_VALUE',
  'RETENTION_MS',
  'CLEANUP_POLICY',
  'VALUE_SCHEMA_ID',
  'KEY_SCHEMA_ID',
  'VALUE_AVRO_SCHEMA_FULL_NAME',
  'KEY_SCHEMA_FULL_NAME',
  'VALUE_SCHEMA_FULL_NAME',
]);

export function literalText(v: LiteralValue): string {
  switch (v.type) {
    case 'NULL':
      return 'null';
    case 'BOOLEAN':
      return String(v.value);
    case 'STRING':
      return v.value;
    default:
      return v.text;
  }
}

export class PropertyReader {
  constructor(
    private readonly props: Properties,
    private readonly allowed: ReadonlySet<string> = SOURCE_PROPERTIES,
  ) {
    for (const name of props.keys()) {
      if (!allowed.has(name)) throw new SqlError(`Invalid config variable(s) in the WITH clause: ${name}`);
    }
  }

  string(name: string): string | undefined {
    const p = this.props.get(name);
    return p === undefined ? undefined : literalText(p.value);
  }

  int(name: string): number | undefined {
    const s = this.string(name);
    if (s === undefined) return undefined;
    const n = Number(s);
    if (!Number.isInteger(n) || n <= 0) throw new SqlError(`Invalid value for ${name}: ${s} (a positive integer is required)`);
    return n;
  }
}

function positiveInt(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new SqlError(`Invalid value for ${name}: ${text} (a schema id is a non-negative integer)`);
  return n;
}

function formatName(text: string, what: string): FormatName {
  const f = text.toUpperCase() as FormatName;
  if (!KNOWN_FORMATS.has(f)) throw new SqlError(`Unknown format: ${text} (${what})`);
  return f;
}

/** Key and value formats from FORMAT / KEY_FORMAT / VALUE_FORMAT (defaults: KAFKA key, `defaultValue` value). */
/** A format inherited from a query's source: without the schema id, which belongs to the source's subject. */
function inherited(f: FormatInfo, extra: Record<string, string>): FormatInfo {
  const properties: Record<string, string> = { ...f.properties, ...extra };
  delete properties.SCHEMA_ID;
  return { ...f, properties };
}

export function formatsOf(p: PropertyReader, defaults: { key: FormatInfo; value: FormatInfo | undefined }, registry?: SqlSchemaRegistry): { key: FormatInfo; value: FormatInfo } {
  const both = p.string('FORMAT');
  const keyText = p.string('KEY_FORMAT');
  const valueText = p.string('VALUE_FORMAT');
  if (both !== undefined && (keyText !== undefined || valueText !== undefined)) {
    throw new SqlError("Cannot supply both 'FORMAT' and 'KEY_FORMAT' or 'VALUE_FORMAT' properties, as 'FORMAT' sets both key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and 'VALUE_FORMAT'.");
  }
  const keyProps: Record<string, string> = {};
  const valueProps: Record<string, string> = {};
  const kd = p.string('KEY_DELIMITER');
  const vd = p.string('VALUE_DELIMITER');
  const wrap = p.string('WRAP_SINGLE_VALUE');
  if (kd !== undefined) keyProps.KEY_DELIMITER = kd;
  if (vd !== undefined) valueProps.VALUE_DELIMITER = vd;
  if (wrap !== undefined) valueProps.WRAP_SINGLE_VALUE = wrap;
  const keyId = p.string('KEY_SCHEMA_ID');
  const valueId = p.string('VALUE_SCHEMA_ID');
  if (keyId !== undefined) keyProps.SCHEMA_ID = String(positiveInt(keyId, 'KEY_SCHEMA_ID'));
  if (valueId !== undefined) valueProps.SCHEMA_ID = String(positiveInt(valueId, 'VALUE_SCHEMA_ID'));
  const key = both ?? keyText;
  const value = both ?? valueText;
  const valueFormat = value !== undefined ? { format: formatName(value, 'VALUE_FORMAT'), properties: valueProps } : defaults.value ? inherited(defaults.value, valueProps) : undefined;
  if (!valueFormat) throw new SqlError("Missing required property \"VALUE_FORMAT\" which has no default value.");
  const keyFormat = key !== undefined ? { format: formatName(key, 'KEY_FORMAT'), properties: keyProps } : inherited(defaults.key, keyProps);
  for (const [f, id] of [[keyFormat, keyId], [valueFormat, valueId]] as const) {
    if (id !== undefined && registrySchemaType(f.format) === undefined) throw new SqlError(`${f === keyFormat ? 'KEY' : 'VALUE'}_SCHEMA_ID is only valid with a format that uses the schema registry (AVRO, JSON_SR, PROTOBUF), not ${f.format}`);
  }
  return { key: { ...keyFormat, registry }, value: { ...valueFormat, registry } };
}

export function windowOf(p: PropertyReader): WindowInfo | undefined {
  const type = p.string('WINDOW_TYPE');
  if (type === undefined) {
    if (p.string('WINDOW_SIZE') !== undefined) throw new SqlError("'WINDOW_SIZE' should not be set for non-windowed sources.");
    return undefined;
  }
  const t = type.toUpperCase();
  if (t !== 'TUMBLING' && t !== 'HOPPING' && t !== 'SESSION') throw new SqlError(`Invalid WINDOW_TYPE: ${type}. Valid values are: SESSION, HOPPING, TUMBLING`);
  const size = p.string('WINDOW_SIZE');
  if (t === 'SESSION') {
    if (size !== undefined) throw new SqlError("'WINDOW_SIZE' should not be set for SESSION windows.");
    return { type: t, sizeMs: undefined };
  }
  if (size === undefined) throw new SqlError(`Tumbling and Hopping window types should set WINDOW_SIZE in the WITH clause.`);
  return { type: t, sizeMs: parseDuration(size) };
}

/** HEADERS is ARRAY<STRUCT<KEY STRING, VALUE BYTES>>, HEADER('k') BYTES (ksqlDB 0.24+, create-stream.md). */
function checkHeaderType(name: string, key: string | undefined, type: SqlType): void {
  if (key !== undefined) {
    if (type.base !== 'BYTES') throw new SqlError(`Invalid type for HEADER('${key}') column ${name}: expected BYTES, got ${formatType(type)}`);
    return;
  }
  const ok =
    type.base === 'ARRAY' &&
    type.element.base === 'STRUCT' &&
    type.element.fields.length === 2 &&
    type.element.fields[0]!.name === 'KEY' &&
    type.element.fields[0]!.type.base === 'STRING' &&
    type.element.fields[1]!.name === 'VALUE' &&
    type.element.fields[1]!.type.base === 'BYTES';
  if (!ok) throw new SqlError(`Invalid type for HEADERS column ${name}: expected ARRAY<STRUCT<\`KEY\` STRING, \`VALUE\` BYTES>>, got ${formatType(type)}`);
}

export function buildSource(stmt: CreateSource, metastore: MetaStore, defaultPartitions: number, registry?: SqlSchemaRegistry): { source: DataSource; partitions: number | undefined; replicas: number | undefined } {
  const p = new PropertyReader(stmt.properties);
  const topic = p.string('KAFKA_TOPIC');
  if (topic === undefined) throw new SqlError('Missing required property "KAFKA_TOPIC" which has no default value.');
  if (!stmt.elements || stmt.elements.length === 0) {
    throw new SqlError(`The statement does not define any columns.`);
  }
  const columns: Column[] = [];
  const seen = new Set<string>();
  for (const e of stmt.elements) {
    if (RESERVED_COLUMN_NAMES.has(e.name)) throw new SqlError(`'${e.name}' is a reserved column name. You cannot use it as a name for a column.`);
    if (seen.has(e.name)) throw new SqlError(`Duplicate column names: ${e.name}`);
    seen.add(e.name);
    if (stmt.sourceType === 'STREAM' && e.key === 'PRIMARY KEY') {
      throw new SqlError(`Line: ${e.pos.line}, Col: ${e.pos.column}: Column \`${e.name}\` is a 'PRIMARY KEY' column: please use 'KEY' for streams.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.`);
    }
    if (stmt.sourceType === 'TABLE' && e.key === 'KEY') {
      throw new SqlError(`Line: ${e.pos.line}, Col: ${e.pos.column}: Column \`${e.name}\` is a 'KEY' column: please use 'PRIMARY KEY' for tables.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.`);
    }
    const type = resolveTypeAst(e.type, (n) => metastore.type(n));
    if (e.headers) checkHeaderType(e.name, e.headers.key, type);
    columns.push({ name: e.name, type, kind: e.key ? 'KEY' : e.headers ? 'HEADERS' : 'VALUE', headerKey: e.headers?.key });
  }
  // Key columns first, as ksqlDB's schema puts them.
  columns.sort((a, b) => (a.kind === 'KEY' ? 0 : 1) - (b.kind === 'KEY' ? 0 : 1));
  if (stmt.sourceType === 'TABLE' && !columns.some((c) => c.kind === 'KEY')) {
    throw new SqlError(`Tables require a PRIMARY KEY. Please define the PRIMARY KEY.\nUse a partial schema to define the primary key and still load the value columns from the Schema Registry, for example:\n\tCREATE TABLE ${stmt.name} (ID INT PRIMARY KEY) WITH (...);`);
  }
  const formats = formatsOf(p, { key: { format: 'KAFKA', properties: {} }, value: undefined }, registry);
  const tsColumn = p.string('TIMESTAMP');
  let timestamp: DataSource['timestamp'];
  if (tsColumn !== undefined) {
    const name = tsColumn.toUpperCase();
    const col = columns.find((c) => c.name === name) ?? columns.find((c) => c.name === tsColumn);
    if (!col) throw new SqlError(`The TIMESTAMP column set in the WITH clause does not exist in the schema: '${name}'`);
    const format = p.string('TIMESTAMP_FORMAT');
    const ok = format !== undefined ? col.type.base === 'STRING' : col.type.base === 'BIGINT' || col.type.base === 'TIMESTAMP';
    if (!ok) {
      throw new SqlError(`Timestamp column, \`${col.name}\`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified.`);
    }
    timestamp = { column: col.name, format };
  }
  const source: DataSource = {
    name: stmt.name,
    type: stmt.sourceType,
    columns,
    topic,
    keyFormat: formats.key,
    valueFormat: formats.value,
    timestamp,
    window: windowOf(p),
    isSource: stmt.isSource,
    sqlExpression: stmt.text,
    createdByQuery: undefined,
  };
  void defaultPartitions;
  return { source, partitions: p.int('PARTITIONS'), replicas: p.int('REPLICAS') };
}
