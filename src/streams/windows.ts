// Window definitions and the arithmetic every windowed operator relies on. The rules follow
// Kafka Streams (KIP-328 grace periods, KIP-450 sliding windows, KIP-825 emit strategies) and are
// stated here once; the aggregation processors and the property tests both use these functions.
//
// Time
//   * Timestamps are milliseconds since the epoch, >= 0 (Kafka record timestamps).
//   * Stream time, per task, is the largest record timestamp the task has seen (-1 before any).
//     It only moves forward; out-of-order records do not move it back. It advances *before* the
//     record that moved it is processed, so a record is never late relative to itself.
//
// Windows are half-open intervals [start, end).
//   * tumbling(size)          = hopping(size, advance = size)
//   * hopping(size, advance)  windows are aligned to the epoch: start = k * advance (k >= 0), and
//                             a record at t belongs to every window with start <= t < start + size.
//                             Windows that would start before 0 are not created (as in Kafka).
//   * sliding(d)              Kafka Streams' SlidingWindows (KIP-450). Every window spans d + 1 ms:
//                             [start, start + d + 1) here, [start, start + d] in Kafka's inclusive
//                             terms. Windows exist only where records are, per key: for each record
//                             at r, its *left window* starts at r - d (clipped to 0: records before
//                             d share the window [0, d + 1), as in Kafka), and its *right window*
//                             starting at r + 1 exists when a record of the key lies in
//                             (r, r + d + 1]. A window's aggregate covers the key's accepted records
//                             inside it. Each record updates every existing window holding it and
//                             creates its own left and right windows and the previous record's
//                             right window when they are missing (see ops/sliding-window-aggregate.ts).
//   * session(gap)            per key, records closer than or equal to `gap` ms merge into one
//                             session. A session is [first timestamp, last timestamp + 1). A new
//                             record at t merges every session [s, e) of its key with
//                             s - gap <= t <= (e - 1) + gap; merging emits a tombstone for each
//                             absorbed session and the merged result.
//
// Grace and lateness
//   * A window is closed when stream time - grace >= window end.
//   * Sliding windows, as in Kafka's KStreamSlidingWindowAggregate: a record at t is dropped whole
//     (late, nothing stored) when t + d + 1 <= stream time - grace, i.e. even its right window
//     has closed. Otherwise it is stored and counts as late exactly when its left window has
//     closed (the left window ends first of all windows holding t); open windows still take it.
//   * A record is processed into each of its windows that is still open. If any of its windows is
//     closed, the record is *late* for those: it is counted once in the task's late-drop metric and
//     offered once to the `onLate` hook. A record all of whose windows are closed changes nothing.
//     For sessions the window in question is the merged session the record would produce.
//
// Emission
//   * emit('changes') (default): every update of a window is forwarded downstream at once.
//   * emit('final'): a window's result is forwarded exactly once, when it closes (stream time -
//     grace >= end), in order of window end. Stream time only moves with input records, so a final
//     result appears when a later record advances stream time past the window's end + grace.

import { toMillis, type Duration } from './duration.js';

