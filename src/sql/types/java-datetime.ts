// Java DateTimeFormatter patterns, which ksqlDB's date functions (FORMAT_TIMESTAMP, PARSE_TIMESTAMP,
// TIMESTAMPTOSTRING, STRINGTOTIMESTAMP, FORMAT_DATE, ...) and the TIMESTAMP_FORMAT property take.
// Supported letters: G y u M L d D E a h K k H m s S n V z Z X x, '...' literals ('' is a quote).
// Patterns are compiled once and cached; formatting and parsing then walk the compiled parts.

import { SqlEvaluationError } from '../errors.js';
import { toCivil, fromCivil } from './temporal.js';
import { formatOffset, localToUtc, UTC_ZONE, zoneOf, type Zone } from './time-zones.js';

type Part = { readonly kind: 'literal'; readonly text: string } | { readonly kind: 'field'; readonly letter: string; readonly count: number };

const LETTERS = new Set('GyuMLdDEahKkHmsSnVzZXx'.split(''));
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const compiled = new Map<string, Part[]>();

export function compilePattern(pattern: string): Part[] {
  const hit = compiled.get(pattern);
  if (hit) return hit;
  const parts: Part[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        parts.push({ kind: 'literal', text: "'" });
        i += 2;
        continue;
      }
      let j = i + 1;
      let text = '';
      while (j < pattern.length) {
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j];
        j++;
      }
      if (j >= pattern.length) throw new SqlEvaluationError(`Pattern ends with an incomplete string literal: ${pattern}`);
      parts.push({ kind: 'literal', text });
      i = j + 1;
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      if (!LETTERS.has(c)) throw new SqlEvaluationError(`Unknown pattern letter: ${c}`);
      let j = i;
      while (pattern[j] === c) j++;
      parts.push({ kind: 'field', letter: c, count: j - i });
      i = j;
      continue;
    }
    if (c === '[' || c === ']') {
      i++; // optional sections: printed in full, parsed as optional below
      continue;
    }
    parts.push({ kind: 'literal', text: c });
    i++;
  }
  compiled.set(pattern, parts);
  return parts;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Format the instant `ms` in `zone` with a Java pattern. */
export function formatWithPattern(ms: number, pattern: string, zone: Zone = UTC_ZONE): string {
  const offset = zone.offsetAt(ms);
  const c = toCivil(ms + offset);
  const dow = new Date(ms + offset).getUTCDay();
  let out = '';
  for (const p of compilePattern(pattern)) {
    if (p.kind === 'literal') {
      out += p.text;
      continue;
    }
    const n = p.count;
    switch (p.letter) {
      case 'G':
        out += n === 4 ? (c.year > 0 ? 'Anno Domini' : 'Before Christ') : c.year > 0 ? 'AD' : 'BC';
        break;
      case 'y':
      case 'u': {
        const y = p.letter === 'y' && c.year <= 0 ? 1 - c.year : c.year;
        out += n === 2 ? pad(((y % 100) + 100) % 100, 2) : pad(y, n);
        break;
      }
      case 'M':
      case 'L':
        out += n >= 4 ? MONTHS[c.month - 1]! : n === 3 ? MONTHS[c.month - 1]!.slice(0, 3) : pad(c.month, n);
        break;
      case 'd':
        out += pad(c.day, n);
        break;
      case 'D': {
        const start = Date.UTC(c.year, 0, 1);
        out += pad(Math.floor((Date.UTC(c.year, c.month - 1, c.day) - start) / 86_400_000) + 1, n);
        break;
      }
      case 'E':
        out += n >= 4 ? DAYS[dow]! : DAYS[dow]!.slice(0, 3);
        break;
      case 'a':
        out += c.hour < 12 ? 'AM' : 'PM';
        break;
      case 'h':
        out += pad(c.hour % 12 === 0 ? 12 : c.hour % 12, n);
        break;
      case 'K':
        out += pad(c.hour % 12, n);
        break;
      case 'k':
        out += pad(c.hour === 0 ? 24 : c.hour, n);
        break;
      case 'H':
        out += pad(c.hour, n);
        break;
      case 'm':
        out += pad(c.minute, n);
        break;
      case 's':
        out += pad(c.second, n);
        break;
      case 'S':
        out += pad(c.millis, 3).padEnd(n, '0').slice(0, n);
        break;
      case 'n':
        out += String(c.millis * 1_000_000);
        break;
      case 'V':
        out += zone.id;
        break;
      case 'z':
        out += zone.shortName(ms);
        break;
      case 'Z':
        out += n <= 3 ? formatOffset(offset, false) : n === 4 ? (offset === 0 ? 'GMT' : `GMT${formatOffset(offset, true)}`) : offset === 0 ? 'Z' : formatOffset(offset, true);
        break;
      case 'X':
      case 'x': {
        if (offset === 0 && p.letter === 'X') {
          out += 'Z';
          break;
        }
        const full = formatOffset(offset, n >= 3);
        out += n === 1 && offset % 3_600_000 === 0 ? full.slice(0, 3) : full;
        break;
      }
    }
  }
  return out;
}

interface Parsed {
  year?: number;
  month?: number;
  day?: number;
  dayOfYear?: number;
  hour?: number;
  hour12?: number;
  pm?: boolean;
  minute?: number;
  second?: number;
  millis?: number;
  zone?: Zone;
}

