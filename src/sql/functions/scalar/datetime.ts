// Date and time functions (scalar-functions.md, "Date and time", and the deprecated BIGINT-based
// ones still in wide use: TIMESTAMPTOSTRING, STRINGTOTIMESTAMP, DATETOSTRING, STRINGTODATE).
// Patterns are Java DateTimeFormatter patterns (types/java-datetime.ts); zones are Java zone ids.

import { SqlEvaluationError } from '../../errors.js';
import { TIME_UNIT_MS } from '../../parser/keywords.js';
import { formatWithPattern, parseWithPattern } from '../../types/java-datetime.js';
import { BIGINT, DATE, INTEGER, STRING, TIME, TIMESTAMP } from '../../types/sql-type.js';
import { MS_PER_DAY } from '../../types/temporal.js';
import { zoneOf } from '../../types/time-zones.js';
import { over, scalar } from '../builders.js';
import type { ScalarFunction } from '../registry.js';

type N = number;
type S = string;

function unitMs(unit: unknown): number {
  const ms = TIME_UNIT_MS.get(String(unit).toUpperCase());
  if (ms === undefined) throw new SqlEvaluationError(`Unknown time unit: '${String(unit)}'`);
  return ms;
}

function toNumber(n: unknown): number {
  return typeof n === 'bigint' ? Number(n) : (n as number);
}

function addFunctions(name: string, target: typeof DATE, sign: 1 | -1, description: string, apply: (v: N, deltaMs: number) => N): ScalarFunction {
  return scalar(name, 'DATE_TIME', description, [
    over([STRING, INTEGER, target], target, (u, n, v) => apply(v as N, sign * unitMs(u) * toNumber(n))),
    over([STRING, BIGINT, target], target, (u, n, v) => apply(v as N, sign * unitMs(u) * toNumber(n))),
  ]);
}

function addToDate(days: N, deltaMs: number): N {
  if (deltaMs % MS_PER_DAY !== 0) throw new SqlEvaluationError('DATEADD and DATESUB only add whole days to a DATE');
  return days + deltaMs / MS_PER_DAY;
}

