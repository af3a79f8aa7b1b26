// Serialization formats (serialization.md): how a row's key columns become the Kafka record key and
// its value columns the record value. A value serde reads into (and writes from) a row array at
// given positions, so a source row is allocated once with room for key and pseudo columns; a key
// serde reads a single key column as its value and several as an array.

import type { Column, FormatInfo, FormatName } from '../catalog/data-source.js';
import { SqlError } from '../errors.js';
import type { Serde } from '../../streams/index.js';
import { formatType, type SqlType } from '../types/sql-type.js';
import { delimitedFormat } from './delimited-format.js';
import { jsonFormat } from './json-format.js';
import { kafkaFormat } from './kafka-format.js';

/** Where a value serde finds and puts its columns in a row. */
export interface ValueLayout {
  readonly columns: readonly Column[];
  /** Row position of each column. */
  readonly indices: readonly number[];
  /** Length of the rows the deserializer allocates. */
  readonly rowLength: number;
}

export type Row = unknown[];

export interface Format {
  readonly name: FormatName;
  /** Throws ksqlDB's error for columns this format cannot hold. */
  validate(columns: readonly Column[], isKey: boolean, properties: Readonly<Record<string, string>>): void;
  keySerde(columns: readonly Column[], properties: Readonly<Record<string, string>>): Serde<unknown>;
  valueSerde(layout: ValueLayout, properties: Readonly<Record<string, string>>): Serde<Row>;
}

const noneFormat: Format = {
  name: 'NONE',
  validate(columns) {
    if (columns.length > 0) {
      throw new SqlError(`The 'NONE' format can only be used when no columns are defined. Got: [${columns.map((c) => `\`${c.name}\` ${formatType(c.type)}${c.kind === 'KEY' ? ' KEY' : ''}`).join(', ')}]`);
    }
  },
  keySerde: () => ({ name: 'none', serialize: () => Buffer.alloc(0), deserialize: () => null }),
  valueSerde: () => {
    throw new SqlError("The 'NONE' format can only be used as a key format");
  },
};

const FORMATS: ReadonlyMap<string, Format> = new Map<string, Format>([
  ['JSON', jsonFormat],
  ['KAFKA', kafkaFormat],
  ['DELIMITED', delimitedFormat],
  ['NONE', noneFormat],
]);

export const KNOWN_FORMATS = new Set<FormatName>(['JSON', 'JSON_SR', 'KAFKA', 'DELIMITED', 'NONE', 'AVRO', 'PROTOBUF', 'PROTOBUF_NOSR']);

export function formatOf(info: FormatInfo): Format {
  const f = FORMATS.get(info.format);
  if (!f) {
    if (KNOWN_FORMATS.has(info.format)) {
      throw new SqlError(`The ${info.format} format needs a schema registry, which this SQL engine has not been given; use JSON, KAFKA or DELIMITED`);
    }
    throw new SqlError(`Unknown format: ${info.format}`);
  }
  return f;
}

/** The types a format refuses, with ksqlDB's message ("The 'KAFKA' format does not support type 'STRUCT'"). */
export function refuseTypes(format: string, columns: readonly Column[], refused: (t: SqlType) => boolean): void {
  for (const c of columns) {
    const bad = findType(c.type, refused);
    if (bad) throw new SqlError(`The '${format}' format does not support type '${bad.base}'`);
  }
}

function findType(t: SqlType, pred: (t: SqlType) => boolean): SqlType | undefined {
  if (pred(t)) return t;
  if (t.base === 'ARRAY') return findType(t.element, pred);
  if (t.base === 'MAP') return findType(t.key, pred) ?? findType(t.value, pred);
  if (t.base === 'STRUCT') {
    for (const f of t.fields) {
      const found = findType(f.type, pred);
      if (found) return found;
    }
  }
  return undefined;
}

/** WRAP_SINGLE_VALUE (default true): is a single value column written inside an object/record? */
export function wrapSingleValue(properties: Readonly<Record<string, string>>): boolean {
  const w = properties.WRAP_SINGLE_VALUE;
  return w === undefined || w.toLowerCase() !== 'false';
}

/** Keys present in a row's key: undefined values read as null. */
export function keyColumnsOf(columns: readonly Column[]): Column[] {
  return columns.filter((c) => c.kind === 'KEY');
}
