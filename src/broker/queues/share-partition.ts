// One share-partition: the delivery state of one consumer of a partition log -- a share group
// reading a topic-partition, or an AMQP queue reading its own log -- between its start offset and
// the end of its in-flight window (KIP-932's SharePartition). Pure state: no I/O, no timers; the
// engine (queue-engine.ts) persists what each operation returns before it answers, and drives lock
// expiry with its clock.
//
// Every mutating operation returns an Outcome: the persisted-state changes (for the state log),
// the records entering Archiving (for the dead-letter writer), whether the start offset moved, and
// whether records became Available (to wake parked fetches).
import { DeliveryState, isTerminal } from './delivery-state.js';
import { acknowledge, releaseRange } from './acknowledgement.js';
import type { ArchiveReason } from './delivery-state.js';
import { acquire, archive, pushChange, type Acquisition } from './acquisition.js';
import { InFlightRuns } from './in-flight-runs.js';
import {
  emptyOutcome,
  type AckBatch,
  type AckRefusal,
  type AcquireOptions,
  type Archival,
  type BatchExtent,
  type DeliveryPolicy,
  type Outcome,
  type PartitionStats,
  type PersistedBatch,
} from './partition-types.js';

export class SharePartition {
  private readonly runs: InFlightRuns;

  constructor(start: number) {
    this.runs = new InFlightRuns(start);
  }

  /** A share-partition as the state log left it: Acquired was never persisted, so nothing is locked. */
  static restore(start: number, batches: readonly PersistedBatch[]): SharePartition {
    const sp = new SharePartition(start);
    applyPersisted(sp.runs, -1, batches);
    return sp;
  }

  get startOffset(): number {
    return this.runs.start;
  }

  /** One past the last offset ever acquired. */
  get endOffset(): number {
    return this.runs.end;
  }

  /** Where the next fetch reads: the first Available offset in the window, else its end. */
  nextFetchOffset(): number {
    for (const r of this.runs.runs) if (r.state === DeliveryState.Available) return r.first;
    return this.runs.end;
  }

  /** Whether a fetch could acquire anything now, with the log's high watermark at `highWatermark`. */
  hasAcquirable(highWatermark: number, policy: DeliveryPolicy): boolean {
    if (this.runs.runs.some((r) => r.state === DeliveryState.Available)) return true;
    return highWatermark > this.runs.end && this.runs.size < policy.maxInFlight;
  }

  acquire(member: string, extents: readonly BatchExtent[], options: AcquireOptions, policy: DeliveryPolicy): { acquisition: Acquisition; outcome: Outcome } {
    const outcome = emptyOutcome();
    const acquisition = acquire(this.runs, member, extents, options, policy, outcome);
    if (this.runs.advancePastDone()) outcome.startMoved = true;
    return { acquisition, outcome };
  }

  acknowledge(member: string, batches: readonly AckBatch[], policy: DeliveryPolicy, now: number): { refusal: AckRefusal | null; outcome: Outcome } {
    const outcome = emptyOutcome();
    const refusal = acknowledge(this.runs, member, batches, policy, now, outcome);
    return { refusal, outcome };
  }

  /**
   * Archives the Available records in [first, last] (extending the window over never-acquired
   * records up to `last`), each with its current delivery count; returns how many.
   */
  archiveAvailable(first: number, last: number, reason: ArchiveReason, policy: DeliveryPolicy): { outcome: Outcome; count: number } {
    const outcome = emptyOutcome();
    const from = Math.max(first, this.runs.start);
    if (last < from) return { outcome, count: 0 };
    if (last >= this.runs.end) this.runs.extend(last, { state: DeliveryState.Available, count: 0, owner: null, deadline: 0 });
    const hits: { first: number; last: number; count: number }[] = [];
    this.runs.forEachIn(from, last, (r) => {
      if (r.state === DeliveryState.Available) hits.push({ first: r.first, last: r.last, count: r.count });
    });
    let count = 0;
    for (const h of hits) {
      archive(this.runs, h, reason, policy, outcome);
      count += h.last - h.first + 1;
    }
    if (this.runs.advancePastDone()) outcome.startMoved = true;
    return { outcome, count };
  }

  /** Releases every lock `member` holds (it left the group, or its connection closed). */
  releaseMember(member: string, policy: DeliveryPolicy): Outcome {
    return this.releaseWhere((owner) => owner === member, Infinity, policy);
  }

  /** Releases the locks whose deadline passed. */
  expireLocks(now: number, policy: DeliveryPolicy): Outcome {
    return this.releaseWhere(() => true, now, policy);
  }

