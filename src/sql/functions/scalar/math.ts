// Numeric functions (scalar-functions.md, "Numeric functions"), with ksqlDB's overloads: ABS,
// CEIL and FLOOR keep their argument's type; ROUND of an integer or DOUBLE is a BIGINT, ROUND with
// decimal places a DOUBLE (or the same DECIMAL); trigonometric and exponential functions are DOUBLE.
// Rounding is half towards positive infinity, as ksqlDB's ROUND.

import { SqlError, SqlEvaluationError } from '../../errors.js';
import { ensureFits, parseDecimal, pow10, rescale } from '../../types/decimal.js';
import { javaDoubleToString } from '../../types/java-text.js';
import { array, BIGINT, decimal, DOUBLE, INTEGER, type DecimalType, type SqlType } from '../../types/sql-type.js';
import { compareValues } from '../../types/values.js';
import { ANY_DECIMAL, argType, over, PRIMITIVE, scalar } from '../builders.js';
import type { ScalarFunction } from '../registry.js';

type N = number;

function doubleFn(name: string, description: string, f: (x: N) => N): ScalarFunction {
  return scalar(name, 'NUMERIC', description, [over([DOUBLE], DOUBLE, (x) => f(x as N))]);
}

/** Round the decimal text of a number to `places`, half towards +infinity (HALF_UP above zero, HALF_DOWN below). */
function roundUnscaled(unscaled: bigint, scale: number, places: number): { unscaled: bigint; scale: number } {
  if (places >= scale) return { unscaled: unscaled * pow10(places - scale), scale: places };
  const d = pow10(scale - places);
  // floor((x * 2 + d) / (2 d)) rounds half up towards +infinity.
  const twice = unscaled * 2n + d;
  const den = 2n * d;
  let q = twice / den;
  if (twice % den !== 0n && twice < 0n) q -= 1n;
  return { unscaled: q, scale: places };
}

function truncUnscaled(unscaled: bigint, scale: number, places: number): { unscaled: bigint; scale: number } {
  if (places >= scale) return { unscaled: unscaled * pow10(places - scale), scale: places };
  return { unscaled: unscaled / pow10(scale - places), scale: places };
}

function applyToDouble(x: N, places: number, f: typeof roundUnscaled): N {
  if (!Number.isFinite(x)) return x;
  const p = parseDecimal(javaDoubleToString(x).replace('E', 'e'));
  const r = f(p.unscaled, p.scale, places);
  const text = r.scale >= 0 ? `${r.unscaled}e-${r.scale}` : `${r.unscaled}e${-r.scale}`;
  return Number(text);
}

function keepScale(r: { unscaled: bigint; scale: number }, t: DecimalType): bigint {
  return ensureFits(r.scale >= t.scale ? rescale(r.unscaled, r.scale, t.scale) : r.unscaled * pow10(t.scale - r.scale), t);
}

function decimalFn(name: string, description: string, f: typeof roundUnscaled): ScalarFunction {
  return scalar(name, 'NUMERIC', description, [
    over([INTEGER], BIGINT, (x) => BigInt(x as N)),
    over([BIGINT], BIGINT, (x) => x),
    over([DOUBLE], BIGINT, (x) => BigInt(Math.trunc(applyToDouble(x as N, 0, f)))),
    over([DOUBLE, INTEGER], DOUBLE, (x, p) => applyToDouble(x as N, p as N, f)),
    {
      params: [ANY_DECIMAL],
      returns: (a) => {
        const t = a[0] as DecimalType;
        return decimal(Math.max(1, t.precision - t.scale), 0);
      },
      build: (a) => {
        const t = a[0] as DecimalType;
        return (x) => f(x as bigint, t.scale, 0).unscaled;
      },
    },
    {
      params: [ANY_DECIMAL, INTEGER],
      returns: argType(0),
      build: (a) => {
        const t = a[0] as DecimalType;
        return (x, p) => keepScale(f(x as bigint, t.scale, p as N), t);
      },
    },
  ]);
}

