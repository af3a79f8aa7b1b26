// The serdes of a source's (or sink's) key and value, from its columns and formats.

import type { Serde, Windowed } from '../../streams/index.js';
import { keyColumns, valueColumns, type Column, type FormatInfo, type WindowInfo } from '../catalog/data-source.js';
import { SqlError } from '../errors.js';
import { formatOf, type Row, type ValueLayout } from '../formats/format.js';
import { sessionWindowedKeySerde, timeWindowedKeySerde } from '../formats/internal-serdes.js';

const NULL_KEY: Serde<unknown> = { name: 'none', serialize: () => Buffer.alloc(0), deserialize: () => null };

/** The serde of a key made of `columns` (none: no key; one: the value; several: an array). */
export function keySerde(columns: readonly Column[], format: FormatInfo): Serde<unknown> {
  if (columns.length === 0) return NULL_KEY;
  const f = formatOf(format);
  f.validate(columns, true, format.properties);
  return f.keySerde(columns, format.properties);
}

export function windowedKeySerde(inner: Serde<unknown>, window: WindowInfo): Serde<Windowed<unknown>> {
  if (window.type === 'SESSION') return sessionWindowedKeySerde(inner);
  if (window.sizeMs === undefined) throw new SqlError(`${window.type} windowed sources need WINDOW_SIZE`);
  return timeWindowedKeySerde(inner, window.sizeMs);
}

/** A value serde over the value columns of `columns`, placed at `indices` of rows of `rowLength`. */
export function valueSerde(columns: readonly Column[], format: FormatInfo, place: (c: Column, i: number) => number, rowLength: number): Serde<Row> {
  const values = valueColumns({ columns });
  const f = formatOf(format);
  f.validate(values, false, format.properties);
  const layout: ValueLayout = { columns: values, indices: values.map(place), rowLength };
  return f.valueSerde(layout, format.properties);
}

/** The key serde of a source, windowed if the source is. */
export function sourceKeySerde(source: { readonly columns: readonly Column[]; readonly keyFormat: FormatInfo; readonly window: WindowInfo | undefined }): Serde<unknown> {
  const inner = keySerde(keyColumns(source), source.keyFormat);
  return source.window ? (windowedKeySerde(inner, source.window) as Serde<unknown>) : inner;
}
