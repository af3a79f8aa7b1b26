// ksqlDB's SQL types and how their values are held in JavaScript while a query runs:
//
//   BOOLEAN        boolean
//   INTEGER        number, a 32-bit integer (arithmetic wraps as Java's int does)
//   BIGINT         bigint, 64-bit (arithmetic wraps as Java's long does; exact beyond 2^53)
//   DOUBLE         number
//   DECIMAL(p, s)  bigint: the unscaled value (1.50 in DECIMAL(4, 2) is 150n); the scale is the type's
//   STRING         string
//   BYTES          Buffer
//   DATE           number: days since 1970-01-01
//   TIME           number: milliseconds since midnight
//   TIMESTAMP      number: milliseconds since the epoch (UTC)
//   ARRAY<T>       T[]
//   MAP<K, V>      Map<K, V> (ksqlDB maps have STRING keys)
//   STRUCT<...>    a null-prototype object with one property per field, by the field's exact name
//
// SQL NULL is `null` everywhere (never undefined). The NULL type below is only the type of the NULL
// literal during analysis; it is coerced to whatever type the context needs.

export type PrimitiveBase = 'BOOLEAN' | 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'STRING' | 'BYTES' | 'DATE' | 'TIME' | 'TIMESTAMP';

export interface StructField {
  readonly name: string;
  readonly type: SqlType;
}

export type SqlType =
  | { readonly base: PrimitiveBase }
  | { readonly base: 'DECIMAL'; readonly precision: number; readonly scale: number }
  | { readonly base: 'ARRAY'; readonly element: SqlType }
  | { readonly base: 'MAP'; readonly key: SqlType; readonly value: SqlType }
  | { readonly base: 'STRUCT'; readonly fields: readonly StructField[] }
  | { readonly base: 'NULL' };

export type SqlBase = SqlType['base'];

export const BOOLEAN: SqlType = { base: 'BOOLEAN' };
export const INTEGER: SqlType = { base: 'INTEGER' };
export const BIGINT: SqlType = { base: 'BIGINT' };
export const DOUBLE: SqlType = { base: 'DOUBLE' };
export const STRING: SqlType = { base: 'STRING' };
export const BYTES: SqlType = { base: 'BYTES' };
export const DATE: SqlType = { base: 'DATE' };
export const TIME: SqlType = { base: 'TIME' };
export const TIMESTAMP: SqlType = { base: 'TIMESTAMP' };
export const NULL_TYPE: SqlType = { base: 'NULL' };

export function decimal(precision: number, scale: number): SqlType & { base: 'DECIMAL' } {
  if (!(precision >= 1)) throw new RangeError(`DECIMAL precision must be >= 1: DECIMAL(${precision},${scale})`);
  if (!(scale >= 0)) throw new RangeError(`DECIMAL scale must be >= 0: DECIMAL(${precision},${scale})`);
  if (precision < scale) throw new RangeError(`DECIMAL precision must be >= scale: DECIMAL(${precision},${scale})`);
  return { base: 'DECIMAL', precision, scale };
}

export function array(element: SqlType): SqlType & { base: 'ARRAY' } {
  return { base: 'ARRAY', element };
}

export function map(key: SqlType, value: SqlType): SqlType & { base: 'MAP' } {
  return { base: 'MAP', key, value };
}

export function struct(fields: readonly StructField[]): SqlType & { base: 'STRUCT' } {
  return { base: 'STRUCT', fields };
}

export type DecimalType = Extract<SqlType, { base: 'DECIMAL' }>;
export type ArrayType = Extract<SqlType, { base: 'ARRAY' }>;
export type MapType = Extract<SqlType, { base: 'MAP' }>;
export type StructType = Extract<SqlType, { base: 'STRUCT' }>;

export function isNumeric(t: SqlType): boolean {
  return t.base === 'INTEGER' || t.base === 'BIGINT' || t.base === 'DOUBLE' || t.base === 'DECIMAL';
}

export function isTemporal(t: SqlType): boolean {
  return t.base === 'DATE' || t.base === 'TIME' || t.base === 'TIMESTAMP';
}

export function isPrimitive(t: SqlType): boolean {
  return t.base !== 'ARRAY' && t.base !== 'MAP' && t.base !== 'STRUCT';
}

export function typesEqual(a: SqlType, b: SqlType): boolean {
  if (a.base !== b.base) return false;
  switch (a.base) {
    case 'DECIMAL': {
      const d = b as DecimalType;
      return a.precision === d.precision && a.scale === d.scale;
    }
    case 'ARRAY':
      return typesEqual(a.element, (b as ArrayType).element);
    case 'MAP':
      return typesEqual(a.key, (b as MapType).key) && typesEqual(a.value, (b as MapType).value);
    case 'STRUCT': {
      const f = (b as StructType).fields;
      return a.fields.length === f.length && a.fields.every((x, i) => x.name === f[i]!.name && typesEqual(x.type, f[i]!.type));
    }
    default:
      return true;
  }
}

/** How ksqlDB writes a type: `INTEGER`, `DECIMAL(4, 2)`, `ARRAY<STRING>`, `STRUCT<\`A\` INTEGER>`. */
export function formatType(t: SqlType): string {
  switch (t.base) {
    case 'DECIMAL':
      return `DECIMAL(${t.precision}, ${t.scale})`;
    case 'ARRAY':
      return `ARRAY<${formatType(t.element)}>`;
    case 'MAP':
      return `MAP<${formatType(t.key)}, ${formatType(t.value)}>`;
    case 'STRUCT':
      return `STRUCT<${t.fields.map((f) => `${quoteName(f.name)} ${formatType(f.type)}`).join(', ')}>`;
    default:
      return t.base;
  }
}

/** A column or field name as ksqlDB prints it in schemas: always backquoted. */
export function quoteName(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/** `a` STRING, `b` INTEGER: a column list as ksqlDB prints schemas. */
export function formatColumns(columns: ReadonlyArray<{ readonly name: string; readonly type: SqlType; readonly key?: boolean }>): string {
  return columns.map((c) => `${quoteName(c.name)} ${formatType(c.type)}${c.key ? ' KEY' : ''}`).join(', ');
}

/** The field of a struct type by exact name. */
export function structField(t: StructType, name: string): StructField | undefined {
  return t.fields.find((f) => f.name === name);
}
