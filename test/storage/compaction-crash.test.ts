// Power failure during compaction (memory fs): crash before every mutating call of a cleaning pass
// and inside its writes, restart in both crash modes, and check that every group of segments the
// pass replaces is recovered wholly uncleaned or wholly cleaned (never a mix inside a group, never
// a loss). A pass swaps its groups one after another, oldest first (as Kafka's cleaner does), so
// the recovered log is the cleaned log below some group boundary and the uncleaned one above it;
// the recovered log still accepts appends and cleans to the same result.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileSystem } from '../../src/storage/fs/memory-file-system.js';
import type { CrashMode, CrashPlan } from '../../src/storage/fs/memory-file-system.js';
import { keyedBatch, readKeyed } from './helpers/keyed.js';
import type { StoredRecord } from './helpers/keyed.js';
import { FakeClock, openTestLog } from './helpers/logs.js';

const config = { 'cleanup.policy': 'compact', 'segment.bytes': 350, 'delete.retention.ms': 0 };
const clock = new FakeClock();

/** A flushed log of 24 keyed records (one tombstone) over several segments; closed uncleanly. */
async function prepared(): Promise<MemoryFileSystem> {
  const fs = new MemoryFileSystem();
  await fs.mkdir('/data');
  await fs.syncDir('/');
  const { log } = await openTestLog(fs, '/data', { config, clock });
  for (let i = 0; i < 24; i++) {
    await log.append(keyedBatch([{ key: `k${i % 5}`, value: i === 16 ? null : `v${i}` }]), { durable: true });
  }
  await log.flush();
  return fs;
}

async function cleanPass(fs: MemoryFileSystem): Promise<void> {
  const { log } = await openTestLog(fs, '/data', { config, clock });
  try {
    await log.compact(clock.ms);
  } catch {
    // the crash
  }
}

async function contents(fs: MemoryFileSystem): Promise<StoredRecord[]> {
  const { log } = await openTestLog(fs, '/data', { config, clock });
  const records = await readKeyed(log);
  await log.close();
  return records;
}

/** The offset X with got = cleaned records below X + uncleaned records from X, or null when none. */
function cleanedUpTo(got: StoredRecord[], before: StoredRecord[], after: StoredRecord[]): number | null {
  const want = JSON.stringify(got);
  const end = (before.at(-1)?.offset ?? 0) + 1;
  for (let x = 0; x <= end; x++) {
    const mixed = [...after.filter((r) => r.offset < x), ...before.filter((r) => r.offset >= x)];
    if (JSON.stringify(mixed) === want) return x;
  }
  return null;
}

describe('crash simulation during compaction (memory fs)', () => {
  const reference = (async () => {
    const before = await contents((await prepared()).restartAfterCrash('drop-unsynced'));
    const dry = await prepared();
    const ops = dry.opsRun;
    const bytes = dry.bytesWritten;
    await cleanPass(dry);
    const after = await contents(dry.restartAfterCrash('drop-unsynced'));
    return { before, after, ops: dry.opsRun - ops, bytes: dry.bytesWritten - bytes };
  })();

  it('the reference pass changes the log', async () => {
    const { before, after, ops } = await reference;
    assert.ok(after.length < before.length && ops > 5);
  });

  for (const mode of ['drop-unsynced', 'keep-written'] as CrashMode[]) {
    it(`recovers to the uncleaned or the cleaned log at every call and byte boundary (${mode})`, async () => {
      const { before, after, ops, bytes } = await reference;
      const plans: CrashPlan[] = [];
      for (let k = 0; k <= ops; k++) plans.push({ afterOps: k });
      for (let b = 1; b < bytes; b += Math.max(1, Math.floor(bytes / 40))) plans.push({ afterBytes: b });
      const seen = { before: 0, after: 0, partial: 0 };
      for (const plan of plans) {
        const fs = await prepared();
        // Opening the log is not part of the crash window: arm the crash just before the pass.
        const { log } = await openTestLog(fs, '/data', { config, clock });
        fs.armCrash(plan);
        await log.compact(clock.ms).catch(() => {});
        const restarted = fs.restartAfterCrash(mode);
        const got = await contents(restarted);
        const boundary = cleanedUpTo(got, before, after);
        assert.ok(boundary !== null, `plan ${JSON.stringify(plan)} (${mode}) recovered a mix: ${JSON.stringify(got.map((r) => r.offset))}`);
        if (JSON.stringify(got) === JSON.stringify(before)) seen.before++;
        else if (JSON.stringify(got) === JSON.stringify(after)) seen.after++;
        else seen.partial++;
        // The recovered log keeps working: it appends and cleans to the reference result.
        const { log: again } = await openTestLog(restarted, '/data', { config, clock });
        await again.compact(clock.ms);
        const cleaned = await readKeyed(again);
        assert.deepEqual(cleaned, after, `plan ${JSON.stringify(plan)} (${mode}) cleans to the reference`);
        const r = await again.append(keyedBatch([{ key: 'z', value: 'z' }]), { durable: true });
        assert.equal(r.baseOffset, 24);
        await again.close();
      }
      assert.ok(seen.before > 0 && seen.after > 0, `both outcomes occur: ${JSON.stringify(seen)}`);
    });
  }
});