function sameType(name: string, description: string, int: (x: N) => N, long: (x: bigint) => bigint, dbl: (x: N) => N, dec: (x: bigint, t: DecimalType) => bigint): ScalarFunction {
  return scalar(name, 'NUMERIC', description, [
    over([INTEGER], INTEGER, (x) => int(x as N)),
    over([BIGINT], BIGINT, (x) => long(x as bigint)),
    over([DOUBLE], DOUBLE, (x) => dbl(x as N)),
    { params: [ANY_DECIMAL], returns: argType(0), build: (a) => (x) => dec(x as bigint, a[0] as DecimalType) },
  ]);
}

function decimalCeilFloor(x: bigint, t: DecimalType, up: boolean): bigint {
  if (t.scale === 0) return x;
  const d = pow10(t.scale);
  let q = x / d;
  const r = x % d;
  if (r !== 0n && (up ? r > 0n : r < 0n)) q += up ? 1n : -1n;
  return ensureFits(q * d, t);
}

function extreme(name: string, description: string, pick: number): ScalarFunction {
  return scalar(name, 'NUMERIC', description, [
    {
      params: [PRIMITIVE],
      variadic: true,
      returns: (args) => {
        const first = args.find((t) => t.base !== 'NULL');
        if (!first || args.some((t) => t.base !== 'NULL' && t.base !== first.base)) {
          throw new SqlError(`Function '${name.toLowerCase()}' cannot be resolved due to ambiguous method parameters (${args.map((t) => (t.base === 'NULL' ? 'null' : t.base)).join(', ')}).`);
        }
        return first;
      },
      nullSafe: true,
      impl: (...xs) => {
        let best: unknown = null;
        for (const x of xs) if (x !== null && (best === null || compareValues(x, best) * pick > 0)) best = x;
        return best;
      },
    },
  ]);
}

function series(start: bigint, end: bigint, step: bigint): bigint[] {
  if (step === 0n) throw new SqlEvaluationError('GENERATE_SERIES step cannot be zero');
  const out: bigint[] = [];
  if ((end - start) * step < 0n) throw new SqlEvaluationError('GENERATE_SERIES step has wrong sign');
  for (let v = start; step > 0n ? v <= end : v >= end; v += step) {
    out.push(v);
    if (out.length > 1_000_000) throw new SqlEvaluationError('GENERATE_SERIES would produce more than 1,000,000 values');
  }
  return out;
}

const EARTH_KM = 6371;

function geoDistance(lat1: N, lon1: N, lat2: N, lon2: N, unit: string): N {
  const u = unit.toLowerCase();
  let radius: number;
  if (u === 'km' || u === 'kilometers' || u === 'kilometer') radius = EARTH_KM;
  else if (u === 'mi' || u === 'miles' || u === 'mile') radius = 3959;
  else throw new SqlEvaluationError(`GeoDistance function units must be km or miles. Got: '${unit}'`);
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * radius * Math.asin(Math.sqrt(a));
}

