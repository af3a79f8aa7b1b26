// CAST(x AS type), and the implicit widening the analyser inserts, as functions over non-null values.
// The conversions are ksqlDB's (CastEvaluator): Java's narrowing for numbers (truncation, wrap-around
// of BIGINT to INTEGER, saturation of DOUBLE), HALF_UP into DECIMAL, Java's parsers for strings
// (Integer.parseInt, Long.parseLong, Double.parseDouble, a prefix of true/yes for BOOLEAN). A failed
// conversion throws SqlEvaluationError, which the engine turns into NULL plus a processing-log entry.

import { SqlEvaluationError } from '../errors.js';
import { decimalFromDouble, ensureFits, formatDecimal, parseDecimal, pow10, rescale } from './decimal.js';
import type { DecimalType, SqlType } from './sql-type.js';
import { parseDate, parseTime, parseTimestamp, timestampToDate, timestampToTime, MS_PER_DAY } from './temporal.js';
import { newStruct, toSqlString, type StructValue } from './values.js';

export type Converter = (v: unknown) => unknown;

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** Java's (int) of a double: NaN is 0, values beyond the range saturate, the fraction is dropped. */
export function doubleToInt(d: number): number {
  if (Number.isNaN(d)) return 0;
  if (d <= INT_MIN) return INT_MIN;
  if (d >= INT_MAX) return INT_MAX;
  return Math.trunc(d);
}

export function doubleToLong(d: number): bigint {
  if (Number.isNaN(d)) return 0n;
  if (d <= -9.223372036854776e18) return LONG_MIN;
  if (d >= 9.223372036854776e18) return LONG_MAX;
  return BigInt(Math.trunc(d));
}

export function parseJavaInt(text: string, type = 'INTEGER'): number {
  const s = text.trim();
  if (!/^[+-]?\d+$/.test(s)) throw new SqlEvaluationError(`For input string: "${text}" (cannot convert to ${type})`);
  const n = Number(s);
  if (n < INT_MIN || n > INT_MAX) throw new SqlEvaluationError(`For input string: "${text}" (out of range for ${type})`);
  return n;
}

export function parseJavaLong(text: string): bigint {
  const s = text.trim();
  if (!/^[+-]?\d+$/.test(s)) throw new SqlEvaluationError(`For input string: "${text}" (cannot convert to BIGINT)`);
  const n = BigInt(s);
  if (n < LONG_MIN || n > LONG_MAX) throw new SqlEvaluationError(`For input string: "${text}" (out of range for BIGINT)`);
  return n;
}

/** Double.parseDouble, refusing NaN and infinities as ksqlDB's SqlDoubles does. */
export function parseJavaDouble(text: string): number {
  const s = text.trim().replace(/[dDfF]$/, '');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw new SqlEvaluationError(`For input string: "${text}" (cannot convert to DOUBLE)`);
  const d = Number(s);
  if (!Number.isFinite(d)) throw new SqlEvaluationError(`Invalid double value: ${text}`);
  return d;
}

/** ksqlDB's SqlBooleans.parseBoolean: a non-empty prefix of "true" or "yes", any case. */
export function parseSqlBoolean(text: string): boolean {
  return prefixMatch(text, 'true') || prefixMatch(text, 'yes');
}

/** Some(true/false) when the text is a prefix of true/yes or false/no; undefined otherwise. */
export function parseSqlBooleanExact(text: string): boolean | undefined {
  if (parseSqlBoolean(text)) return true;
  if (prefixMatch(text, 'false') || prefixMatch(text, 'no')) return false;
  return undefined;
}

function prefixMatch(s: string, word: string): boolean {
  return s.length > 0 && s.toLowerCase() === word.slice(0, Math.min(s.length, word.length));
}

export function intToDecimal(n: number | bigint, t: DecimalType): bigint {
  return ensureFits(BigInt(n) * pow10(t.scale), t);
}

/** Truncate a decimal toward zero to its whole part. */
function decimalWhole(unscaled: bigint, scale: number): bigint {
  return scale === 0 ? unscaled : unscaled / pow10(scale);
}