export interface TimeWindow {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

export interface Windowed<K> {
  readonly key: K;
  readonly window: TimeWindow;
}

export type EmitStrategy = 'changes' | 'final';

export interface FixedWindows {
  readonly kind: 'fixed';
  readonly sizeMs: number;
  readonly advanceMs: number;
  readonly graceMs: number;
  grace(d: Duration): FixedWindows;
}

export interface SlidingWindows {
  readonly kind: 'sliding';
  readonly timeDifferenceMs: number;
  readonly graceMs: number;
  grace(d: Duration): SlidingWindows;
}

export interface SessionWindows {
  readonly kind: 'session';
  readonly gapMs: number;
  readonly graceMs: number;
  grace(d: Duration): SessionWindows;
}

export type WindowSpec = FixedWindows | SlidingWindows;

function fixed(sizeMs: number, advanceMs: number, graceMs: number): FixedWindows {
  if (sizeMs <= 0) throw new RangeError('window size must be > 0');
  if (advanceMs <= 0 || advanceMs > sizeMs) throw new RangeError('window advance must be > 0 and <= size');
  return { kind: 'fixed', sizeMs, advanceMs, graceMs, grace: (d) => fixed(sizeMs, advanceMs, toMillis(d)) };
}

export function tumbling(size: Duration, options: { grace?: Duration } = {}): FixedWindows {
  const s = toMillis(size);
  return fixed(s, s, toMillis(options.grace ?? 0));
}

export function hopping(size: Duration, advance: Duration, options: { grace?: Duration } = {}): FixedWindows {
  return fixed(toMillis(size), toMillis(advance), toMillis(options.grace ?? 0));
}

export function sliding(timeDifference: Duration, options: { grace?: Duration } = {}): SlidingWindows {
  const make = (d: number, g: number): SlidingWindows => {
    if (d <= 0) throw new RangeError('sliding window time difference must be > 0');
    return { kind: 'sliding', timeDifferenceMs: d, graceMs: g, grace: (x) => make(d, toMillis(x)) };
  };
  return make(toMillis(timeDifference), toMillis(options.grace ?? 0));
}

export function session(inactivityGap: Duration, options: { grace?: Duration } = {}): SessionWindows {
  const make = (gap: number, g: number): SessionWindows => {
    if (gap <= 0) throw new RangeError('session inactivity gap must be > 0');
    return { kind: 'session', gapMs: gap, graceMs: g, grace: (x) => make(gap, toMillis(x)) };
  };
  return make(toMillis(inactivityGap), toMillis(options.grace ?? 0));
}

/** Is a window ending (exclusively) at `end` closed at `streamTime`? */
export function isClosed(end: number, streamTime: number, graceMs: number): boolean {
  return streamTime - graceMs >= end;
}

/** Start of the earliest fixed window containing `ts` (never below 0). Hot path: no allocation. */
export function firstWindowStart(ts: number, sizeMs: number, advanceMs: number): number {
  const k = Math.floor((ts - sizeMs) / advanceMs) + 1;
  return Math.max(0, k * advanceMs);
}

/** Start of the latest fixed window containing `ts`. */
export function lastWindowStart(ts: number, advanceMs: number): number {
  return Math.floor(ts / advanceMs) * advanceMs;
}

/** All fixed windows containing `ts`, oldest first (allocates; for tests and tooling). */
export function fixedWindowsFor(ts: number, w: Pick<FixedWindows, 'sizeMs' | 'advanceMs'>): TimeWindow[] {
  const out: TimeWindow[] = [];
  for (let s = firstWindowStart(ts, w.sizeMs, w.advanceMs); s <= ts; s += w.advanceMs) {
    out.push({ start: s, end: s + w.sizeMs });
  }
  return out;
}

/** Start of the left sliding window of a record at `r` (early records share the window at 0). */
export function slidingWindowStart(r: number, timeDifferenceMs: number): number {
  return Math.max(0, r - timeDifferenceMs);
}

/** Does the session [start, end) absorb a record at `ts`? */
export function sessionAbsorbs(s: TimeWindow, ts: number, gapMs: number): boolean {
  return s.start - gapMs <= ts && ts <= s.end - 1 + gapMs;
}

/**
 * The session a record at `ts` produces given its key's existing sessions, and which of them it
 * absorbs. Merging can chain (a record bridging two sessions joins both), which the single pass
 * handles because `sessions` never overlap within `gap` of each other.
 */
export function mergeSessions(
  sessions: readonly TimeWindow[],
  ts: number,
  gapMs: number,
): { merged: TimeWindow; absorbed: TimeWindow[] } {
  let start = ts;
  let end = ts + 1;
  const absorbed: TimeWindow[] = [];
  for (const s of sessions) {
    if (sessionAbsorbs(s, ts, gapMs)) {
      absorbed.push(s);
      if (s.start < start) start = s.start;
      if (s.end > end) end = s.end;
    }
  }
  return { merged: { start, end }, absorbed };
}

/**
 * Stream-stream join windows (Kafka Streams' JoinWindows): a left record at t joins right records
 * with timestamps in [t - before, t + after]; `joinWindows(d)` is symmetric (before = after = d).
 * Grace admits out-of-order records after a window ends (default 0, as ofTimeDifferenceWithNoGrace).
 * The rules of the join itself are in ops/stream-stream-join.ts.
 */
export interface JoinWindows {
  readonly kind: 'join';
  readonly beforeMs: number;
  readonly afterMs: number;
  readonly graceMs: number;
  /** How far before a left record's timestamp a right record may be. */
  before(d: Duration): JoinWindows;
  /** How far after a left record's timestamp a right record may be. */
  after(d: Duration): JoinWindows;
  grace(d: Duration): JoinWindows;
}

export function joinWindows(timeDifference: Duration, options: { grace?: Duration } = {}): JoinWindows {
  const make = (before: number, after: number, grace: number): JoinWindows => {
    if (before + after < 0) throw new RangeError('join window size (before + after) must be >= 0');
    if (grace < 0) throw new RangeError('join window grace must be >= 0');
    return {
      kind: 'join',
      beforeMs: before,
      afterMs: after,
      graceMs: grace,
      before: (d) => make(toMillis(d), after, grace),
      after: (d) => make(before, toMillis(d), grace),
      grace: (d) => make(before, after, toMillis(d)),
    };
  };
  const d = toMillis(timeDifference);
  return make(d, d, toMillis(options.grace ?? 0));
}
