// Model-based property test of the queue engine: random sequences of acquisitions by several
// members, acknowledgements (accept, release, reject, gap, renew; by the owner or not), member
// releases, clock jumps past lock deadlines, log retention, state-log pruning and power failures,
// run against the real engine on the fault-injecting filesystem and against a plain per-offset model.
//
// The engine chooses which records an acquisition takes (batch alignment, poison throttling); the
// model checks that the choice is legal (only Available or never-acquired records, delivery count
// +1, the window bound) and adopts it. After every step the engine's per-offset state must equal
// the model's. A power failure ('drop-unsynced': only fsynced bytes survive) must bring back
// exactly the model as of the last durable point (the last acknowledgement answered, or prune),
// with every acquired record Available again -- nothing acknowledged is lost, nothing stays locked.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AckType, DeliveryState, readWindow, type DeliveryPolicy } from '../../src/broker/queues/index.js';
import { dataDirFs, openHarness, ManualClock, type Harness } from './engine-harness.js';

interface Rec {
  state: DeliveryState;
  count: number;
  owner: string | null;
  deadline: number;
}

interface Model {
  start: number;
  end: number;
  recs: Map<number, Rec>;
}

const MEMBERS = ['m1', 'm2', 'm3'];
const LOCK_MS = 1000;

type Op =
  | { kind: 'acquire'; member: number; max: number; recordLimit: boolean }
  | { kind: 'ack'; member: number; pick: number; span: number; type: number; perOffset: boolean }
  | { kind: 'leave'; member: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'retention'; by: number }
  | { kind: 'prune' }
  | { kind: 'crash' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('acquire' as const), member: fc.nat(2), max: fc.integer({ min: 1, max: 8 }), recordLimit: fc.boolean() }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('ack' as const), member: fc.nat(2), pick: fc.nat(1000), span: fc.integer({ min: 1, max: 4 }), type: fc.integer({ min: 0, max: 4 }), perOffset: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leave' as const), member: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 100, max: 1500 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retention' as const), by: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'prune' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
);

function clone(m: Model): Model {
  return { start: m.start, end: m.end, recs: new Map([...m.recs].map(([k, v]) => [k, { ...v }])) };
}

function get(m: Model, o: number): Rec {
  return m.recs.get(o) ?? { state: DeliveryState.Available, count: 0, owner: null, deadline: 0 };
}

function advanceStart(m: Model): void {
  while (m.start < m.end && (get(m, m.start).state === DeliveryState.Acknowledged || get(m, m.start).state === DeliveryState.Archived)) m.recs.delete(m.start++);
}

function release(m: Model, o: number, policy: DeliveryPolicy): void {
  const r = get(m, o);
  m.recs.set(o, r.count >= policy.deliveryLimit ? { state: DeliveryState.Archived, count: r.count, owner: null, deadline: 0 } : { state: DeliveryState.Available, count: r.count, owner: null, deadline: 0 });
}

/** The engine's state must be the model's, offset by offset. */
function assertSame(h: Harness, m: Model, step: string): void {
  const w = h.slot.sp.window;
  assert.equal(w.start, m.start, `${step}: start offset`);
  assert.equal(w.end, m.end, `${step}: end offset`);
  for (const r of w.runs) {
    for (let o = r.first; o <= r.last; o++) {
      const e = get(m, o);
      assert.deepEqual({ o, state: r.state, count: r.count, owner: r.owner }, { o, state: e.state, count: e.count, owner: e.owner }, `${step}: offset ${o}`);
    }
  }
}

