// The schema registry side of CREATE statements (schema-registry-integration.md):
//   inference     CREATE STREAM/TABLE without value (or key) columns in a registry format loads them
//                 from the latest schema of `<topic>-value` (`<topic>-key`). As ksqlDB does, the
//                 statement kept in the command topic is rewritten with the columns it found and the
//                 schema id (VALUE_SCHEMA_ID / KEY_SCHEMA_ID), so a replay does not depend on what
//                 the registry holds by then, and writes into the source use the producer's schema.
//   registration  a source or sink whose columns are known and that has no schema id registers the
//                 schema derived from its columns (registry-schemas.ts) under the topic's subject;
//                 its id becomes the format's SCHEMA_ID, which the serializers write.

import { formatSchema, keyColumns, valueColumns, type Column, type DataSource, type FormatInfo } from '../catalog/data-source.js';
import { SqlError } from '../errors.js';
import { avroSchemaOf, columnsFromAvro, columnsFromJsonSchema, jsonSchemaOf } from '../formats/registry-schemas.js';
import { registrySchemaType, subjectOf, type SqlSchemaRegistry } from '../formats/schema-registry.js';
import { formatIdentifier, formatLiteral, formatTypeAst } from '../parser/formatter.js';
import { parseStatement, type Statement } from '../parser/index.js';
import { literalText } from './source-definition.js';

type CreateSource = Extract<Statement, { kind: 'createSource' }>;

function formatNames(stmt: CreateSource): { key: string; value: string | undefined } {
  const prop = (n: string): string | undefined => {
    const p = stmt.properties.get(n);
    return p === undefined ? undefined : literalText(p.value).toUpperCase();
  };
  const both = prop('FORMAT');
  return { key: both ?? prop('KEY_FORMAT') ?? 'KAFKA', value: both ?? prop('VALUE_FORMAT') };
}

