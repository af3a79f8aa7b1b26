// String, bytes and null-handling functions (scalar-functions.md: Strings, Bytes, Nulls). Lengths
// and positions count UTF-16 code units, as Java's String methods do. Regular expressions use
// JavaScript's engine, which accepts the Java syntax people write in practice.

import { createHash, randomUUID } from 'node:crypto';
import { SqlError, SqlEvaluationError } from '../../errors.js';
import { commonType } from '../../types/coercion.js';
import { array, BIGINT, BOOLEAN, BYTES, DOUBLE, INTEGER, map, STRING, type SqlType } from '../../types/sql-type.js';
import { valuesEqual } from '../../types/values.js';
import { ANY, argType, over, scalar } from '../builders.js';
import type { Overload, ScalarFunction } from '../registry.js';

type S = string;
type N = number;
type B = Buffer;

const regexCache = new Map<string, RegExp>();
function regex(pattern: string, flags = ''): RegExp {
  const key = flags + '/' + pattern;
  let re = regexCache.get(key);
  if (!re) {
    try {
      re = new RegExp(pattern, flags);
    } catch (e) {
      throw new SqlEvaluationError(`Invalid regular expression: ${pattern}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

function encodeBytes(b: B, encoding: string): string {
  switch (encoding.toLowerCase()) {
    case 'hex':
      return b.toString('hex');
    case 'utf8':
      return b.toString('utf8');
    case 'ascii':
      return b.toString('latin1');
    case 'base64':
      return b.toString('base64');
    default:
      throw new SqlEvaluationError(`Supported encoding types are: hex, utf8, ascii and base64, not '${encoding}'`);
  }
}

function decodeBytes(s: string, encoding: string): B {
  switch (encoding.toLowerCase()) {
    case 'hex':
      if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw new SqlEvaluationError(`Invalid hex string: ${s}`);
      return Buffer.from(s, 'hex');
    case 'utf8':
      return Buffer.from(s, 'utf8');
    case 'ascii':
      return Buffer.from(s, 'latin1');
    case 'base64':
      return Buffer.from(s, 'base64');
    default:
      throw new SqlEvaluationError(`Supported encoding types are: hex, utf8, ascii and base64, not '${encoding}'`);
  }
}

function pad(input: S, length: N, padding: S, left: boolean): S | null {
  if (padding === '' || length < 0) return null;
  if (input.length >= length) return input.slice(0, length);
  let fill = '';
  while (fill.length < length - input.length) fill += padding;
  fill = fill.slice(0, length - input.length);
  return left ? fill + input : input + fill;
}

function padBytes(input: B, length: N, padding: B, left: boolean): B | null {
  if (padding.length === 0 || length < 0) return null;
  if (input.length >= length) return input.subarray(0, length);
  const fill = Buffer.alloc(length - input.length);
  for (let i = 0; i < fill.length; i++) fill[i] = padding[i % padding.length]!;
  return left ? Buffer.concat([fill, input]) : Buffer.concat([input, fill]);
}

/** Java's String.substring-style SUBSTRING with 1-based positions (negative from the end). */
function substring(len: N, pos: N, count: N | undefined): [number, number] {
  let start = pos > 0 ? pos - 1 : pos < 0 ? len + pos : 0;
  start = Math.max(0, Math.min(len, start));
  const end = count === undefined ? len : Math.max(start, Math.min(len, start + count));
  return [start, end];
}

function instr(s: S, sub: S, position = 1, occurrence = 1): N {
  if (position > 0) {
    let from = position - 1;
    for (let n = 0; n < occurrence; n++) {
      const at = s.indexOf(sub, from);
      if (at < 0) return 0;
      if (n === occurrence - 1) return at + 1;
      from = at + 1;
    }
  } else if (position < 0) {
    let from = s.length + position;
    for (let n = 0; n < occurrence; n++) {
      const at = s.lastIndexOf(sub, from);
      if (at < 0) return 0;
      if (n === occurrence - 1) return at + 1;
      from = at - 1;
      if (from < 0) return 0;
    }
  }
  return 0;
}

/** MASK's character classes: upper, lower, digit, other; a null mask character leaves that class alone. */
function maskChars(s: S, from: N, to: N, masks: Array<S | null>): S {
  const [up, low, num, other] = masks.map((m) => (m === null ? null : m.slice(0, 1)));
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (i < from || i >= to) {
      out += c;
      continue;
    }
    let m: S | null | undefined;
    if (c >= 'A' && c <= 'Z') m = up;
    else if (c >= 'a' && c <= 'z') m = low;
    else if (c >= '0' && c <= '9') m = num;
    else m = other;
    out += m ?? c;
  }
  return out;
}

const MASK_DEFAULTS: Array<S | null> = ['X', 'x', 'n', '-'];

function maskFunction(name: string, description: string, range: (len: N, n: N) => [N, N], takesCount: boolean): ScalarFunction {
  const overloads: Overload[] = [];
  for (let extra = 0; extra <= 4; extra++) {
    const params: SqlType[] = [STRING, ...(takesCount ? [INTEGER] : []), ...Array<SqlType>(extra).fill(STRING)];
    overloads.push({
      params,
      returns: STRING,
      nullSafe: true,
      impl: (s, ...rest) => {
        if (s === null) return null;
        const n = takesCount ? (rest.shift() as N | null) : 0;
        if (n === null) return null;
        const masks = MASK_DEFAULTS.map((d, i) => (i < rest.length ? (rest[i] as S | null) : d));
        const [from, to] = range((s as S).length, n);
        return maskChars(s as S, from, to, masks);
      },
    });
  }
  return scalar(name, 'STRING', description, overloads);
}

function splitString(s: S, delim: S): S[] {
  if (delim === '') return [...s];
  return s.split(delim);
}

function splitBytes(b: B, delim: B): B[] {
  if (delim.length === 0) return [...b].map((x) => Buffer.from([x]));
  const out: B[] = [];
  let from = 0;
  for (let at = b.indexOf(delim, from); at >= 0; at = b.indexOf(delim, from)) {
    out.push(b.subarray(from, at));
    from = at + delim.length;
  }
  out.push(b.subarray(from));
  return out;
}

function fromBytes(name: string, size: number, read: (b: B, little: boolean) => unknown, t: SqlType): ScalarFunction {
  const conv = (b: unknown, order: unknown): unknown => {
    const bytes = b as B;
    const o = (order as S).toUpperCase();
    if (bytes.length !== size || (o !== 'BIG_ENDIAN' && o !== 'LITTLE_ENDIAN')) return null;
    return read(bytes, o === 'LITTLE_ENDIAN');
  };
  return scalar(name, 'BYTES', `Reads a ${size}-byte value in the given byte order (default BIG_ENDIAN).`, [
    over([BYTES], t, (b) => conv(b, 'BIG_ENDIAN')),
    over([BYTES, STRING], t, conv),
  ]);
}

function sameTypeArgs(name: string): (args: readonly SqlType[]) => SqlType {
  return (args) => {
    const t = commonType(args);
    if (!t) throw new SqlError(`Function '${name}' does not accept parameters (${args.map((a) => a.base).join(', ')}).`);
    return t;
  };
}

export const stringFunctions: ScalarFunction[] = [
  scalar('CHR', 'STRING', 'The character of a Unicode code point (number or \\uXXXX text).', [
    over([INTEGER], STRING, (n) => ((n as N) < 0 || (n as N) > 0x10ffff ? null : String.fromCodePoint(n as N))),
    over([STRING], STRING, (s) => {
      const m = /^\\u([0-9a-fA-F]{4})$/.exec(s as S);
      return m ? String.fromCharCode(parseInt(m[1]!, 16)) : null;
    }),
  ]),
  scalar('CONCAT', 'STRING', 'Concatenates strings (or bytes); NULLs count as empty.', [
    { params: [STRING], variadic: true, returns: STRING, nullSafe: true, impl: (...xs) => xs.map((x) => (x as S | null) ?? '').join('') },
    { params: [BYTES], variadic: true, returns: BYTES, nullSafe: true, impl: (...xs) => Buffer.concat(xs.filter((x): x is B => x !== null)) },
  ]),
  scalar('CONCAT_WS', 'STRING', 'Concatenates with a separator, skipping NULLs; NULL separator gives NULL.', [
    { params: [STRING, STRING], variadic: true, returns: STRING, nullSafe: true, impl: (sep, ...xs) => (sep === null ? null : xs.filter((x) => x !== null).join(sep as S)) },
    {
      params: [BYTES, BYTES],
      variadic: true,
      returns: BYTES,
      nullSafe: true,
      impl: (sep, ...xs) => {
        if (sep === null) return null;
        const parts: B[] = [];
        xs.filter((x): x is B => x !== null).forEach((x, i) => {
          if (i > 0) parts.push(sep as B);
          parts.push(x);
        });
        return Buffer.concat(parts);
      },
    },
  ]),
  scalar('ENCODE', 'STRING', 'Re-encodes a string between hex, utf8, ascii and base64.', [over([STRING, STRING, STRING], STRING, (s, from, to) => encodeBytes(decodeBytes(s as S, from as S), to as S))]),
  scalar('FROM_BYTES', 'STRING', 'Bytes to a string in hex, utf8, ascii or base64.', [over([BYTES, STRING], STRING, (b, e) => encodeBytes(b as B, e as S))]),
  scalar('TO_BYTES', 'STRING', 'A string in hex, utf8, ascii or base64 to bytes.', [over([STRING, STRING], BYTES, (s, e) => decodeBytes(s as S, e as S))]),
  scalar('INITCAP', 'STRING', 'Capitalises each word, lower-casing the rest.', [
    over([STRING], STRING, (s) => (s as S).toLowerCase().replace(/(^|\s)(\S)/g, (_m, sp: string, c: string) => sp + c.toUpperCase())),
  ]),
  scalar('INSTR', 'STRING', 'The 1-based position of a substring (from a position, the n-th occurrence), or 0.', [
    over([STRING, STRING], INTEGER, (s, sub) => instr(s as S, sub as S)),
    over([STRING, STRING, INTEGER], INTEGER, (s, sub, p) => instr(s as S, sub as S, p as N)),
    over([STRING, STRING, INTEGER, INTEGER], INTEGER, (s, sub, p, o) => instr(s as S, sub as S, p as N, o as N)),
  ]),
  scalar('LCASE', 'STRING', 'Lower case.', [over([STRING], STRING, (s) => (s as S).toLowerCase())]),
  scalar('UCASE', 'STRING', 'Upper case.', [over([STRING], STRING, (s) => (s as S).toUpperCase())]),
  scalar('LEN', 'STRING', 'The length of a string, or the number of bytes.', [over([STRING], INTEGER, (s) => (s as S).length), over([BYTES], INTEGER, (b) => (b as B).length)]),
  scalar('LPAD', 'STRING', 'Pads on the left to a length (truncating longer input).', [
    over([STRING, INTEGER, STRING], STRING, (s, n, p) => pad(s as S, n as N, p as S, true)),
    over([BYTES, INTEGER, BYTES], BYTES, (s, n, p) => padBytes(s as B, n as N, p as B, true)),
  ]),
  scalar('RPAD', 'STRING', 'Pads on the right to a length (truncating longer input).', [
    over([STRING, INTEGER, STRING], STRING, (s, n, p) => pad(s as S, n as N, p as S, false)),
    over([BYTES, INTEGER, BYTES], BYTES, (s, n, p) => padBytes(s as B, n as N, p as B, false)),
  ]),
  maskFunction('MASK', 'Masks upper-case, lower-case, digit and other characters.', (len) => [0, len], false),
  maskFunction('MASK_KEEP_LEFT', 'MASK, keeping the first n characters.', (len, n) => [Math.max(0, n), len], true),
  maskFunction('MASK_KEEP_RIGHT', 'MASK, keeping the last n characters.', (len, n) => [0, Math.max(0, len - n)], true),
  maskFunction('MASK_LEFT', 'MASK applied to the first n characters only.', (_len, n) => [0, Math.max(0, n)], true),
  maskFunction('MASK_RIGHT', 'MASK applied to the last n characters only.', (len, n) => [Math.max(0, len - n), len], true),
  scalar('MD5', 'STRING', 'The hex MD5 hash of a string.', [over([STRING], STRING, (s) => createHash('md5').update(s as S, 'utf8').digest('hex'))]),
  scalar('REPLACE', 'STRING', 'Replaces every occurrence of a substring.', [over([STRING, STRING, STRING], STRING, (s, a, b) => (s as S).split(a as S).join(b as S))]),
  scalar('REGEXP_EXTRACT', 'STRING', 'The first match of a regular expression (or of one of its groups).', [
    over([STRING, STRING], STRING, (p, s) => regex(p as S).exec(s as S)?.[0] ?? null),
    over([STRING, STRING, INTEGER], STRING, (p, s, g) => regex(p as S).exec(s as S)?.[g as N] ?? null),
  ]),
  scalar('REGEXP_EXTRACT_ALL', 'STRING', 'Every match of a regular expression (or of one of its groups).', [
    over([STRING, STRING], array(STRING), (p, s) => [...(s as S).matchAll(regex(p as S, 'g'))].map((m) => m[0])),
    over([STRING, STRING, INTEGER], array(STRING), (p, s, g) => [...(s as S).matchAll(regex(p as S, 'g'))].map((m) => m[g as N] ?? null)),
  ]),
  scalar('REGEXP_REPLACE', 'STRING', 'Replaces every match of a regular expression.', [over([STRING, STRING, STRING], STRING, (s, p, r) => (s as S).replace(regex(p as S, 'g'), r as S))]),
  scalar('REGEXP_SPLIT_TO_ARRAY', 'STRING', 'Splits a string at every match of a regular expression.', [
    over([STRING, STRING], array(STRING), (s, p) => ((p as S) === '' ? [...(s as S)] : (s as S).split(regex(p as S)))),
  ]),
  scalar('SPLIT', 'STRING', 'Splits a string (or bytes) at a delimiter.', [
    over([STRING, STRING], array(STRING), (s, d) => splitString(s as S, d as S)),
    over([BYTES, BYTES], array(BYTES), (s, d) => splitBytes(s as B, d as B)),
  ]),
  scalar('SPLIT_TO_MAP', 'STRING', 'Splits "k1=v1/k2=v2" style text into a map.', [
    over([STRING, STRING, STRING], map(STRING, STRING), (s, e, kv) => {
      if (e === '' || kv === '') return null;
      const m = new Map<unknown, unknown>();
      for (const entry of (s as S).split(e as S)) {
        if (entry === '') continue;
        const at = entry.indexOf(kv as S);
        if (at < 0) continue;
        m.set(entry.slice(0, at), entry.slice(at + (kv as S).length));
      }
      return m;
    }),
  ]),
  scalar('SUBSTRING', 'STRING', 'The part from a 1-based position, optionally of a length.', [
    over([STRING, INTEGER], STRING, (s, p) => (s as S).slice(...substring((s as S).length, p as N, undefined))),
    over([STRING, INTEGER, INTEGER], STRING, (s, p, l) => (s as S).slice(...substring((s as S).length, p as N, l as N))),
    over([BYTES, INTEGER], BYTES, (s, p) => (s as B).subarray(...substring((s as B).length, p as N, undefined))),
    over([BYTES, INTEGER, INTEGER], BYTES, (s, p, l) => (s as B).subarray(...substring((s as B).length, p as N, l as N))),
  ]),
  scalar('TRIM', 'STRING', 'Removes leading and trailing spaces.', [over([STRING], STRING, (s) => (s as S).trim())]),
  scalar('UUID', 'STRING', 'A random (version 4) UUID, or the UUID of 16 bytes.', [
    over([], STRING, () => randomUUID()),
    over([BYTES], STRING, (b) => {
      const h = (b as B).toString('hex');
      return h.length !== 32 ? null : `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }),
  ]),
  fromBytes('INT_FROM_BYTES', 4, (b, le) => (le ? b.readInt32LE(0) : b.readInt32BE(0)), INTEGER),
  fromBytes('BIGINT_FROM_BYTES', 8, (b, le) => (le ? b.readBigInt64LE(0) : b.readBigInt64BE(0)), BIGINT),
  fromBytes('DOUBLE_FROM_BYTES', 8, (b, le) => (le ? b.readDoubleLE(0) : b.readDoubleBE(0)), DOUBLE),
  scalar('COALESCE', 'NULLS', 'The first non-NULL argument.', [
    { params: [ANY], variadic: true, returns: sameTypeArgs('COALESCE'), nullSafe: true, unify: true, impl: (...xs) => xs.find((x) => x !== null) ?? null },
  ]),
  scalar('IFNULL', 'NULLS', 'The first argument, or the second if it is NULL.', [
    { params: [ANY, ANY], returns: sameTypeArgs('IFNULL'), nullSafe: true, unify: true, impl: (a, b) => (a === null ? b : a) },
  ]),
  scalar('NULLIF', 'NULLS', 'NULL if the arguments are equal, else the first.', [
    { params: [ANY, ANY], returns: argType(0), nullSafe: true, impl: (a, b) => (a !== null && b !== null && valuesEqual(a, b) ? null : a) },
  ]),
  scalar('AS_VALUE', 'OTHER', "Copies a key column into the row's value.", [{ params: [ANY], returns: argType(0), nullSafe: true, impl: (a) => a }]),
  scalar('IS_JSON_STRING', 'JSON', 'Whether the string parses as JSON.', [
    {
      params: [STRING],
      returns: BOOLEAN,
      nullSafe: true,
      impl: (s) => {
        if (s === null) return false;
        try {
          JSON.parse(s as S);
          return true;
        } catch {
          return false;
        }
      },
    },
  ]),
];