async function run(ops: readonly Op[], batches: readonly number[]): Promise<void> {
  const policy: DeliveryPolicy = { lockDurationMs: LOCK_MS, deliveryLimit: 3, maxInFlight: 12, renewEnabled: true, deadLetter: false };
  const fs = await dataDirFs();
  let h = await openHarness(fs, policy, batches);
  const total = batches.reduce((a, b) => a + b, 0);
  const model: Model = { start: 0, end: 0, recs: new Map() };
  let durable = clone(model);
  let fsNow = fs;
  for (const [i, op] of ops.entries()) {
    const step = `step ${i} ${JSON.stringify(op)}`;
    switch (op.kind) {
      case 'acquire': {
        const member = MEMBERS[op.member]!;
        const from = h.engine.nextFetchOffset(h.slot);
        const read = await readWindow(h.data, from, 1 << 20, null);
        if (!read) break;
        // Available records that used up their deliveries (back from a crash that took their last
        // delivery's lock) are archived by the acquisition that reaches them, never delivered again.
        const [firstRead, lastRead] = [read.extents[0], read.extents[read.extents.length - 1]];
        for (let o = Math.max(firstRead?.first ?? Infinity, model.start); o <= Math.min(lastRead?.last ?? -1, model.end - 1); o++) {
          const r = get(model, o);
          if (r.state === DeliveryState.Available && r.count >= policy.deliveryLimit) model.recs.set(o, { state: DeliveryState.Archived, count: r.count, owner: null, deadline: 0 });
        }
        const windowBefore = model.end - model.start;
        const ranges = await h.engine.acquire(h.slot, member, read.extents, { maxRecords: op.max, batchSize: 0, recordLimit: op.recordLimit, now: h.clock.now });
        let n = 0;
        for (const r of ranges) {
          for (let o = r.first; o <= r.last; o++) {
            const before = get(model, o);
            assert.ok(o >= model.start && o < total, `${step}: acquired offset ${o} exists`);
            assert.equal(before.state, DeliveryState.Available, `${step}: offset ${o} was available`);
            assert.equal(r.deliveryCount, before.count + 1, `${step}: delivery count of ${o}`);
            assert.ok(r.deliveryCount <= policy.deliveryLimit, `${step}: never past the delivery limit`);
            model.recs.set(o, { state: DeliveryState.Acquired, count: r.deliveryCount, owner: member, deadline: h.clock.now + LOCK_MS });
            model.end = Math.max(model.end, o + 1);
            n++;
          }
        }
        advanceStart(model);
        if (op.recordLimit) assert.ok(n <= op.max, `${step}: record-limit mode takes at most maxRecords`);
        if (model.end - model.start > windowBefore) assert.ok(model.end - model.start <= policy.maxInFlight + Math.max(...batches), `${step}: window bound`);
        break;
      }
      case 'ack': {
        const member = MEMBERS[op.member]!;
        if (model.end === model.start) break;
        const first = model.start + (op.pick % (model.end - model.start));
        const last = Math.min(model.end - 1, first + op.span - 1);
        const types = op.perOffset ? Array.from({ length: last - first + 1 }, (_, k) => (op.type + k) % 5) : [op.type];
        const ok = [...Array(last - first + 1).keys()].every((k) => get(model, first + k).state === DeliveryState.Acquired && get(model, first + k).owner === member);
        const refusal = await h.engine.acknowledge(h.slot, member, [{ first, last, types }]);
        assert.equal(refusal === null, ok, `${step}: accepted iff every offset is acquired by the member (${refusal?.message})`);
        if (ok) {
          for (let o = first; o <= last; o++) {
            const t = types.length === 1 ? types[0]! : types[o - first]!;
            const r = get(model, o);
            if (t === AckType.Accept) model.recs.set(o, { state: DeliveryState.Acknowledged, count: r.count, owner: null, deadline: 0 });
            else if (t === AckType.Gap || t === AckType.Reject) model.recs.set(o, { state: DeliveryState.Archived, count: r.count, owner: null, deadline: 0 });
            else if (t === AckType.Release) release(model, o, policy);
            else model.recs.set(o, { ...r, deadline: h.clock.now + LOCK_MS });
          }
          advanceStart(model);
          // A renew-only acknowledgement writes nothing, so it is no durable point.
          if (types.some((t) => t !== AckType.Renew)) durable = clone(model);
        }
        break;
      }
      case 'leave': {
        const member = MEMBERS[op.member]!;
        await h.engine.releaseMember('g', member);
        for (const [o, r] of [...model.recs]) if (r.state === DeliveryState.Acquired && r.owner === member) release(model, o, policy);
        advanceStart(model);
        break;
      }
      case 'advance': {
        h.clock.advance(op.ms);
        for (const [o, r] of [...model.recs]) if (r.state === DeliveryState.Acquired && r.deadline <= h.clock.now) release(model, o, policy);
        advanceStart(model);
        break;
      }
      case 'retention': {
        const to = Math.min(h.data.highWatermark, h.data.logStartOffset + op.by);
        await h.data.deleteRecordsBefore(to);
        await h.engine.syncLogStart(h.slot);
        if (to > model.start) {
          for (let o = model.start; o < to; o++) model.recs.delete(o);
          model.start = to;
          model.end = Math.max(model.end, to);
          advanceStart(model);
        }
        break;
      }
      case 'prune': {
        await h.engine.prune();
        durable = clone(model);
        break;
      }
      case 'crash': {
        fsNow = fsNow.restartAfterCrash('drop-unsynced');
        h = await openHarness(fsNow, policy, batches, Object.assign(new ManualClock(), { now: h.clock.now }));
        await h.engine.syncLogStart(h.slot);
        const recovered = clone(durable);
        for (const [o, r] of [...recovered.recs]) if (r.state === DeliveryState.Acquired) recovered.recs.set(o, { state: DeliveryState.Available, count: r.count, owner: null, deadline: 0 });
        const logStart = h.data.logStartOffset;
        if (logStart > recovered.start) {
          for (let o = recovered.start; o < logStart; o++) recovered.recs.delete(o);
          recovered.start = logStart;
          recovered.end = Math.max(recovered.end, logStart);
        }
        advanceStart(recovered);
        // Trailing never-acquired records are not part of the persisted window.
        while (recovered.end > recovered.start && get(recovered, recovered.end - 1).state === DeliveryState.Available && get(recovered, recovered.end - 1).count === 0) {
          recovered.recs.delete(recovered.end - 1);
          recovered.end--;
        }
        model.start = recovered.start;
        model.end = recovered.end;
        model.recs = recovered.recs;
        durable = clone(model);
        break;
      }
    }
    assertSame(h, model, step);
  }
  await h.close();
}

describe('queue engine against a model', () => {
  it('random acquire/ack/release/timeout/retention/prune/crash sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 6, maxLength: 14 }), fc.array(opArb, { minLength: 5, maxLength: 50 }), (batches, ops) => run(ops, batches)),
      {
        numRuns: 60,
        // Regression: a crash took the lock of a record on its last delivery; it came back Available
        // and the next acquisition delivered it a fourth time (limit 3).
        examples: [
          [
            [1, 1, 1, 1, 1, 1],
            [
              { kind: 'acquire', member: 0, max: 1, recordLimit: false },
              { kind: 'advance', ms: 1000 },
              { kind: 'acquire', member: 1, max: 1, recordLimit: false },
              { kind: 'leave', member: 1 },
              { kind: 'acquire', member: 0, max: 1, recordLimit: false },
              { kind: 'prune' },
              { kind: 'crash' },
              { kind: 'acquire', member: 0, max: 1, recordLimit: false },
            ],
          ],
        ],
      },
    );
  });
});
