// Acknowledgement of acquired records (KIP-932 "Acknowledging records"; Kafka's
// SharePartition.acknowledge): every offset named must be Acquired by the acknowledging member, or
// the partition's acknowledgements in that request are refused as a whole (checked before anything
// changes, so a refused request changes nothing). Offsets below the start offset are already done
// and ignored; offsets at or past the window's end were never acquired (INVALID_REQUEST).
//
//   Gap     -> Archived   (the offset holds no record: compacted away, or a transaction marker)
//   Accept  -> Acknowledged
//   Release -> Available, or archived when the delivery count reached the limit
//   Reject  -> Archived (through Archiving when the group has a dead-letter topic)
//   Renew   -> stays Acquired with a fresh lock deadline (KIP-1222; refused when disabled)
import { AckType, DeliveryState } from './delivery-state.js';
import { archive, pushChange } from './acquisition.js';
import type { InFlightRuns } from './in-flight-runs.js';
import type { AckBatch, AckRefusal, DeliveryPolicy, Outcome } from './partition-types.js';

interface Segment {
  first: number;
  last: number;
  type: number;
  count: number;
}

/** Validates then applies; returns the refusal (nothing applied) or null. */
export function acknowledge(runs: InFlightRuns, member: string, batches: readonly AckBatch[], policy: DeliveryPolicy, now: number, outcome: Outcome): AckRefusal | null {
  const segments: Segment[] = [];
  for (const b of batches) {
    if (b.last < runs.start) continue;
    if (b.first >= runs.end || b.last >= runs.end) {
      return { kind: 'invalid-request', message: `offsets [${b.first}, ${b.last}] are past the acquired records (window end ${runs.end - 1})` };
    }
    let refusal: AckRefusal | null = null;
    runs.forEachIn(b.first, b.last, (r) => {
      if (refusal) return;
      if (r.state !== DeliveryState.Acquired) {
        refusal = { kind: 'invalid-record-state', message: `offset ${r.first} is not acquired (it is ${stateWord(r.state)})` };
        return;
      }
      if (r.owner !== member) {
        refusal = { kind: 'invalid-record-state', message: `offset ${r.first} is acquired by another member` };
        return;
      }
      if (b.types.length === 1) {
        segments.push({ first: r.first, last: r.last, type: b.types[0]!, count: r.count });
        return;
      }
      for (let o = r.first; o <= r.last; o++) {
        const type = b.types[o - b.first]!;
        const prev = segments[segments.length - 1];
        if (prev && prev.last + 1 === o && prev.type === type && prev.count === r.count) prev.last = o;
        else segments.push({ first: o, last: o, type, count: r.count });
      }
    });
    if (refusal) return refusal;
  }
  if (!policy.renewEnabled && segments.some((s) => s.type === AckType.Renew)) {
    return { kind: 'invalid-record-state', message: 'renewing acquisition locks is not enabled for the group' };
  }
  for (const s of segments) applySegment(runs, s, policy, now, outcome);
  if (runs.advancePastDone()) outcome.startMoved = true;
  return null;
}

function applySegment(runs: InFlightRuns, s: Segment, policy: DeliveryPolicy, now: number, outcome: Outcome): void {
  switch (s.type) {
    case AckType.Renew:
      runs.set(s.first, s.last, { state: DeliveryState.Acquired, count: s.count, owner: runs.runAt(s.first)!.owner, deadline: now + policy.lockDurationMs });
      return;
    case AckType.Accept:
      setDone(runs, s, DeliveryState.Acknowledged, outcome);
      return;
    case AckType.Gap:
      setDone(runs, s, DeliveryState.Archived, outcome);
      return;
    case AckType.Reject:
      archive(runs, s, 'rejected', policy, outcome);
      return;
    default:
      // Release (types were validated by the front door).
      releaseRange(runs, s.first, s.last, s.count, policy, outcome);
  }
}

function setDone(runs: InFlightRuns, s: Segment, state: DeliveryState, outcome: Outcome): void {
  runs.set(s.first, s.last, { state, count: s.count, owner: null, deadline: 0 });
  pushChange(outcome.changes, { first: s.first, last: s.last, state, count: s.count });
}

/** An acquired range goes back to Available, or is archived once it used up its deliveries. */
export function releaseRange(runs: InFlightRuns, first: number, last: number, count: number, policy: DeliveryPolicy, outcome: Outcome): void {
  if (count >= policy.deliveryLimit) {
    archive(runs, { first, last, count }, 'delivery-limit', policy, outcome);
    return;
  }
  runs.set(first, last, { state: DeliveryState.Available, count, owner: null, deadline: 0 });
  pushChange(outcome.changes, { first, last, state: DeliveryState.Available, count });
  outcome.released = true;
}

function stateWord(state: DeliveryState): string {
  switch (state) {
    case DeliveryState.Available:
      return 'available';
    case DeliveryState.Acknowledged:
      return 'acknowledged';
    case DeliveryState.Archiving:
    case DeliveryState.Archived:
      return 'archived';
    default:
      return 'acquired';
  }
}
