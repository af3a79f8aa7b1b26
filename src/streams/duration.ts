// Durations as users write them ('500ms', '10s', '1m', '2h', '1d') or plain milliseconds.
// Parsed once when a topology is built, never per record.

export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';
export type Duration = number | `${number}${DurationUnit}`;

const unitMs: Record<DurationUnit, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const pattern = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** Milliseconds in `d`; throws RangeError for anything that is not a finite, non-negative integer count. */
export function toMillis(d: Duration): number {
  let ms: number;
  if (typeof d === 'number') {
    ms = d;
  } else {
    const m = pattern.exec(d.trim());
    if (!m) throw new RangeError(`invalid duration '${d}' (expected e.g. 500ms, 10s, 1m, 2h, 1d)`);
    ms = Number(m[1]) * unitMs[m[2] as DurationUnit];
  }
  if (!Number.isFinite(ms) || ms < 0 || !Number.isInteger(ms)) {
    throw new RangeError(`invalid duration ${String(d)}: must be a whole, non-negative number of milliseconds`);
  }
  return ms;
}
