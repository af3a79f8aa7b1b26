// Acquisition: which records of what a fetch read from the log one consumer gets, locked until a
// deadline (KIP-932 "Fetching records"; Kafka's SharePartition.acquire).
//
// The fetch reads the log from the share-partition's next fetch offset (the first Available offset
// in the window, or the window's end) and passes the batches it read. In offset order:
//   1. inside the window [start, end): every Available run within what was read is acquired, its
//      delivery count incremented;
//   2. past the window: new records from `end`, while the window stays within maxInFlight records
//      (share.partition.max.record.locks) -- a full window acquires nothing new until its start moves.
// Acquisition stops once maxRecords are taken. In the default batch-optimized mode a range is
// extended to the end of the stored batch it stops in, so consumers get whole batches (they cannot
// be handed half a compressed batch anyway); ShareAcquireMode record-limit (KIP-1206) stops at
// exactly maxRecords.
//
// Poison-record isolation (Kafka 4.x): a record whose delivery count reached half the delivery limit
// is delivered in ever smaller groups (halving per further attempt), and a record on its last
// attempt is delivered alone, so one bad record cannot make a whole batch run out of deliveries.
//
// Batches marked `skip` (transaction markers; aborted transactions under read_committed) are
// archived where they are Available or new, and never delivered.
import { DeliveryState, type ArchiveReason } from './delivery-state.js';
import type { InFlightRuns } from './in-flight-runs.js';
import type { AcquiredRange, AcquireOptions, BatchExtent, DeliveryPolicy, Outcome, PersistedBatch } from './partition-types.js';

export interface Acquisition {
  ranges: AcquiredRange[];
  /** Records acquired. */
  count: number;
}

/** Half the delivery limit (at least 2): from here on, deliveries are throttled. */
export function throttleThreshold(deliveryLimit: number): number {
  return Math.max(2, Math.ceil(deliveryLimit / 2));
}

/** The last offset of the batch holding `offset`, or `offset` when no batch holds it. */
function batchEnd(extents: readonly BatchExtent[], offset: number): number {
  for (const e of extents) if (e.first <= offset && offset <= e.last) return e.last;
  return offset;
}

export function acquire(
  runs: InFlightRuns,
  member: string,
  extents: readonly BatchExtent[],
  options: AcquireOptions,
  policy: DeliveryPolicy,
  outcome: Outcome,
): Acquisition {
  const out: Acquisition = { ranges: [], count: 0 };
  if (extents.length === 0 || options.maxRecords <= 0) return out;
  const readFirst = Math.max(extents[0]!.first, runs.start);
  const readLast = extents[extents.length - 1]!.last;
  if (readLast < runs.start) return out;
  archiveSkipped(runs, extents, outcome);
  archiveExhausted(runs, readFirst, readLast, policy, outcome);
  const deadline = options.now + policy.lockDurationMs;
  const lastAttempt = policy.deliveryLimit > 2 ? policy.deliveryLimit - 1 : -1;
  const throttle = throttleThreshold(policy.deliveryLimit);
  let stop = false;

  // 1. Available runs inside the window.
  const candidates: { first: number; last: number; count: number }[] = [];
  runs.forEachIn(readFirst, readLast, (r) => {
    if (r.state === DeliveryState.Available) candidates.push({ first: r.first, last: r.last, count: r.count });
  });
  for (const c of candidates) {
    if (stop || out.count >= options.maxRecords) break;
    let take = c.last - c.first + 1;
    if (c.count === lastAttempt) {
      // On its last attempt: alone, or not in this fetch.
      if (out.count > 0) break;
      take = 1;
      stop = true;
    } else if (c.count >= throttle && c.count > 0) {
      if (out.count > 0) break;
      take = Math.min(take, Math.max(1, Math.floor(options.maxRecords / 2 ** (c.count - throttle + 1))));
      stop = true;
    } else {
      take = Math.min(take, options.maxRecords - out.count);
    }
    let last = c.first + take - 1;
    if (!options.recordLimit && !stop) last = Math.min(c.last, batchEnd(extents, last));
    grant(runs, member, c.first, last, c.count + 1, deadline, out, outcome);
  }

  // 2. New records past the window, in offset order; gaps between stored batches (compacted away)
  // travel inside the ranges, and the consumer acknowledges them as Gap.
  if (!stop && out.count < options.maxRecords && readLast >= runs.end) {
    let wanted = Math.min(options.maxRecords - out.count, policy.maxInFlight - runs.size);
    // The span of new records being gathered (one range unless batchSize cuts it, as Kafka's createBatches).
    let spanLast = -1;
    const flush = (): void => {
      if (spanLast >= runs.end) takeNew(runs, member, extents, runs.end, spanLast, options.batchSize, deadline, out, outcome);
      spanLast = -1;
    };
    for (const e of extents) {
      if (wanted <= 0) break;
      const from = spanLast >= 0 ? spanLast + 1 : runs.end;
      if (e.last < from) continue;
      if (e.skip) {
        if (e.first > from) {
          const last = Math.min(e.first - 1, from + wanted - 1);
          spanLast = last;
          wanted -= last - from + 1;
          if (last < e.first - 1) break;
        }
        flush();
        runs.extend(e.last, { state: DeliveryState.Archived, count: 0, owner: null, deadline: 0 });
        pushChange(outcome.changes, { first: Math.max(e.first, from), last: e.last, state: DeliveryState.Archived, count: 0 });
        continue;
      }
      let last = e.last;
      if (last - from + 1 > wanted) last = options.recordLimit ? from + wanted - 1 : e.last;
      spanLast = last;
      wanted -= last - from + 1;
    }
    flush();
  }
  return out;
}

