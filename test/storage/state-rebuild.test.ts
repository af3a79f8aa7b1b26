// Recovery's state rebuild (storage/state-rebuild.ts) against a recording rebuilder, memory fs, process
// killed: it starts from the newest snapshot, reads the flushed segments between that snapshot and the
// recovery point first, then the rescanned ones, each batch once and in offset order, and hands back a
// snapshot at the recovered log end; with no snapshot and more flushed bytes before the recovery point
// than two segments hold, it is skipped (the owner replays on first use instead).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchBaseOffset } from '../../src/protocol/records/batch-header.js';
import { MemoryFileSystem } from '../../src/storage/fs/memory-file-system.js';
import { resolveLogConfig } from '../../src/storage/log-config.js';
import { PartitionLog } from '../../src/storage/partition-log.js';
import type { StateRebuilder, StateSnapshot } from '../../src/storage/index.js';
import { memoryLogger } from '../../src/util/logger.js';
import { simpleBatch } from './helpers/batches.js';

const config = resolveLogConfig({}, { 'segment.bytes': 400 });

class Recorder implements StateRebuilder {
  started: Array<number | null> = [];
  from = 0;
  visited: number[] = [];
  start(snapshot: StateSnapshot | null, from: number): boolean {
    this.started.push(snapshot?.offset ?? null);
    this.from = from;
    this.visited = [];
    return true;
  }
  visit(buf: Buffer, pos: number): void {
    this.visited.push(batchBaseOffset(buf, pos));
  }
  finish() {
    return { payload: Buffer.from(`from ${this.from}: ${this.visited.length}`), aborted: [] };
  }
}

async function open(fs: MemoryFileSystem, rebuilder?: Recorder) {
  const { logger, records } = memoryLogger();
  const log = await PartitionLog.open({ fs, dir: '/data/topic-0', config, logger, highWatermarkPolicy: 'written', tailCacheBytes: 0, stateRebuilder: rebuilder ? () => rebuilder : undefined });
  return { log, lines: records };
}

/** A log over several segments, durable appends (so its recovery point moves), then `tail` unsynced ones, then killed. */
async function killed(durable: number, tail: number, snapshotAfter?: number): Promise<{ fs: MemoryFileSystem; bases: number[]; snapshotAt: number }> {
  const fs = new MemoryFileSystem();
  await fs.mkdir('/data');
  await fs.syncDir('/');
  const { log } = await open(fs);
  let snapshotAt = -1;
  for (let i = 0; i < durable; i++) {
    await log.append(simpleBatch(1, 60), { durable: true });
    if (i === snapshotAfter) {
      snapshotAt = log.logEndOffset;
      await log.writeStateSnapshot(snapshotAt, Buffer.from('owner state'));
    }
  }
  for (let i = 0; i < tail; i++) await log.append(simpleBatch(1, 60), { durable: false });
  return { fs: fs.restartAfterCrash('process-killed'), bases: log.segmentBaseOffsets, snapshotAt };
}

test('rebuild from the newest snapshot: the flushed gap first, then the rescan, every batch from the snapshot once, in order', async () => {
  const { fs, snapshotAt } = await killed(12, 6, 7);
  const rec = new Recorder();
  const { log } = await open(fs, rec);
  assert.ok(log.recoveryPointOffset > snapshotAt, `the snapshot (${snapshotAt}) lies below the recovery point (${log.recoveryPointOffset}): a gap to read`);
  assert.equal(rec.started.at(-1), snapshotAt);
  const expected = Array.from({ length: log.logEndOffset - snapshotAt }, (_, i) => snapshotAt + i);
  assert.deepEqual(rec.visited.filter((o) => o >= snapshotAt), expected);
  assert.deepEqual(
    rec.visited.filter((o) => o < snapshotAt),
    [...new Set(rec.visited.filter((o) => o < snapshotAt))],
    'batches below the snapshot (shown whole from their segment) are shown once, for the rebuilder to skip',
  );
  const state = await log.readStateSnapshot();
  assert.equal(state?.offset, log.logEndOffset);
  assert.equal(state?.payload.toString(), `from ${snapshotAt}: ${rec.visited.length}`);
  await log.close();
});

test('no snapshot and more than two segments flushed before the recovery point: no rebuild, the owner replays on first use', async () => {
  const { fs } = await killed(20, 3);
  const rec = new Recorder();
  const { log, lines } = await open(fs, rec);
  assert.ok(log.recoveryPointOffset > 0);
  assert.ok(lines.some((l) => l.msg.startsWith('producer state left to a replay on first use')));
  assert.equal(await log.readStateSnapshot(), null);
  await log.close();
});
