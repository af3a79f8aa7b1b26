// Time zones as Java's ZoneId names them: IANA ids ("America/Los_Angeles"), "UTC"/"GMT"/"Z", and
// fixed offsets ("+02:00", "-0330", "GMT+2", "UTC-05:00"). Offsets of IANA zones come from the
// platform's time zone database through Intl (Node ships full ICU data), cached per zone.

import { SqlEvaluationError } from '../errors.js';

export interface Zone {
  readonly id: string;
  /** Offset from UTC, ms, at the instant `utcMs`. */
  offsetAt(utcMs: number): number;
  /** Java's short display name at an instant (UTC, PST, GMT+02:00). */
  shortName(utcMs: number): string;
}

const cache = new Map<string, Zone>();

export const UTC_ZONE: Zone = fixedZone('UTC', 0);

function fixedZone(id: string, offsetMs: number): Zone {
  return { id, offsetAt: () => offsetMs, shortName: () => (offsetMs === 0 ? (id === 'Z' ? 'Z' : id) : id) };
}

/** Parse "+02", "+0200", "+02:00" (sign required): ms, or undefined. */
function parseOffset(text: string): number | undefined {
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(text);
  if (!m) return undefined;
  const h = Number(m[2]);
  const min = Number(m[3] ?? 0);
  const sec = Number(m[4] ?? 0);
  if (h > 18 || min > 59 || sec > 59) return undefined;
  const ms = ((h * 60 + min) * 60 + sec) * 1000;
  return m[1] === '-' ? -ms : ms;
}

export function formatOffset(offsetMs: number, colon: boolean): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const abs = Math.abs(offsetMs) / 60_000;
  const h = String(Math.floor(abs / 60)).padStart(2, '0');
  const m = String(abs % 60).padStart(2, '0');
  return colon ? `${sign}${h}:${m}` : `${sign}${h}${m}`;
}

export function zoneOf(id: string): Zone {
  const cached = cache.get(id);
  if (cached) return cached;
  const zone = makeZone(id.trim());
  cache.set(id, zone);
  return zone;
}

function makeZone(id: string): Zone {
  if (id === 'Z' || id === 'UTC' || id === 'GMT' || id === 'UT') return fixedZone(id, 0);
  const prefixed = /^(UTC|GMT|UT)([+-].*)$/.exec(id);
  const offset = parseOffset(prefixed ? prefixed[2]! : id);
  if (offset !== undefined) return fixedZone(id, offset);
  let numeric: Intl.DateTimeFormat;
  let named: Intl.DateTimeFormat;
  try {
    numeric = new Intl.DateTimeFormat('en-US', {
      timeZone: id,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    named = new Intl.DateTimeFormat('en-US', { timeZone: id, timeZoneName: 'short' });
  } catch {
    throw new SqlEvaluationError(`Unknown time-zone ID: ${id}`);
  }
  const offsetAt = (utcMs: number): number => {
    const second = Math.floor(utcMs / 1000) * 1000;
    const parts = numeric.formatToParts(new Date(second));
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
    let year = get('year');
    if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
    const local = Date.UTC(year, get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return local - second;
  };
  return {
    id,
    offsetAt,
    shortName: (utcMs) => named.formatToParts(new Date(utcMs)).find((p) => p.type === 'timeZoneName')?.value ?? id,
  };
}

/** The instant of a local date-time (ms as if UTC) in `zone`; in a gap or overlap, the earlier offset wins, as Java's. */
export function localToUtc(localMs: number, zone: Zone): number {
  const first = localMs - zone.offsetAt(localMs);
  const offset = zone.offsetAt(first);
  const second = localMs - offset;
  return zone.offsetAt(second) === offset ? second : first;
}
