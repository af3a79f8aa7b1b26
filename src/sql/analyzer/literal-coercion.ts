// Literals coerce more freely than other expressions (type-coercion.md, "Literal rules"): a STRING
// literal becomes the number, BOOLEAN, DATE, TIME or TIMESTAMP it spells, and any literal becomes
// a STRING. The conversion happens once, during analysis; a literal that does not convert is a
// statement error, not a runtime NULL.

import { SqlError } from '../errors.js';
import { castConverter, parseJavaDouble, parseSqlBooleanExact } from '../types/cast.js';
import { ensureFits, parseDecimal, rescale } from '../types/decimal.js';
import { formatType, isNumeric, type SqlType } from '../types/sql-type.js';
import { parseDate, parseTime, parseTimestamp } from '../types/temporal.js';
import { toSqlString } from '../types/values.js';
import type { TypedExpr } from './typed-expr.js';

export function isLiteral(e: TypedExpr): e is Extract<TypedExpr, { op: 'const' }> {
  return e.op === 'const';
}

function fail(value: string, target: SqlType): never {
  throw new SqlError(`invalid input syntax for type ${formatType(target)}: "${value}"`);
}

/** The literal `e` as a value of `target`, or undefined if no literal rule applies. */
export function coerceLiteral(e: TypedExpr, target: SqlType): TypedExpr | undefined {
  if (e.op !== 'const') return undefined;
  if (e.value === null) return { op: 'const', type: target, value: null };
  if (target.base === 'STRING' && e.type.base !== 'STRING') {
    if (e.type.base === 'BYTES') return undefined;
    return { op: 'const', type: target, value: toSqlString(e.value, e.type) };
  }
  if (e.type.base !== 'STRING') return undefined;
  const text = (e.value as string).trim();
  try {
    switch (target.base) {
      case 'BOOLEAN': {
        const b = parseSqlBooleanExact(text);
        if (b === undefined) fail(text, target);
        return { op: 'const', type: target, value: b };
      }
      case 'INTEGER':
      case 'BIGINT': {
        // A literal may hold any number wide enough: '10.5' compared with an INTEGER stays exact as DECIMAL.
        if (!/^[+-]?\d+$/.test(text)) {
          const p = parseDecimal(text);
          if (p.scale > 0) return { op: 'const', type: { base: 'DECIMAL', precision: Math.max(p.precision, p.scale), scale: p.scale }, value: p.unscaled };
          fail(text, target);
        }
        const n = BigInt(text);
        if (target.base === 'INTEGER' && n >= -(2n ** 31n) && n < 2n ** 31n) return { op: 'const', type: target, value: Number(n) };
        if (n >= -(2n ** 63n) && n < 2n ** 63n) return { op: 'const', type: { base: 'BIGINT' }, value: n };
        return fail(text, target);
      }
      case 'DOUBLE':
        return { op: 'const', type: target, value: parseJavaDouble(text) };
      case 'DECIMAL': {
        const p = parseDecimal(text);
        return { op: 'const', type: target, value: ensureFits(rescale(p.unscaled, p.scale, target.scale), target) };
      }
      case 'TIMESTAMP':
        return { op: 'const', type: target, value: parseTimestamp(text) };
      case 'DATE':
        return { op: 'const', type: target, value: parseDate(text) };
      case 'TIME':
        return { op: 'const', type: target, value: parseTime(text) };
      case 'BYTES':
        return { op: 'const', type: target, value: castConverter(e.type, target)!(text) };
      default:
        return undefined;
    }
  } catch (err) {
    if (err instanceof SqlError) throw err;
    if (isNumeric(target)) fail(text, target);
    throw new SqlError(err instanceof Error ? err.message : String(err));
  }
}
