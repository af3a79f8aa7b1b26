// Power failure in the middle of share-group work, on the fault-injecting filesystem: the machine
// dies inside some write (torn at a byte budget) or before some mutating call, then restarts with
// only what was fsynced ('drop-unsynced') or with everything written, torn tail included
// ('keep-written'). Every crash point of the workload is tried. After recovery:
//   - every acceptance the engine confirmed is still there (nothing acknowledged comes back);
//   - nothing is left locked: every record not done is Available again;
//   - the recovered engine goes on and delivers the rest, so in the end every record is done.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CrashMode, CrashPlan, MemoryFileSystem } from '../../src/storage/index.js';
import { AckType, DeliveryState, readWindow, type DeliveryPolicy } from '../../src/broker/queues/index.js';
import { dataDirFs, openHarness, type Harness } from './engine-harness.js';

const policy: DeliveryPolicy = { lockDurationMs: 30_000, deliveryLimit: 5, maxInFlight: 100, renewEnabled: true, deadLetter: false };
const BATCHES = [3, 2, 4, 1, 3, 2];
const TOTAL = BATCHES.reduce((a, b) => a + b, 0);

/** Acquire 3, accept 2, release 1 -- until everything is done; returns the offsets whose acceptance was confirmed. */
async function work(h: Harness, confirmed: Set<number>): Promise<void> {
  for (let round = 0; round < 40 && h.slot.sp.startOffset < TOTAL; round++) {
    const read = await readWindow(h.data, h.engine.nextFetchOffset(h.slot), 1 << 16, null);
    if (!read) return;
    const ranges = await h.engine.acquire(h.slot, 'm', read.extents, { maxRecords: 3, batchSize: 0, recordLimit: true, now: h.clock.now });
    const offsets = ranges.flatMap((r) => Array.from({ length: r.last - r.first + 1 }, (_, k) => r.first + k));
    if (offsets.length === 0) return;
    const accept = offsets.slice(0, 2);
    const release = offsets.slice(2);
    const batches = [...accept.map((o) => ({ first: o, last: o, types: [AckType.Accept] })), ...release.map((o) => ({ first: o, last: o, types: [AckType.Release] }))];
    const refusal = await h.engine.acknowledge(h.slot, 'm', batches);
    assert.equal(refusal, null);
    for (const o of accept) confirmed.add(o);
  }
}

async function crashRun(plan: CrashPlan, mode: CrashMode): Promise<void> {
  const fs = await dataDirFs();
  const confirmed = new Set<number>();
  const h = await openHarness(fs, policy, BATCHES);
  fs.armCrash(plan);
  try {
    await work(h, confirmed);
  } catch {
    // the crash
  }
  const after: MemoryFileSystem = fs.restartAfterCrash(mode);
  const r = await openHarness(after, policy, BATCHES);
  const sp = r.slot.sp;
  for (const o of confirmed) {
    const run = sp.window.runAt(o);
    assert.ok(o < sp.startOffset || run?.state === DeliveryState.Acknowledged, `confirmed offset ${o} stays accepted (${JSON.stringify(plan)}, ${mode})`);
  }
  assert.equal(sp.stats().acquired, 0, 'nothing stays locked');
  await work(r, new Set());
  assert.equal(sp.startOffset, TOTAL, 'the recovered engine finishes the work: nothing is lost');
  await r.close();
}

describe('queue engine power failure (memory fs)', () => {
  it('every crash point of an acquire/accept/release workload, in both crash modes', async () => {
    // A dry run measures the workload (bytes and mutating calls after the harness is open).
    const dry = await dataDirFs();
    const h = await openHarness(dry, policy, BATCHES);
    const bytes0 = dry.bytesWritten;
    const ops0 = dry.opsRun;
    await work(h, new Set());
    const bytes = dry.bytesWritten - bytes0;
    const ops = dry.opsRun - ops0;
    assert.ok(bytes > 0 && ops > 0);
    const step = Math.max(1, Math.floor(bytes / 40));
    for (const mode of ['drop-unsynced', 'keep-written'] as const) {
      for (let b = 1; b <= bytes; b += step) await crashRun({ afterBytes: b }, mode);
      for (let o = 1; o <= ops; o++) await crashRun({ afterOps: o }, mode);
    }
  });
});
