// Durations written as property values ('10 SECONDS', '1 HOUR', or plain milliseconds), as ksqlDB
// accepts them for WINDOW_SIZE.
import { SqlError } from '../errors.js';
import { TIME_UNIT_MS } from '../parser/keywords.js';

export function parseDuration(text: string): number {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const m = /^(\d+)\s+([A-Za-z]+)$/.exec(t);
  const unit = m ? TIME_UNIT_MS.get(m[2]!.toUpperCase()) : undefined;
  if (!m || unit === undefined) throw new SqlError(`Invalid duration: '${text}'. Expected '<number> <unit>', e.g. '10 SECONDS'.`);
  return Number(m[1]) * unit;
}
