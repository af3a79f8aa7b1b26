// The contract every serialization format implements (format.ts keeps the registry of them), and
// helpers the formats share.

import type { Column, FormatName } from '../catalog/data-source.js';
import { SqlError } from '../errors.js';
import type { Serde } from '../../streams/index.js';
import type { SqlType } from '../types/sql-type.js';

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