function grant(runs: InFlightRuns, member: string, first: number, last: number, count: number, deadline: number, out: Acquisition, outcome: Outcome): void {
  runs.set(first, last, { state: DeliveryState.Acquired, count, owner: member, deadline });
  pushRange(out, first, last, count);
  pushChange(outcome.changes, { first, last, state: DeliveryState.Available, count });
}

/** New records [first, last] at the window's end: acquired in ranges cut at batch boundaries near batchSize. */
function takeNew(runs: InFlightRuns, member: string, extents: readonly BatchExtent[], first: number, last: number, batchSize: number, deadline: number, out: Acquisition, outcome: Outcome): void {
  runs.extend(last, { state: DeliveryState.Acquired, count: 1, owner: member, deadline });
  let from = first;
  if (batchSize > 0 && last - first + 1 > batchSize) {
    for (const e of extents) {
      if (e.first <= from || e.first > last) continue;
      if (e.first - from >= batchSize) {
        grantNew(from, e.first - 1, out, outcome);
        from = e.first;
      }
    }
  }
  grantNew(from, last, out, outcome);
}

function grantNew(first: number, last: number, out: Acquisition, outcome: Outcome): void {
  // Separate entries per batchSize cut, as Kafka's AcquiredRecords are (the ranges are adjacent).
  out.ranges.push({ first, last, deliveryCount: 1 });
  out.count += last - first + 1;
  pushChange(outcome.changes, { first, last, state: DeliveryState.Available, count: 1 });
}

function pushRange(out: Acquisition, first: number, last: number, count: number): void {
  const prev = out.ranges[out.ranges.length - 1];
  if (prev && prev.last + 1 === first && prev.deliveryCount === count) prev.last = last;
  else out.ranges.push({ first, last, deliveryCount: count });
  out.count += last - first + 1;
}

export function pushChange(changes: PersistedBatch[], c: PersistedBatch): void {
  const prev = changes[changes.length - 1];
  if (prev && prev.last + 1 === c.first && prev.state === c.state && prev.count === c.count) prev.last = c.last;
  else changes.push({ ...c });
}

/** Archives the Available records of skipped batches inside the window (those past it are handled as they come). */
/** Archives [first, last]: Archiving (dead-letter copy pending) when the group has a dead-letter topic. */
export function archive(runs: InFlightRuns, s: { first: number; last: number; count: number }, reason: ArchiveReason, policy: DeliveryPolicy, outcome: Outcome): void {
  const state = policy.deadLetter ? DeliveryState.Archiving : DeliveryState.Archived;
  runs.set(s.first, s.last, { state, count: s.count, owner: null, deadline: 0 });
  pushChange(outcome.changes, { first: s.first, last: s.last, state, count: s.count });
  if (policy.deadLetter) outcome.archivals.push({ first: s.first, last: s.last, count: s.count, reason });
}

/**
 * Archives Available records in [first, last] that already used up their deliveries. Release and lock
 * expiry archive such records themselves; these come back Available from a restart (a crash took their
 * last delivery's lock: Acquired is persisted as Available) or from a delivery limit lowered since.
 * Handing them out again would deliver a record more often than the limit allows.
 */
function archiveExhausted(runs: InFlightRuns, first: number, last: number, policy: DeliveryPolicy, outcome: Outcome): void {
  const exhausted: { first: number; last: number; count: number }[] = [];
  runs.forEachIn(first, last, (r) => {
    if (r.state === DeliveryState.Available && r.count >= policy.deliveryLimit) exhausted.push({ first: r.first, last: r.last, count: r.count });
  });
  for (const e of exhausted) archive(runs, e, 'delivery-limit', policy, outcome);
}

function archiveSkipped(runs: InFlightRuns, extents: readonly BatchExtent[], outcome: Outcome): void {
  for (const e of extents) {
    if (!e.skip || e.last < runs.start || e.first >= runs.end) continue;
    const available: { first: number; last: number; count: number }[] = [];
    runs.forEachIn(e.first, e.last, (r) => {
      if (r.state === DeliveryState.Available) available.push({ first: r.first, last: r.last, count: r.count });
    });
    for (const a of available) {
      runs.set(a.first, a.last, { state: DeliveryState.Archived, count: a.count, owner: null, deadline: 0 });
      pushChange(outcome.changes, { first: a.first, last: a.last, state: DeliveryState.Archived, count: a.count });
    }
  }
}
