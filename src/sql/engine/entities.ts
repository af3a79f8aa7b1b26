// The JSON entities ksqlDB's POST /ksql answers with (its rest-api reference, "ksql endpoint"):
// `currentStatus` for commands, `streams` / `tables` / `kafka_topics` / `queries` for listings,
// `sourceDescription` for DESCRIBE, `properties` for SHOW PROPERTIES. Clients (the Java and
// Python clients, the CLI) switch on `@type`, so the field names are ksqlDB's exactly.

import { formatSchema, keyColumns, type Column, type DataSource } from '../catalog/data-source.js';
import type { SqlType } from '../types/sql-type.js';

export type KsqlEntity = Record<string, unknown> & { '@type': string; statementText: string; warnings: unknown[] };

export function currentStatus(statementText: string, commandId: string, sequence: number, message: string, queryId: string | null = null): KsqlEntity {
  return {
    '@type': 'currentStatus',
    statementText,
    commandId,
    commandStatus: { status: 'SUCCESS', message, queryId },
    commandSequenceNumber: sequence,
    warnings: [],
  };
}

function sourceInfo(s: DataSource): Record<string, unknown> {
  return { type: s.type, name: s.name, topic: s.topic, keyFormat: s.keyFormat.format, valueFormat: s.valueFormat.format, isWindowed: s.window !== undefined };
}

export function sourceList(statementText: string, type: 'STREAM' | 'TABLE', sources: readonly DataSource[]): KsqlEntity {
  const list = sources.filter((s) => s.type === type).sort((a, b) => a.name.localeCompare(b.name)).map(sourceInfo);
  return type === 'STREAM' ? { '@type': 'streams', statementText, streams: list, warnings: [] } : { '@type': 'tables', statementText, tables: list, warnings: [] };
}

export function topicList(statementText: string, topics: ReadonlyArray<{ name: string; replicas: number[] }>): KsqlEntity {
  return { '@type': 'kafka_topics', statementText, topics: topics.map((t) => ({ name: t.name, replicaInfo: t.replicas })), warnings: [] };
}

export interface QueryInfo {
  readonly id: string;
  readonly statement: string;
  readonly sinks: readonly string[];
  readonly sinkTopics: readonly string[];
  readonly state: 'RUNNING' | 'ERROR' | 'PENDING_SHUTDOWN';
}

export function queryList(statementText: string, queries: readonly QueryInfo[]): KsqlEntity {
  return {
    '@type': 'queries',
    statementText,
    queries: queries.map((q) => ({
      queryString: q.statement,
      sinks: q.sinks,
      sinkKafkaTopics: q.sinkTopics,
      id: q.id,
      statusCount: { [q.state]: 1 },
      queryType: 'PERSISTENT',
      state: q.state,
    })),
    warnings: [],
  };
}

/** ksqlDB's schema JSON of a field type: { type, fields, memberSchema }. */
export function schemaOf(t: SqlType): Record<string, unknown> {
  switch (t.base) {
    case 'ARRAY':
      return { type: 'ARRAY', fields: null, memberSchema: schemaOf(t.element) };
    case 'MAP':
      return { type: 'MAP', fields: null, memberSchema: schemaOf(t.value) };
    case 'STRUCT':
      return { type: 'STRUCT', fields: t.fields.map((f) => ({ name: f.name, schema: schemaOf(f.type) })), memberSchema: null };
    case 'DECIMAL':
      return { type: 'DECIMAL', fields: null, memberSchema: null, parameters: { precision: t.precision, scale: t.scale } };
    default:
      return { type: t.base, fields: null, memberSchema: null };
  }
}

function field(c: Column): Record<string, unknown> {
  return { name: c.name, schema: schemaOf(c.type), ...(c.kind === 'KEY' ? { type: 'KEY' } : c.kind === 'HEADERS' ? { type: 'HEADER', headerKey: c.headerKey ?? null } : {}) };
}

export function sourceDescription(
  statementText: string,
  s: DataSource,
  extended: boolean,
  readQueries: readonly QueryInfo[],
  writeQueries: readonly QueryInfo[],
  partitions: number,
  replication: number,
): KsqlEntity {
  const brief = (q: QueryInfo): Record<string, unknown> => ({ queryString: q.statement, sinks: q.sinks, sinkKafkaTopics: q.sinkTopics, id: q.id, statusCount: { [q.state]: 1 }, queryType: 'PERSISTENT', state: q.state });
  return {
    '@type': 'sourceDescription',
    statementText,
    sourceDescription: {
      name: s.name,
      windowType: s.window?.type ?? null,
      readQueries: readQueries.map(brief),
      writeQueries: writeQueries.map(brief),
      fields: s.columns.map(field),
      type: s.type,
      timestamp: s.timestamp?.column ?? '',
      statistics: '',
      errorStats: '',
      extended,
      keyFormat: s.keyFormat.format,
      valueFormat: s.valueFormat.format,
      topic: s.topic,
      partitions,
      replication,
      statement: s.sqlExpression,
      queryOffsetSummaries: [],
      sourceConstraints: [],
      clusterStatistics: [],
      clusterErrorStats: [],
    },
    warnings: [],
  };
}

/** ksqlDB's schema string for a query header: `ID` STRING KEY, `COUNT` BIGINT. */
export function headerSchema(columns: readonly Column[]): string {
  return formatSchema(columns);
}

export function hasKey(s: DataSource): boolean {
  return keyColumns(s).length > 0;
}
