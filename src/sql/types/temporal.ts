// DATE, TIME and TIMESTAMP values as ksqlDB reads and prints them without a pattern: timestamps as
// yyyy-MM-dd'T'HH:mm:ss.SSS in UTC, dates as yyyy-MM-dd, times as Java's LocalTime.toString of whole
// seconds ("10:15" when the seconds are zero, else "10:15:30"). Partial strings are completed as
// ksqlDB's PartialStringToTimestampParser does ("2020-05" is 2020-05-01T00:00:00.000), with an
// optional offset ("+0200", "-05:00") or a trailing Z.

import { SqlEvaluationError } from '../errors.js';
import { localToUtc, zoneOf } from './time-zones.js';

export const MS_PER_DAY = 86_400_000;

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
}

export interface CivilDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millis: number;
}

export function toCivil(ms: number): CivilDateTime {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millis: d.getUTCMilliseconds(),
  };
}

export function fromCivil(c: CivilDateTime): number {
  const d = new Date(0);
  d.setUTCFullYear(c.year, c.month - 1, c.day);
  d.setUTCHours(c.hour, c.minute, c.second, c.millis);
  return d.getTime();
}

function yearText(y: number): string {
  // java.time prints years beyond 9999 with a sign.
  return y > 9999 ? `+${y}` : pad(y, 4);
}

export function formatTimestamp(ms: number): string {
  const c = toCivil(ms);
  return `${yearText(c.year)}-${pad(c.month, 2)}-${pad(c.day, 2)}T${pad(c.hour, 2)}:${pad(c.minute, 2)}:${pad(c.second, 2)}.${pad(c.millis, 3)}`;
}

export function formatDate(days: number): string {
  const c = toCivil(days * MS_PER_DAY);
  return `${yearText(c.year)}-${pad(c.month, 2)}-${pad(c.day, 2)}`;
}

/** LocalTime.ofSecondOfDay(ms / 1000).toString(): "HH:mm", or "HH:mm:ss" when seconds are not zero. */
export function formatTime(msOfDay: number): string {
  const total = Math.floor(msOfDay / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return s === 0 ? `${pad(h, 2)}:${pad(m, 2)}` : `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}`;
}

const TIMESTAMP_HELP =
  '\nRequired format is: "yyyy-MM-dd\'T\'HH:mm:ss.SSS", with an optional numeric 4-digit timezone, for example: ' +
  "'2020-05-26T23:59:58.000' or with tz: '2020-05-26T23:59:58.000+0200'. A trailing 'Z' instead of tz indicates the zero UTC offset. " +
  'Partials are also supported, for example "2020-05-26"';

function completeDate(date: string): string {
  const parts = date.split('-');
  if (parts.length === 1) return `${date}-01-01`;
  if (parts.length === 2) return `${date}-01`;
  return date;
}

function parseIsoDate(text: string): { year: number; month: number; day: number } {
  const m = /^([+-]?\d{4,9})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new SqlEvaluationError(`Text '${text}' could not be parsed`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const check = new Date(Date.UTC(2000, month - 1, day));
  if (month < 1 || month > 12 || day < 1 || check.getUTCMonth() !== month - 1 || (month === 2 && day === 29 && !isLeap(year))) {
    throw new SqlEvaluationError(`Text '${text}' could not be parsed: Invalid date`);
  }
  return { year, month, day };
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** HH:mm[:ss[.SSS...]] -> ms of day. */
function parseIsoTime(text: string): number {
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/.exec(text);
  if (!m) throw new SqlEvaluationError(`Text '${text}' could not be parsed`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = Number(m[3] ?? 0);
  if (h > 23 || min > 59 || s > 59) throw new SqlEvaluationError(`Text '${text}' could not be parsed: Invalid time`);
  const ms = Number((m[4] ?? '').padEnd(3, '0').slice(0, 3));
  return ((h * 60 + min) * 60 + s) * 1000 + ms;
}

/** A timestamp string, possibly partial, to ms since the epoch. */
export function parseTimestamp(text: string): number {
  try {
    let date: string;
    let time = '';
    let zone = '';
    const t = text.indexOf('T');
    if (t >= 0) {
      date = text.slice(0, t);
      let rest = text.slice(t + 1);
      const z = rest.search(/[+-]/);
      if (z >= 0) {
        zone = rest.slice(z);
        rest = rest.slice(0, z);
      }
      time = rest.replace(/Z$/, '');
    } else {
      date = completeDate(text);
    }
    const d = parseIsoDate(date);
    const pattern = 'HH:mm:ss.SSS';
    const full = time.length >= pattern.length ? time : time + pattern.slice(time.length).replace(/[a-zA-Z]/g, '0');
    const local = fromCivil({ ...d, hour: 0, minute: 0, second: 0, millis: 0 }) + parseIsoTime(full);
    return zone === '' ? local : localToUtc(local, zoneOf(zone));
  } catch (e) {
    throw new SqlEvaluationError(`Failed to parse timestamp '${text}': ${e instanceof Error ? e.message : String(e)}${TIMESTAMP_HELP}`);
  }
}

export function parseDate(text: string): number {
  try {
    const d = parseIsoDate(completeDate(text));
    return Math.floor(fromCivil({ ...d, hour: 0, minute: 0, second: 0, millis: 0 }) / MS_PER_DAY);
  } catch (e) {
    throw new SqlEvaluationError(
      `Failed to parse date '${text}': ${e instanceof Error ? e.message : String(e)}\nRequired format is: "yyyy-MM-dd", for example '2020-05-26'. Partials are also supported, for example '2020-05'`,
    );
  }
}

export function parseTime(text: string): number {
  try {
    return parseIsoTime(text);
  } catch (e) {
    throw new SqlEvaluationError(
      `Failed to parse time '${text}': ${e instanceof Error ? e.message : String(e)}\nRequired format is: "HH:mm:ss.SSS", for example: '01:34:20.123' or '01:34:20'. Partials are also supported, for example '01:34'`,
    );
  }
}

export function timestampToDate(ms: number): number {
  return Math.floor(ms / MS_PER_DAY);
}

export function timestampToTime(ms: number): number {
  return ((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
}