/** The conversion from `from` to `to`, or undefined when CAST does not support it. */
export function castConverter(from: SqlType, to: SqlType): Converter | undefined {
  if (from.base === 'NULL') return (v) => v;
  if (to.base === 'STRING') {
    if (from.base === 'BYTES') return undefined;
    return (v) => toSqlString(v, from);
  }
  switch (from.base) {
    case 'BOOLEAN':
      return to.base === 'BOOLEAN' ? (v) => v : undefined;
    case 'INTEGER':
      if (to.base === 'INTEGER' || to.base === 'DOUBLE') return (v) => v;
      if (to.base === 'BIGINT') return (v) => BigInt(v as number);
      if (to.base === 'DECIMAL') return (v) => intToDecimal(v as number, to);
      return undefined;
    case 'BIGINT':
      if (to.base === 'BIGINT') return (v) => v;
      if (to.base === 'INTEGER') return (v) => Number(BigInt.asIntN(32, v as bigint));
      if (to.base === 'DOUBLE') return (v) => Number(v as bigint);
      if (to.base === 'DECIMAL') return (v) => intToDecimal(v as bigint, to);
      return undefined;
    case 'DECIMAL': {
      const s = from.scale;
      if (to.base === 'INTEGER') return (v) => Number(BigInt.asIntN(32, decimalWhole(v as bigint, s)));
      if (to.base === 'BIGINT') return (v) => BigInt.asIntN(64, decimalWhole(v as bigint, s));
      if (to.base === 'DOUBLE') return (v) => Number(formatDecimal(v as bigint, s));
      if (to.base === 'DECIMAL') {
        if (to.precision === from.precision && to.scale === s) return (v) => v;
        return (v) => ensureFits(rescale(v as bigint, s, to.scale), to);
      }
      return undefined;
    }
    case 'DOUBLE':
      if (to.base === 'DOUBLE') return (v) => v;
      if (to.base === 'INTEGER') return (v) => doubleToInt(v as number);
      if (to.base === 'BIGINT') return (v) => doubleToLong(v as number);
      if (to.base === 'DECIMAL') return (v) => decimalFromDouble(v as number, to);
      return undefined;
    case 'STRING':
      return stringConverter(to);
    case 'TIMESTAMP':
      if (to.base === 'TIMESTAMP') return (v) => v;
      if (to.base === 'TIME') return (v) => timestampToTime(v as number);
      if (to.base === 'DATE') return (v) => timestampToDate(v as number);
      return undefined;
    case 'DATE':
      if (to.base === 'DATE') return (v) => v;
      if (to.base === 'TIMESTAMP') return (v) => (v as number) * MS_PER_DAY;
      return undefined;
    case 'TIME':
      return to.base === 'TIME' ? (v) => v : undefined;
    case 'BYTES':
      return to.base === 'BYTES' ? (v) => v : undefined;
    case 'ARRAY': {
      if (to.base !== 'ARRAY') return undefined;
      const element = castConverter(from.element, to.element);
      if (!element) return undefined;
      return (v) => (v as unknown[]).map((e) => (e === null ? null : element(e)));
    }
    case 'MAP': {
      if (to.base !== 'MAP') return undefined;
      const key = castConverter(from.key, to.key);
      const value = castConverter(from.value, to.value);
      if (!key || !value) return undefined;
      return (v) => {
        const out = new Map<unknown, unknown>();
        for (const [k, x] of v as Map<unknown, unknown>) out.set(k === null ? null : key(k), x === null ? null : value(x));
        return out;
      };
    }
    case 'STRUCT': {
      if (to.base !== 'STRUCT') return undefined;
      const fields: Array<{ name: string; convert: Converter | undefined }> = [];
      for (const f of to.fields) {
        const source = from.fields.find((g) => g.name === f.name);
        if (!source) {
          fields.push({ name: f.name, convert: undefined });
          continue;
        }
        const convert = castConverter(source.type, f.type);
        if (!convert) return undefined;
        fields.push({ name: f.name, convert });
      }
      return (v) => {
        const s = v as StructValue;
        const out = newStruct();
        for (const f of fields) {
          const x = f.convert ? s[f.name] : null;
          out[f.name] = x === null || x === undefined || !f.convert ? null : f.convert(x);
        }
        return out;
      };
    }
    default:
      return undefined;
  }
}

function stringConverter(to: SqlType): Converter | undefined {
  switch (to.base) {
    case 'BOOLEAN':
      return (v) => parseSqlBoolean((v as string).trim());
    case 'INTEGER':
      return (v) => parseJavaInt(v as string);
    case 'BIGINT':
      return (v) => parseJavaLong(v as string);
    case 'DOUBLE':
      return (v) => parseJavaDouble(v as string);
    case 'DECIMAL':
      return (v) => {
        const p = parseDecimal(v as string);
        return ensureFits(rescale(p.unscaled, p.scale, to.scale), to);
      };
    case 'TIMESTAMP':
      return (v) => parseTimestamp((v as string).trim());
    case 'DATE':
      return (v) => parseDate((v as string).trim());
    case 'TIME':
      return (v) => parseTime((v as string).trim());
    case 'BYTES':
      return (v) => Buffer.from((v as string).trim(), 'base64');
    default:
      return undefined;
  }
}
