// DECIMAL(p, s) arithmetic on unscaled bigints (the value 1.50 of DECIMAL(4, 2) is 150n), following
// ksqlDB's rules (SqlDecimal, DecimalUtil): result types of + - * / %, HALF_UP rounding when a
// scale shrinks, and "Numeric field overflow" when a value has more whole digits than p - s allows.

import { SqlEvaluationError } from '../errors.js';
import { decimal, type DecimalType, type SqlType } from './sql-type.js';

const TEN = 10n;
const pow10Cache: bigint[] = [1n];

export function pow10(n: number): bigint {
  for (let i = pow10Cache.length; i <= n; i++) pow10Cache.push(pow10Cache[i - 1]! * TEN);
  return pow10Cache[n]!;
}

/** Integer division rounding half away from zero (BigDecimal's HALF_UP). */
export function divideHalfUp(n: bigint, d: bigint): bigint {
  if (d === 0n) throw new SqlEvaluationError('Division by zero');
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  const abs = d < 0n ? -d : d;
  if (twice >= abs) return (n < 0n) !== (d < 0n) ? q - 1n : q + 1n;
  return q;
}

/** Change the scale of an unscaled value, rounding HALF_UP when it shrinks. */
export function rescale(unscaled: bigint, from: number, to: number): bigint {
  if (to === from) return unscaled;
  if (to > from) return unscaled * pow10(to - from);
  return divideHalfUp(unscaled, pow10(from - to));
}

/** Throw ksqlDB's overflow error unless |value| < 10^(p - s). */
export function ensureFits(unscaled: bigint, t: DecimalType): bigint {
  const limit = pow10(t.precision);
  if (unscaled >= limit || unscaled <= -limit) {
    throw new SqlEvaluationError(
      `Numeric field overflow: A field with precision ${t.precision} and scale ${t.scale} must round to an absolute value less than 10^${t.precision - t.scale}. Got ${formatDecimal(unscaled, t.scale)}`,
    );
  }
  return unscaled;
}

export interface ParsedDecimal {
  readonly unscaled: bigint;
  readonly scale: number;
  readonly precision: number;
}

/** Parse a decimal text (`-12.50`, `1e3`, `.5`) exactly. */
export function parseDecimal(text: string): ParsedDecimal {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new SqlEvaluationError(`Invalid decimal: '${text}'`);
  const whole = m[2] ?? '';
  const frac = m[3] ?? '';
  let scale = frac.length - Number(m[4] ?? 0);
  let digits = (whole + frac).replace(/^0+(?=\d)/, '');
  if (digits === '') digits = '0';
  let unscaled = BigInt(digits);
  if (scale < 0) {
    unscaled *= pow10(-scale);
    scale = 0;
  }
  if (m[1] === '-') unscaled = -unscaled;
  const abs = unscaled < 0n ? -unscaled : unscaled;
  const precision = abs === 0n ? 1 : abs.toString().length;
  return { unscaled, scale, precision };
}

/** The DECIMAL type of a literal, as ksqlDB's DecimalUtil.fromValue: values below 1 get precision scale + 1. */
export function literalDecimalType(p: ParsedDecimal): DecimalType {
  const abs = p.unscaled < 0n ? -p.unscaled : p.unscaled;
  if (abs < pow10(p.scale)) return decimal(p.scale + 1, p.scale);
  return decimal(Math.max(p.precision, p.scale), p.scale);
}

/** Plain notation of an unscaled value: formatDecimal(150n, 2) = "1.50". */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

export function decimalToNumber(unscaled: bigint, scale: number): number {
  return Number(formatDecimal(unscaled, scale));
}

/** Exact conversion of a double to DECIMAL(p, s) (BigDecimal(double, MathContext(p)) then HALF_UP), as CAST does. */
export function decimalFromDouble(value: number, t: DecimalType): bigint {
  if (!Number.isFinite(value)) throw new SqlEvaluationError(`Cannot convert ${value} to DECIMAL`);
  const p = parseDecimal(value.toPrecision(Math.min(100, Math.max(1, t.precision))));
  return ensureFits(rescale(p.unscaled, p.scale, t.scale), t);
}

// ---- result types (SqlDecimal.add/multiply/divide/modulus) ----

export function addType(l: DecimalType, r: DecimalType): DecimalType {
  const scale = Math.max(l.scale, r.scale);
  return decimal(scale + Math.max(l.precision - l.scale, r.precision - r.scale) + 1, scale);
}

export function multiplyType(l: DecimalType, r: DecimalType): DecimalType {
  return decimal(l.precision + r.precision + 1, l.scale + r.scale);
}

export function divideType(l: DecimalType, r: DecimalType): DecimalType {
  const scale = Math.max(6, l.scale + r.precision + 1);
  return decimal(l.precision - l.scale + r.scale + scale, scale);
}

export function modulusType(l: DecimalType, r: DecimalType): DecimalType {
  const scale = Math.max(l.scale, r.scale);
  return decimal(Math.min(l.precision - l.scale, r.precision - r.scale) + scale, scale);
}

/** The wider of two decimals (DecimalUtil.widen): whole digits and scale of the larger. */
export function widenDecimal(l: DecimalType, r: DecimalType): DecimalType {
  const scale = Math.max(l.scale, r.scale);
  return decimal(Math.max(l.precision - l.scale, r.precision - r.scale) + scale, scale);
}

/** INTEGER is DECIMAL(10, 0) and BIGINT DECIMAL(19, 0) when mixed with decimals. */
export function asDecimalType(t: SqlType): DecimalType {
  if (t.base === 'DECIMAL') return t;
  if (t.base === 'INTEGER') return decimal(10, 0);
  if (t.base === 'BIGINT') return decimal(19, 0);
  throw new RangeError(`Cannot convert ${t.base} to DECIMAL.`);
}

/** Evaluate l op r for unscaled operands of types lt, rt into the result type out. */
export function decimalArithmetic(op: '+' | '-' | '*' | '/' | '%', l: bigint, lt: DecimalType, r: bigint, rt: DecimalType, out: DecimalType): bigint {
  switch (op) {
    case '+':
    case '-': {
      const s = Math.max(lt.scale, rt.scale);
      const a = rescale(l, lt.scale, s);
      const b = rescale(r, rt.scale, s);
      return ensureFits(rescale(op === '+' ? a + b : a - b, s, out.scale), out);
    }
    case '*':
      return ensureFits(rescale(l * r, lt.scale + rt.scale, out.scale), out);
    case '/': {
      if (r === 0n) throw new SqlEvaluationError('Division by zero');
      // (l / 10^ls) / (r / 10^rs) * 10^S = l * 10^(S + rs - ls) / r
      const e = out.scale + rt.scale - lt.scale;
      const q = e >= 0 ? divideHalfUp(l * pow10(e), r) : divideHalfUp(l, r * pow10(-e));
      return ensureFits(q, out);
    }
    case '%': {
      if (r === 0n) throw new SqlEvaluationError('Division by zero');
      const s = Math.max(lt.scale, rt.scale);
      return ensureFits(rescale(rescale(l, lt.scale, s) % rescale(r, rt.scale, s), s, out.scale), out);
    }
  }
}
