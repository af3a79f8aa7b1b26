// Streams and tables as the metastore holds them: columns (key, value and header columns), the
// topic and its key and value formats, the timestamp column, and the window of windowed sources.
// Pseudo columns (ROWTIME, ROWPARTITION, ROWOFFSET, and WINDOWSTART/WINDOWEND of windowed sources)
// are not stored: every source has them (data-definition.md, "Pseudocolumns").

import type { SqlSchemaRegistry } from '../formats/schema-registry.js';
import { BIGINT, formatType, INTEGER, quoteName, type SqlType } from '../types/sql-type.js';

export type ColumnKind = 'KEY' | 'VALUE' | 'HEADERS';

export interface Column {
  readonly name: string;
  readonly type: SqlType;
  readonly kind: ColumnKind;
  /** HEADER('key') columns: the header key (undefined for a HEADERS column holding all headers). */
  readonly headerKey?: string | undefined;
}

export type FormatName = 'JSON' | 'JSON_SR' | 'KAFKA' | 'DELIMITED' | 'NONE' | 'AVRO' | 'PROTOBUF' | 'PROTOBUF_NOSR';

export interface FormatInfo {
  readonly format: FormatName;
  /** Format properties: delimiter (DELIMITED), wrapSingleValue, schema ids and names (registry formats). */
  readonly properties: Readonly<Record<string, string>>;
  /** AVRO, JSON_SR: the schema registry their serdes use (not part of the statement; set by the engine). */
  readonly registry?: SqlSchemaRegistry | undefined;
}

export type WindowType = 'TUMBLING' | 'HOPPING' | 'SESSION';

export interface WindowInfo {
  readonly type: WindowType;
  /** Window size for TUMBLING and HOPPING (needed to read their keys, which carry only the start). */
  readonly sizeMs: number | undefined;
}

export interface TimestampInfo {
  readonly column: string;
  readonly format: string | undefined;
}

export interface DataSource {
  readonly name: string;
  readonly type: 'STREAM' | 'TABLE';
  /** Key columns first, then value and header columns, as declared. */
  readonly columns: readonly Column[];
  readonly topic: string;
  readonly keyFormat: FormatInfo;
  readonly valueFormat: FormatInfo;
  readonly timestamp: TimestampInfo | undefined;
  readonly window: WindowInfo | undefined;
  /** CREATE SOURCE STREAM|TABLE: read-only (no INSERT, DELETE TOPIC), materialized for pull queries if a table. */
  readonly isSource: boolean;
  /** The statement that created it. */
  readonly sqlExpression: string;
  /** Set for sources created by CREATE ... AS SELECT: the query writing into it. */
  readonly createdByQuery: string | undefined;
}

export const PSEUDO_COLUMNS: ReadonlyArray<{ readonly name: string; readonly type: SqlType }> = [
  { name: 'ROWTIME', type: BIGINT },
  { name: 'ROWPARTITION', type: INTEGER },
  { name: 'ROWOFFSET', type: BIGINT },
];

export const WINDOW_BOUNDS: ReadonlyArray<{ readonly name: string; readonly type: SqlType }> = [
  { name: 'WINDOWSTART', type: BIGINT },
  { name: 'WINDOWEND', type: BIGINT },
];

/** Names no user column may take. */
export const RESERVED_COLUMN_NAMES = new Set(['ROWTIME', 'ROWPARTITION', 'ROWOFFSET', 'WINDOWSTART', 'WINDOWEND']);

export function keyColumns(s: { readonly columns: readonly Column[] }): Column[] {
  return s.columns.filter((c) => c.kind === 'KEY');
}

export function valueColumns(s: { readonly columns: readonly Column[] }): Column[] {
  return s.columns.filter((c) => c.kind === 'VALUE');
}

export function headerColumns(s: { readonly columns: readonly Column[] }): Column[] {
  return s.columns.filter((c) => c.kind === 'HEADERS');
}

/** ksqlDB's schema text: `ID` STRING KEY, `NAME` STRING, `H` BYTES HEADER('k'). */
export function formatSchema(columns: readonly Column[], keyWord: 'KEY' | 'PRIMARY KEY' = 'KEY'): string {
  return columns
    .map((c) => {
      const suffix = c.kind === 'KEY' ? ` ${keyWord}` : c.kind === 'HEADERS' ? (c.headerKey === undefined ? ' HEADERS' : ` HEADER('${c.headerKey}')`) : '';
      return `${quoteName(c.name)} ${formatType(c.type)}${suffix}`;
    })
    .join(', ');
}