  private releaseWhere(ownerMatches: (owner: string | null) => boolean, now: number, policy: DeliveryPolicy): Outcome {
    const outcome = emptyOutcome();
    const due = this.runs.runs.filter((r) => r.state === DeliveryState.Acquired && ownerMatches(r.owner) && r.deadline <= now).map((r) => ({ ...r }));
    for (const r of due) releaseRange(this.runs, r.first, r.last, r.count, policy, outcome);
    if (this.runs.advancePastDone()) outcome.startMoved = true;
    return outcome;
  }

  /** The earliest lock deadline, or Infinity when nothing is acquired. */
  nextDeadline(): number {
    let min = Infinity;
    for (const r of this.runs.runs) if (r.state === DeliveryState.Acquired && r.deadline < min) min = r.deadline;
    return min;
  }

  /**
   * The log start offset moved (retention, DeleteRecords): every record below it is gone, whatever
   * its state; locks on them lapse and acknowledgements of them are ignored.
   */
  moveStartTo(logStartOffset: number): Outcome {
    const outcome = emptyOutcome();
    if (logStartOffset > this.runs.start) {
      this.runs.advanceStart(logStartOffset);
      this.runs.advancePastDone();
      outcome.startMoved = true;
    }
    return outcome;
  }

  /** The dead-letter copy of [first, last] is written (or given up on): Archiving becomes Archived. */
  completeArchival(a: Archival): Outcome {
    const outcome = emptyOutcome();
    const hits: { first: number; last: number; count: number }[] = [];
    this.runs.forEachIn(a.first, a.last, (r) => {
      if (r.state === DeliveryState.Archiving) hits.push({ first: r.first, last: r.last, count: r.count });
    });
    for (const h of hits) {
      this.runs.set(h.first, h.last, { state: DeliveryState.Archived, count: h.count, owner: null, deadline: 0 });
      pushChange(outcome.changes, { first: h.first, last: h.last, state: DeliveryState.Archived, count: h.count });
    }
    if (this.runs.advancePastDone()) outcome.startMoved = true;
    return outcome;
  }

  /** Ranges still in Archiving (after a restart: their dead-letter copies must be written). */
  pendingArchivals(deliveryLimit: number): Archival[] {
    return this.runs.runs
      .filter((r) => r.state === DeliveryState.Archiving)
      .map((r) => ({ first: r.first, last: r.last, count: r.count, reason: r.count >= deliveryLimit ? ('delivery-limit' as const) : ('rejected' as const) }));
  }

  /** Starts over at `start` with nothing in flight (AlterShareGroupOffsets on an empty group). */
  reset(start: number): Outcome {
    this.runs.reset(start);
    return { ...emptyOutcome(), startMoved: true };
  }

  /** The whole window as it is persisted (Acquired as Available), for a state-log snapshot. */
  persistedBatches(): PersistedBatch[] {
    const out: PersistedBatch[] = [];
    for (const r of this.runs.runs) {
      const state = r.state === DeliveryState.Acquired ? DeliveryState.Available : r.state;
      pushChange(out, { first: r.first, last: r.last, state, count: r.count });
    }
    return out;
  }

  /** Offsets >= start whose delivery is complete (KIP-1226's DeliveryCompleteCount). */
  deliveryCompleteCount(): number {
    return this.runs.count((r) => isTerminal(r.state));
  }

  stats(): PartitionStats {
    const n = (s: DeliveryState): number => this.runs.count((r) => r.state === s);
    return {
      startOffset: this.runs.start,
      endOffset: this.runs.end,
      acquired: n(DeliveryState.Acquired),
      available: n(DeliveryState.Available),
      acknowledged: n(DeliveryState.Acknowledged),
      archived: n(DeliveryState.Archived) + n(DeliveryState.Archiving),
      deliveryComplete: this.deliveryCompleteCount(),
    };
  }

  /** The runs, for tests and describe tools. */
  get window(): InFlightRuns {
    return this.runs;
  }
}

/**
 * Applies persisted state (a snapshot's batches, or an update's) to a window: the start offset moves
 * forward (never back; -1 leaves it), and each batch's offsets take its state, extending the window
 * with never-acquired records where a batch lies past its end. Used by restore and by replay.
 */
export function applyPersisted(runs: InFlightRuns, start: number, batches: readonly PersistedBatch[]): void {
  if (start >= 0) runs.advanceStart(start);
  for (const b of batches) {
    if (b.last < runs.start || b.last < b.first) continue;
    const first = Math.max(b.first, runs.start);
    if (b.last >= runs.end) runs.extend(b.last, { state: DeliveryState.Available, count: 0, owner: null, deadline: 0 });
    const state = b.state === DeliveryState.Acquired ? DeliveryState.Available : b.state;
    runs.set(first, b.last, { state, count: b.count, owner: null, deadline: 0 });
  }
  runs.advancePastDone();
}