const NUMERIC = new Set('yuMLdDhKkHmsSn'.split(''));

/** Parse `text` with a Java pattern into ms since the epoch; fields the pattern lacks default to 1970-01-01T00:00. */
export function parseWithPattern(text: string, pattern: string, zone: Zone = UTC_ZONE): number {
  const parts = compilePattern(pattern);
  const r: Parsed = {};
  let at = 0;
  const fail = (why: string): never => {
    throw new SqlEvaluationError(`Text '${text}' could not be parsed at index ${at}${why ? `: ${why}` : ''}`);
  };
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k]!;
    if (p.kind === 'literal') {
      if (text.slice(at, at + p.text.length).toLowerCase() !== p.text.toLowerCase()) fail('');
      at += p.text.length;
      continue;
    }
    const next = parts[k + 1];
    const adjacent = next !== undefined && next.kind === 'field' && NUMERIC.has(next.letter);
    if (NUMERIC.has(p.letter) && !((p.letter === 'M' || p.letter === 'L') && p.count >= 3)) {
      const max = adjacent || p.letter === 'S' ? p.count : p.letter === 'y' || p.letter === 'u' ? 9 : Math.max(p.count, 2);
      let end = at;
      if ((p.letter === 'y' || p.letter === 'u') && (text[end] === '-' || text[end] === '+')) end++;
      while (end < text.length && end - at < max && text[end]! >= '0' && text[end]! <= '9') end++;
      if (end === at) fail('');
      const digits = text.slice(at, end);
      let v = Number(digits);
      at = end;
      switch (p.letter) {
        case 'y':
        case 'u':
          if (p.count === 2 && digits.length === 2) v += 2000;
          r.year = v;
          break;
        case 'M':
        case 'L':
          r.month = v;
          break;
        case 'd':
          r.day = v;
          break;
        case 'D':
          r.dayOfYear = v;
          break;
        case 'H':
        case 'k':
          r.hour = p.letter === 'k' && v === 24 ? 0 : v;
          break;
        case 'h':
        case 'K':
          r.hour12 = v % 12;
          break;
        case 'm':
          r.minute = v;
          break;
        case 's':
          r.second = v;
          break;
        case 'S':
          r.millis = Number(digits.padEnd(3, '0').slice(0, 3));
          break;
        case 'n':
          r.millis = Math.floor(v / 1_000_000);
          break;
      }
      continue;
    }
    const rest = text.slice(at);
    switch (p.letter) {
      case 'M':
      case 'L': {
        const i = MONTHS.findIndex((m) => rest.toLowerCase().startsWith((p.count === 3 ? m.slice(0, 3) : m).toLowerCase()));
        if (i < 0) fail('');
        r.month = i + 1;
        at += p.count === 3 ? 3 : MONTHS[i]!.length;
        break;
      }
      case 'E': {
        const i = DAYS.findIndex((d) => rest.toLowerCase().startsWith((p.count >= 4 ? d : d.slice(0, 3)).toLowerCase()));
        if (i < 0) fail('');
        at += p.count >= 4 ? DAYS[i]!.length : 3;
        break;
      }
      case 'a': {
        const v = rest.slice(0, 2).toUpperCase();
        if (v !== 'AM' && v !== 'PM') fail('');
        r.pm = v === 'PM';
        at += 2;
        break;
      }
      case 'G':
        at += /^(AD|BC)/i.test(rest) ? 2 : fail('');
        break;
      case 'X':
      case 'x':
      case 'Z': {
        if (rest[0] === 'Z' && p.letter !== 'x') {
          r.zone = UTC_ZONE;
          at += 1;
          break;
        }
        const m = /^(GMT)?([+-]\d{2}(?::?\d{2})?)/.exec(rest);
        if (!m) fail('');
        r.zone = zoneOf(m![2]!);
        at += m![0].length;
        break;
      }
      case 'V':
      case 'z': {
        const m = /^[A-Za-z][A-Za-z0-9_/+-]*/.exec(rest);
        if (!m) fail('');
        r.zone = zoneOf(m![0]);
        at += m![0].length;
        break;
      }
    }
  }
  if (at !== text.length) throw new SqlEvaluationError(`Text '${text}' could not be parsed, unparsed text found at index ${at}`);
  let hour = r.hour ?? 0;
  if (r.hour === undefined && r.hour12 !== undefined) hour = r.hour12 + (r.pm ? 12 : 0);
  const year = r.year ?? 1970;
  let month = r.month ?? 1;
  let day = r.day ?? 1;
  if (r.dayOfYear !== undefined && r.month === undefined) {
    const d = new Date(Date.UTC(year, 0, r.dayOfYear));
    month = d.getUTCMonth() + 1;
    day = d.getUTCDate();
  }
  const local = fromCivil({ year, month, day, hour, minute: r.minute ?? 0, second: r.second ?? 0, millis: r.millis ?? 0 });
  const check = toCivil(local);
  if (check.month !== month || check.day !== day) throw new SqlEvaluationError(`Text '${text}' could not be parsed: Invalid date`);
  return localToUtc(local, r.zone ?? zone);
}