export const mathFunctions: ScalarFunction[] = [
  sameType('ABS', 'The absolute value.', (x) => Math.abs(x) | 0, (x) => (x < 0n ? BigInt.asIntN(64, -x) : x), Math.abs, (x) => (x < 0n ? -x : x)),
  sameType('CEIL', 'The smallest integer value not less than the argument.', (x) => x, (x) => x, Math.ceil, (x, t) => decimalCeilFloor(x, t, true)),
  sameType('FLOOR', 'The largest integer value not greater than the argument.', (x) => x, (x) => x, Math.floor, (x, t) => decimalCeilFloor(x, t, false)),
  decimalFn('ROUND', 'Rounds to the given number of decimal places (default 0), halves towards positive infinity.', roundUnscaled),
  decimalFn('TRUNC', 'Truncates towards zero to the given number of decimal places (default 0).', truncUnscaled),
  scalar('SIGN', 'NUMERIC', 'The sign: -1, 0 or 1.', [
    over([INTEGER], INTEGER, (x) => Math.sign(x as N)),
    over([BIGINT], INTEGER, (x) => ((x as bigint) > 0n ? 1 : (x as bigint) < 0n ? -1 : 0)),
    over([DOUBLE], INTEGER, (x) => Math.sign(x as N)),
  ]),
  doubleFn('ACOS', 'Inverse cosine, radians.', Math.acos),
  doubleFn('ASIN', 'Inverse sine, radians.', Math.asin),
  doubleFn('ATAN', 'Inverse tangent, radians.', Math.atan),
  scalar('ATAN2', 'NUMERIC', 'The angle of the point (x, y), radians.', [over([DOUBLE, DOUBLE], DOUBLE, (y, x) => Math.atan2(y as N, x as N))]),
  doubleFn('CBRT', 'Cube root.', Math.cbrt),
  doubleFn('COS', 'Cosine.', Math.cos),
  doubleFn('COSH', 'Hyperbolic cosine.', Math.cosh),
  doubleFn('COT', 'Cotangent.', (x) => 1 / Math.tan(x)),
  doubleFn('DEGREES', 'Radians to degrees.', (x) => (x * 180) / Math.PI),
  doubleFn('RADIANS', 'Degrees to radians.', (x) => (x * Math.PI) / 180),
  doubleFn('EXP', 'e to the power of the argument.', Math.exp),
  doubleFn('LN', 'Natural logarithm.', Math.log),
  scalar('LOG', 'NUMERIC', 'Base 10 logarithm, or the logarithm to a base.', [
    over([DOUBLE], DOUBLE, (x) => Math.log10(x as N)),
    over([DOUBLE, DOUBLE], DOUBLE, (b, x) => ((b as N) <= 0 || b === 1 ? Number.NaN : Math.log(x as N) / Math.log(b as N))),
  ]),
  scalar('PI', 'NUMERIC', 'An approximation of pi.', [over([], DOUBLE, () => Math.PI)]),
  scalar('POWER', 'NUMERIC', 'base to the power of exponent.', [over([DOUBLE, DOUBLE], DOUBLE, (b, e) => Math.pow(b as N, e as N))]),
  scalar('RANDOM', 'NUMERIC', 'A random DOUBLE in [0, 1).', [over([], DOUBLE, () => Math.random())]),
  doubleFn('SIN', 'Sine.', Math.sin),
  doubleFn('SINH', 'Hyperbolic sine.', Math.sinh),
  doubleFn('SQRT', 'Square root.', Math.sqrt),
  doubleFn('TAN', 'Tangent.', Math.tan),
  doubleFn('TANH', 'Hyperbolic tangent.', Math.tanh),
  extreme('GREATEST', 'The largest non-null argument.', 1),
  extreme('LEAST', 'The smallest non-null argument.', -1),
  scalar('GENERATE_SERIES', 'NUMERIC', 'The values from start to end inclusive, by step (default 1).', [
    over([INTEGER, INTEGER], array(INTEGER), (s, e) => series(BigInt(s as N), BigInt(e as N), 1n).map(Number)),
    over([INTEGER, INTEGER, INTEGER], array(INTEGER), (s, e, st) => series(BigInt(s as N), BigInt(e as N), BigInt(st as N)).map(Number)),
    over([BIGINT, BIGINT], array(BIGINT), (s, e) => series(s as bigint, e as bigint, 1n)),
    over([BIGINT, BIGINT, INTEGER], array(BIGINT), (s, e, st) => series(s as bigint, e as bigint, BigInt(st as N))),
  ]),
  scalar('GEO_DISTANCE', 'NUMERIC', 'Great-circle distance between two points in decimal degrees, in km (default) or miles.', [
    over([DOUBLE, DOUBLE, DOUBLE, DOUBLE], DOUBLE, (a, b, c, d) => geoDistance(a as N, b as N, c as N, d as N, 'km')),
    over([DOUBLE, DOUBLE, DOUBLE, DOUBLE, { accepts: (t: SqlType) => t.base === 'STRING', describe: 'STRING' }], DOUBLE, (a, b, c, d, u) =>
      geoDistance(a as N, b as N, c as N, d as N, u as string),
    ),
  ]),
];