function addToTime(ms: N, deltaMs: number): N {
  return (((ms + deltaMs) % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
}

/** The instant in `to` showing the same wall-clock time that `ms` shows in `from`. */
function convertTz(ms: N, from: S, to: S): N {
  const wall = ms + zoneOf(from).offsetAt(ms);
  const target = zoneOf(to);
  return wall - target.offsetAt(wall - target.offsetAt(wall));
}

export const datetimeFunctions: ScalarFunction[] = [
  scalar('CONVERT_TZ', 'DATE_TIME', 'Converts a TIMESTAMP from one time zone to another.', [over([TIMESTAMP, STRING, STRING], TIMESTAMP, (t, f, z) => convertTz(t as N, f as S, z as S))]),
  addFunctions('DATEADD', DATE, 1, 'Adds a number of time units to a DATE.', addToDate),
  addFunctions('DATESUB', DATE, -1, 'Subtracts a number of time units from a DATE.', addToDate),
  addFunctions('TIMEADD', TIME, 1, 'Adds a number of time units to a TIME (wrapping at midnight).', addToTime),
  addFunctions('TIMESUB', TIME, -1, 'Subtracts a number of time units from a TIME (wrapping at midnight).', addToTime),
  addFunctions('TIMESTAMPADD', TIMESTAMP, 1, 'Adds a number of time units to a TIMESTAMP.', (t, d) => t + d),
  addFunctions('TIMESTAMPSUB', TIMESTAMP, -1, 'Subtracts a number of time units from a TIMESTAMP.', (t, d) => t - d),
  scalar('FORMAT_DATE', 'DATE_TIME', 'A DATE as text in a pattern.', [over([DATE, STRING], STRING, (d, p) => formatWithPattern((d as N) * MS_PER_DAY, p as S))]),
  scalar('FORMAT_TIME', 'DATE_TIME', 'A TIME as text in a pattern.', [over([TIME, STRING], STRING, (t, p) => formatWithPattern(t as N, p as S))]),
  scalar('FORMAT_TIMESTAMP', 'DATE_TIME', 'A TIMESTAMP as text in a pattern (UTC or a time zone).', [
    over([TIMESTAMP, STRING], STRING, (t, p) => formatWithPattern(t as N, p as S)),
    over([TIMESTAMP, STRING, STRING], STRING, (t, p, z) => formatWithPattern(t as N, p as S, zoneOf(z as S))),
  ]),
  scalar('PARSE_DATE', 'DATE_TIME', 'Text in a pattern to a DATE.', [over([STRING, STRING], DATE, (s, p) => Math.floor(parseWithPattern(s as S, p as S) / MS_PER_DAY))]),
  scalar('PARSE_TIME', 'DATE_TIME', 'Text in a pattern to a TIME.', [over([STRING, STRING], TIME, (s, p) => addToTime(parseWithPattern(s as S, p as S), 0))]),
  scalar('PARSE_TIMESTAMP', 'DATE_TIME', 'Text in a pattern to a TIMESTAMP (UTC or a time zone).', [
    over([STRING, STRING], TIMESTAMP, (s, p) => parseWithPattern(s as S, p as S)),
    over([STRING, STRING, STRING], TIMESTAMP, (s, p, z) => parseWithPattern(s as S, p as S, zoneOf(z as S))),
  ]),
  scalar('FROM_DAYS', 'DATE_TIME', 'Days since the epoch to a DATE.', [over([INTEGER], DATE, (d) => d)]),
  scalar('FROM_UNIXTIME', 'DATE_TIME', 'Milliseconds since the epoch to a TIMESTAMP.', [over([BIGINT], TIMESTAMP, (ms) => Number(ms as bigint))]),
  scalar('UNIX_DATE', 'DATE_TIME', 'Days since the epoch: today, or of a DATE.', [over([], INTEGER, () => Math.floor(Date.now() / MS_PER_DAY)), over([DATE], INTEGER, (d) => d)]),
  scalar('UNIX_TIMESTAMP', 'DATE_TIME', 'Milliseconds since the epoch: now, or of a TIMESTAMP.', [over([], BIGINT, () => BigInt(Date.now())), over([TIMESTAMP], BIGINT, (t) => BigInt(t as N))]),
  // Deprecated BIGINT/INT forms.
  scalar('TIMESTAMPTOSTRING', 'DATE_TIME', 'Milliseconds since the epoch as text in a pattern (deprecated: FORMAT_TIMESTAMP).', [
    over([BIGINT, STRING], STRING, (t, p) => formatWithPattern(Number(t as bigint), p as S)),
    over([BIGINT, STRING, STRING], STRING, (t, p, z) => formatWithPattern(Number(t as bigint), p as S, zoneOf(z as S))),
  ]),
  scalar('STRINGTOTIMESTAMP', 'DATE_TIME', 'Text in a pattern to milliseconds since the epoch (deprecated: PARSE_TIMESTAMP).', [
    over([STRING, STRING], BIGINT, (s, p) => BigInt(parseWithPattern(s as S, p as S))),
    over([STRING, STRING, STRING], BIGINT, (s, p, z) => BigInt(parseWithPattern(s as S, p as S, zoneOf(z as S)))),
  ]),
  scalar('DATETOSTRING', 'DATE_TIME', 'Days since the epoch as text in a pattern (deprecated: FORMAT_DATE).', [over([INTEGER, STRING], STRING, (d, p) => formatWithPattern((d as N) * MS_PER_DAY, p as S))]),
  scalar('STRINGTODATE', 'DATE_TIME', 'Text in a pattern to days since the epoch (deprecated: PARSE_DATE).', [
    over([STRING, STRING], INTEGER, (s, p) => Math.floor(parseWithPattern(s as S, p as S) / MS_PER_DAY)),
  ]),
];
