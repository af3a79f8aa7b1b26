// Recovery after a killed process leaves the recovered bytes' fdatasync to the log's first sync
// round (log-loader.ts): syncing a GiB of unsynced acks=1 writes before listening took most of a
// restart. What must hold instead: until that round ends the recovery point stays below the
// recovered segments, so a power failure in between recovers them again rather than trusting them;
// after it they are durable and the recovery point is past them. With the 'durable' high watermark
// policy (consumers see only durable data) the sync still happens before the log opens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchCrcIsValid } from '../../src/protocol/records/batch-header.js';
import { MemoryFileSystem } from '../../src/storage/fs/memory-file-system.js';
import type { HighWatermarkPolicy } from '../../src/storage/index.js';
import { baseOffsetOf, simpleBatch } from './helpers/batches.js';
import { openTestLog, readAll } from './helpers/logs.js';

const config = { 'segment.bytes': 300 };
const BATCHES = 12;

/** A log of BATCHES acks=1 appends over several segments, then the process killed (the page cache survives). */
async function killedWithUnsyncedWrites(policy: HighWatermarkPolicy): Promise<MemoryFileSystem> {
  const fs = new MemoryFileSystem();
  await fs.mkdir('/data');
  await fs.syncDir('/');
  const { log } = await openTestLog(fs, '/data', { config, policy });
  // One durable append first, so the partition directory and the first segment are on disk.
  await log.append(simpleBatch(1, 20), { durable: true });
  for (let i = 1; i < BATCHES; i++) await log.append(simpleBatch(1, 20), { durable: false });
  assert.ok(log.segmentBaseOffsets.length > 2, 'the writes span several segments');
  return fs.restartAfterCrash('process-killed');
}

/** Reopens after `fs` and checks every batch served is valid and in offset order; returns the log's figures. */
async function reopened(fs: MemoryFileSystem): Promise<{ batches: number; scanned: number }> {
  const { log } = await openTestLog(fs, '/data', { config });
  const batches = await readAll(log);
  let last = -1;
  for (const b of batches) {
    assert.ok(batchCrcIsValid(b, 0));
    assert.ok(baseOffsetOf(b) > last, 'offsets increase');
    last = baseOffsetOf(b);
  }
  const figures = { batches: batches.length, scanned: log.recovery.segmentsScanned };
  await log.close();
  return figures;
}

test("'written' policy: the log opens before the recovered bytes are synced; the recovery point waits for them", async () => {
  const fs = await killedWithUnsyncedWrites('written');
  const { log } = await openTestLog(fs, '/data', { config, policy: 'written' });
  assert.equal(log.logEndOffset, BATCHES, 'everything the killed process wrote is recovered');
  assert.ok(log.recovery.segmentsScanned > 1);
  // Opened, the background round not run yet: the recovery point has not moved past what is unsynced.
  assert.equal(log.flushRounds, 0);
  assert.ok(log.recoveryPointOffset <= log.segmentBaseOffsets[0]!, `recovery point ${log.recoveryPointOffset}`);
  // The power fails now: the unsynced bytes may be gone, and what comes back is recovered again, never trusted.
  // (acks=1 writes never synced are allowed to go; the durable first one must stay.)
  const after = await reopened(fs.restartAfterCrash('drop-unsynced'));
  assert.ok(after.batches >= 1 && after.batches < BATCHES, `${after.batches} batches survived the power loss`);
  assert.equal(after.scanned, log.segmentBaseOffsets.length, 'every segment not yet synced was scanned again');
});

test("'written' policy: after the first round the recovered bytes are durable and the recovery point is past them", async () => {
  const fs = await killedWithUnsyncedWrites('written');
  const { log } = await openTestLog(fs, '/data', { config, policy: 'written' });
  // An acks=all append waits for a round that covers everything below it, the recovered bytes included.
  await log.append(simpleBatch(1, 20), { durable: true });
  assert.ok(log.flushRounds >= 1);
  const segments = log.segmentBaseOffsets;
  assert.equal(log.recoveryPointOffset, segments[segments.length - 1], 'the recovery point reached the active segment');
  const after = await reopened(fs.restartAfterCrash('drop-unsynced'));
  assert.equal(after.batches, BATCHES + 1, 'every recovered batch survives a power loss');
  assert.equal(after.scanned, 1, 'only the active segment is scanned again');
});

test("'durable' policy: the recovered bytes are synced before the log opens", async () => {
  const fs = await killedWithUnsyncedWrites('durable');
  const { log } = await openTestLog(fs, '/data', { config, policy: 'durable' });
  assert.equal(log.logEndOffset, BATCHES);
  assert.equal((await reopened(fs.restartAfterCrash('drop-unsynced'))).batches, BATCHES, 'nothing a consumer can see is lost to a power loss');
});