async function latestOrUndefined(registry: SqlSchemaRegistry, subject: string): Promise<Awaited<ReturnType<SqlSchemaRegistry['latest']>> | undefined> {
  try {
    return await registry.latest(subject);
  } catch (e) {
    if ((e as { status?: unknown }).status === 404) return undefined;
    throw new SqlError(`Schema registry: could not read subject ${subject}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function inferColumns(registry: SqlSchemaRegistry, topic: string, format: string, isKey: boolean, schemaId: string | undefined): Promise<{ columns: Column[]; id: number } | undefined> {
  const subject = subjectOf(topic, isKey);
  const found = schemaId !== undefined ? registry.byIdSync(Number(schemaId)) : await latestOrUndefined(registry, subject);
  if (!found) return undefined;
  const want = registrySchemaType(format);
  if (found.schemaType !== want) throw new SqlError(`Format ${format} needs a ${want} schema, but subject ${subject} has a ${found.schemaType} schema (id ${found.id})`);
  const kind = isKey ? 'KEY' : 'VALUE';
  const single = isKey ? 'ROWKEY' : 'ROWVAL';
  try {
    return { columns: found.schemaType === 'AVRO' ? columnsFromAvro(found.schema, kind, single) : columnsFromJsonSchema(found.schema, kind, single), id: found.id };
  } catch (e) {
    throw new SqlError(`Unable to use the schema of subject ${subject} (id ${found.id}): ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The statement with the columns its registry formats leave out, inferred (unchanged when none are). */
export async function injectSchemas(stmt: Statement, registry: SqlSchemaRegistry | undefined): Promise<Statement> {
  if (stmt.kind !== 'createSource') return stmt;
  const formats = formatNames(stmt);
  const elements = stmt.elements ?? [];
  const hasKey = elements.some((e) => e.key !== undefined);
  const hasValue = elements.some((e) => e.key === undefined && e.headers === undefined);
  const inferValue = !hasValue && formats.value !== undefined && (formats.value === 'AVRO' || formats.value === 'JSON_SR' || formats.value === 'PROTOBUF');
  const inferKey = !hasKey && (formats.key === 'AVRO' || formats.key === 'JSON_SR' || formats.key === 'PROTOBUF');
  if (!inferValue && !inferKey) return stmt;
  if (!registry) throw new SqlError(`Schema inference for ${inferValue ? formats.value! : formats.key} needs a schema registry, which this SQL engine has not been given`);
  const topicProp = stmt.properties.get('KAFKA_TOPIC');
  if (!topicProp) return stmt;
  const topic = literalText(topicProp.value);
  const props = new Map([...stmt.properties].map(([k, v]) => [k, formatLiteral(v.value)]));
  const inferred: Column[] = [];
  if (inferKey) {
    const k = await inferColumns(registry, topic, formats.key, true, stmt.properties.has('KEY_SCHEMA_ID') ? literalText(stmt.properties.get('KEY_SCHEMA_ID')!.value) : undefined);
    if (k) {
      inferred.push(...k.columns);
      props.set('KEY_SCHEMA_ID', String(k.id));
    } else if (stmt.sourceType === 'TABLE') {
      throw new SqlError(`Schema for subject ${subjectOf(topic, true)} not found in the schema registry: tables need a key; declare the PRIMARY KEY column or register a key schema`);
    }
  }
  if (inferValue) {
    const v = await inferColumns(registry, topic, formats.value!, false, stmt.properties.has('VALUE_SCHEMA_ID') ? literalText(stmt.properties.get('VALUE_SCHEMA_ID')!.value) : undefined);
    if (!v) throw new SqlError(`Schema for message values on topic '${topic}' does not exist in the Schema Registry.Subject: ${subjectOf(topic, false)}\n\nPossible causes include:\n- The topic itself does not exist\n\t-> Use SHOW TOPICS; to check\n- Messages on the topic are not serialized using a format Schema Registry supports\n\t-> Use PRINT '${topic}' FROM BEGINNING; to verify\n- Messages on the topic have not been serialized using a Confluent Schema Registry supported serializer\n\t-> See https://docs.confluent.io/current/schema-registry/docs/serializer-formatter.html\n- The schema is registered on a different instance of the Schema Registry\n\t-> Use the REST API to list available subjects\thttps://docs.confluent.io/current/schema-registry/docs/api.html#get--subjects\n- You do not have permissions to access the Schema Registry.\n\t-> See https://docs.confluent.io/current/schema-registry/docs/security.html`);
    inferred.push(...v.columns);
    props.set('VALUE_SCHEMA_ID', String(v.id));
  }
  const keyWord = stmt.sourceType === 'TABLE' ? 'PRIMARY KEY' : 'KEY';
  const declared = elements.map((e) => `${formatIdentifier(e.name)} ${formatTypeAst(e.type)}${e.key ? ` ${e.key}` : e.headers ? (e.headers.key === undefined ? ' HEADERS' : ` HEADER(${formatLiteral({ type: 'STRING', value: e.headers.key })})`) : ''}`);
  const columns = [...declared, ...(inferred.length > 0 ? [formatSchema(inferred, keyWord)] : [])].join(', ');
  const text = `CREATE ${stmt.orReplace ? 'OR REPLACE ' : ''}${stmt.isSource ? 'SOURCE ' : ''}${stmt.sourceType} ${stmt.ifNotExists ? 'IF NOT EXISTS ' : ''}${formatIdentifier(stmt.name)} (${columns}) WITH (${[...props].map(([k, v]) => `${k}=${v}`).join(', ')});`;
  return parseStatement(text);
}

async function withSchemaId(format: FormatInfo, columns: readonly Column[], topic: string, isKey: boolean, registry: SqlSchemaRegistry | undefined): Promise<FormatInfo> {
  const type = registrySchemaType(format.format);
  if (type === undefined || columns.length === 0 || format.properties.SCHEMA_ID !== undefined) return format;
  if (!registry) throw new SqlError(`The ${format.format} format needs a schema registry, which this SQL engine has not been given; use JSON, KAFKA or DELIMITED`);
  if (type === 'PROTOBUF') throw new SqlError('The PROTOBUF format is not supported by Brook yet; use AVRO or JSON_SR');
  const unwrapped = isKey || format.properties.WRAP_SINGLE_VALUE?.toLowerCase() === 'false';
  const schema = JSON.stringify(type === 'AVRO' ? avroSchemaOf(columns, unwrapped) : jsonSchemaOf(columns, unwrapped));
  const subject = subjectOf(topic, isKey);
  let id: number;
  try {
    id = await registry.register(subject, schema, type);
  } catch (e) {
    throw new SqlError(`Could not register schema for subject ${subject}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { ...format, properties: { ...format.properties, SCHEMA_ID: String(id) } };
}

/** The source with the schema ids its registry formats write with (registering derived schemas). */
export async function registerSchemas(source: DataSource, registry: SqlSchemaRegistry | undefined): Promise<DataSource> {
  const keyFormat = await withSchemaId(source.keyFormat, keyColumns(source), source.topic, true, registry);
  const valueFormat = await withSchemaId(source.valueFormat, valueColumns(source), source.topic, false, registry);
  return keyFormat === source.keyFormat && valueFormat === source.valueFormat ? source : { ...source, keyFormat, valueFormat };
}
