// Implicit type coercion (ksqlDB's type-coercion rules): numbers widen INTEGER -> BIGINT -> DECIMAL
// -> DOUBLE; ARRAY, MAP and STRUCT coerce element-, entry- and field-wise; the NULL literal coerces
// to anything. Literals coerce more freely (literal-coercion.ts): a STRING literal to a number,
// BOOLEAN or time type it spells.

import { asDecimalType, widenDecimal } from './decimal.js';
import { array, DOUBLE, isNumeric, map, struct, typesEqual, type DecimalType, type SqlType, type StructField } from './sql-type.js';

const NUMERIC_RANK: Record<string, number> = { INTEGER: 0, BIGINT: 1, DECIMAL: 2, DOUBLE: 3 };

function decimalFits(from: DecimalType, to: DecimalType): boolean {
  return from.scale <= to.scale && from.precision - from.scale <= to.precision - to.scale;
}

/** Can a value of `from` be used where `to` is required, without an explicit CAST? */
export function canCoerce(from: SqlType, to: SqlType): boolean {
  if (from.base === 'NULL') return true;
  if (typesEqual(from, to)) return true;
  if (isNumeric(from) && isNumeric(to)) {
    if (to.base === 'DECIMAL') return from.base !== 'DOUBLE' && decimalFits(asDecimalType(from), to);
    return NUMERIC_RANK[from.base]! <= NUMERIC_RANK[to.base]!;
  }
  if (from.base === 'ARRAY' && to.base === 'ARRAY') return canCoerce(from.element, to.element);
  if (from.base === 'MAP' && to.base === 'MAP') return canCoerce(from.key, to.key) && canCoerce(from.value, to.value);
  if (from.base === 'STRUCT' && to.base === 'STRUCT') {
    return from.fields.every((f) => {
      const target = to.fields.find((g) => g.name === f.name);
      return target === undefined || canCoerce(f.type, target.type);
    });
  }
  return false;
}

/** The narrowest numeric type both can widen to. */
export function widerNumeric(a: SqlType, b: SqlType): SqlType {
  if (a.base === 'DOUBLE' || b.base === 'DOUBLE') return DOUBLE;
  if (a.base === 'DECIMAL' || b.base === 'DECIMAL') return widenDecimal(asDecimalType(a), asDecimalType(b));
  return NUMERIC_RANK[a.base]! >= NUMERIC_RANK[b.base]! ? a : b;
}

/**
 * The common type of a list (CASE branches, IN lists, ARRAY[...] items, COALESCE arguments),
 * decided by the first non-NULL type as ksqlDB does; undefined if the types do not agree.
 */
export function commonType(types: readonly SqlType[]): SqlType | undefined {
  let result: SqlType | undefined;
  for (const t of types) {
    if (t.base === 'NULL') continue;
    if (result === undefined) {
      result = t;
      continue;
    }
    const next = commonOfTwo(result, t);
    if (next === undefined) return undefined;
    result = next;
  }
  return result;
}

function commonOfTwo(a: SqlType, b: SqlType): SqlType | undefined {
  if (typesEqual(a, b)) return a;
  if (isNumeric(a) && isNumeric(b)) return widerNumeric(a, b);
  if (a.base === 'ARRAY' && b.base === 'ARRAY') {
    const e = commonOfTwo(a.element, b.element);
    return e && array(e);
  }
  if (a.base === 'MAP' && b.base === 'MAP') {
    const k = commonOfTwo(a.key, b.key);
    const v = commonOfTwo(a.value, b.value);
    return k && v && map(k, v);
  }
  if (a.base === 'STRUCT' && b.base === 'STRUCT') {
    const fields: StructField[] = [...a.fields];
    for (const f of b.fields) {
      const i = fields.findIndex((g) => g.name === f.name);
      if (i < 0) {
        fields.push(f);
        continue;
      }
      const t = commonOfTwo(fields[i]!.type, f.type);
      if (!t) return undefined;
      fields[i] = { name: f.name, type: t };
    }
    return struct(fields);
  }
  return undefined;
}
