// A query's sources as brook/streams streams and tables of row arrays. The value deserializer
// allocates each row with room for every slot of the source (sourceSlots), and one pass over the
// row then fills the key columns from the record key and the pseudo columns the query reads
// (ROWTIME, ROWPARTITION, ROWOFFSET; WINDOWSTART/WINDOWEND of windowed sources) and header
// columns (HEADERS: every header as ARRAY<STRUCT<KEY STRING, VALUE BYTES>>; HEADER('k'): the last
// header with key k, as BYTES), from the input record's context.

import type { App, RecordContext, Stream, Table, Windowed } from '../../streams/index.js';
import { keyColumns } from '../catalog/data-source.js';
import { sourceSlots, type SourceBinding } from '../analyzer/scope.js';
import { SqlError } from '../errors.js';
import type { Row } from '../formats/format.js';
import { parseWithPattern } from '../types/java-datetime.js';
import { newStruct } from '../types/values.js';
import { RowLayout } from './row-layout.js';
import { internalRowSerde } from '../formats/internal-serdes.js';
import { sourceKeySerde, valueSerde } from './serdes.js';
import type { EvalContext } from './evaluation.js';

export interface PlannedSource {
  readonly binding: SourceBinding;
  readonly layout: RowLayout;
  readonly stream: Stream<unknown, Row> | undefined;
  readonly table: Table<unknown, Row> | undefined;
}

type Filler = (row: Row, key: unknown, ts: number, record?: RecordContext) => void;

interface HeaderSlot {
  readonly at: number;
  /** HEADER('k'); undefined: HEADERS, all of them. */
  readonly key: string | undefined;
  /** Field names of the HEADERS struct type (KEY, VALUE as declared). */
  readonly fields: readonly [string, string];
}

function fillHeaders(row: Row, slots: readonly HeaderSlot[], record: RecordContext | undefined): void {
  const headers = record?.headers ?? [];
  for (const h of slots) {
    if (h.key === undefined) {
      row[h.at] = headers.map((x) => {
        const s = newStruct();
        s[h.fields[0]] = x.key;
        s[h.fields[1]] = x.value ?? null;
        return s;
      });
    } else {
      let v: Buffer | null = null;
      for (const x of headers) if (x.key === h.key) v = x.value ?? null;
      row[h.at] = v;
    }
  }
}

/** Fills key columns and the needed pseudo columns of a freshly deserialized row. */
function rowFiller(b: SourceBinding, layout: RowLayout, needed: ReadonlySet<string>): Filler | undefined {
  const keys = keyColumns(b.source).map((c) => layout.slotIndex(`${b.alias}.${c.name}`));
  const windowed = b.source.window !== undefined;
  const session = b.source.window?.type === 'SESSION';
  const at = (name: string): number => (needed.has(`${b.alias}.${name}`) ? layout.slotIndex(`${b.alias}.${name}`) : -1);
  const rowtime = at('ROWTIME');
  const ws = windowed ? at('WINDOWSTART') : -1;
  const we = windowed ? at('WINDOWEND') : -1;
  const partition = at('ROWPARTITION');
  const offset = at('ROWOFFSET');
  const headers: HeaderSlot[] = b.source.columns
    .filter((c) => c.kind === 'HEADERS' && needed.has(`${b.alias}.${c.name}`))
    .map((c) => {
      const t = c.type;
      const fields = t.base === 'ARRAY' && t.element.base === 'STRUCT' ? t.element.fields.map((f) => f.name) : ['KEY', 'VALUE'];
      return { at: layout.slotIndex(`${b.alias}.${c.name}`), key: c.headerKey, fields: [fields[0] ?? 'KEY', fields[1] ?? 'VALUE'] as const };
    });
  const record = partition >= 0 || offset >= 0 || headers.length > 0;
  if (record && b.source.type === 'TABLE') throw new SqlError(`ROWPARTITION, ROWOFFSET and header columns of table rows (${b.source.name}) are not supported yet by Brook's SQL engine`);
  if (keys.length === 0 && rowtime < 0 && ws < 0 && we < 0 && !record) return undefined;
  const single = keys.length === 1 ? keys[0]! : -1;
  return (row, k, ts, rec) => {
    let key = k;
    if (windowed && key !== null) {
      const w = key as Windowed<unknown>;
      key = w.key;
      if (ws >= 0) row[ws] = BigInt(w.window.start);
      if (we >= 0) row[we] = BigInt(session ? w.window.end - 1 : w.window.end);
    }
    if (single >= 0) row[single] = key ?? null;
    else if (keys.length > 1) for (let i = 0; i < keys.length; i++) row[keys[i]!] = key === null ? null : ((key as Row)[i] ?? null);
    if (rowtime >= 0) row[rowtime] = BigInt(ts);
    if (partition >= 0) row[partition] = rec?.partition ?? null;
    if (offset >= 0) row[offset] = rec?.offset ?? null;
    if (headers.length > 0) fillHeaders(row, headers, rec);
  };
}

/** The event time of a record from the source's TIMESTAMP column (ms; -1 drops the record). */
function timestampExtractor(b: SourceBinding, layout: RowLayout, ctx: EvalContext): ((value: Row, key: unknown, recordTs: number) => number) | undefined {
  const ts = b.source.timestamp;
  if (!ts) return undefined;
  const col = b.source.columns.find((c) => c.name === ts.column);
  if (!col) throw new SqlError(`The TIMESTAMP column ${ts.column} does not exist in ${b.source.name}`);
  const keys = keyColumns(b.source);
  const keyIndex = keys.indexOf(col);
  const at = layout.slotIndex(`${b.alias}.${col.name}`);
  const read = (value: Row, key: unknown): unknown => (keyIndex < 0 ? value[at] : keys.length === 1 ? key : (key as Row | null)?.[keyIndex]);
  const format = ts.format;
  return (value, key) => {
    const v = read(value, key);
    if (v === null || v === undefined) {
      ctx.log.error(ctx.queryId, `The TIMESTAMP column ${col.name} is NULL: record skipped`);
      return -1;
    }
    try {
      if (format !== undefined) return parseWithPattern(String(v), format);
      return typeof v === 'bigint' ? Number(v) : (v as number);
    } catch (e) {
      ctx.log.error(ctx.queryId, `Cannot parse the TIMESTAMP column ${col.name}: ${e instanceof Error ? e.message : String(e)}`);
      return -1;
    }
  };
}

export function sourceLayout(b: SourceBinding): RowLayout {
  const slots = sourceSlots(b);
  return new RowLayout(
    slots.map((s) => s.slot),
    slots.map((s) => s.type),
  );
}

export function planSource(app: App, b: SourceBinding, needed: ReadonlySet<string>, ctx: EvalContext, storeName: string): PlannedSource {
  const layout = sourceLayout(b);
  const source = b.source;
  const key = sourceKeySerde(source);
  const value = valueSerde(source.columns, source.valueFormat, (c) => layout.slotIndex(`${b.alias}.${c.name}`), layout.length);
  const fill = rowFiller(b, layout, needed);
  if (source.type === 'STREAM') {
    const timestamp = timestampExtractor(b, layout, ctx);
    let stream = app.stream<unknown, Row>(source.topic, { key, value, ...(timestamp ? { timestamp } : {}) });
    if (fill) stream = stream.peek((k, row, ts, rec) => fill(row, k, ts, rec));
    return { binding: b, layout, stream, table: undefined };
  }
  if (needed.has(`${b.alias}.ROWTIME`)) throw new SqlError(`ROWTIME of table rows (${source.name}) is not supported yet by Brook's SQL engine`);
  let table = app.table<unknown, Row>(source.topic, { key, value, store: storeName });
  // Filling the key columns in place is idempotent, so lookups through the table's value getter may repeat it.
  // The whole row's serde travels on: a foreign-key join hashes the left table's rows with it and
  // sends the right table's rows, key columns included, back to the left side.
  table = table.mapValues((row, k) => (fill?.(row, k, 0), row), { value: internalRowSerde(layout.types) });
  return { binding: b, layout, stream: undefined, table };
}
