// Power-failure simulation with the fault-injecting filesystem: crash at every byte boundary the
// workload writes (log batches, index files, checkpoints) and before every mutating call, then
// restart in both crash modes and check that recovery yields a valid log holding every batch that
// was acknowledged as durable.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { batchCrcIsValid } from '../../src/protocol/records/batch-header.js';
import { MemoryFileSystem } from '../../src/storage/fs/memory-file-system.js';
import type { CrashMode, CrashPlan } from '../../src/storage/fs/memory-file-system.js';
import { baseOffsetOf, simpleBatch } from './helpers/batches.js';
import { openTestLog, readAll } from './helpers/logs.js';

const config = { 'segment.bytes': 300, 'index.interval.bytes': 100 };

interface Acked {
  offset: number;
  bytes: Buffer;
}

/** Appends 9 one-record batches in three waves of three concurrent durable appends. */
async function workload(fs: MemoryFileSystem): Promise<Acked[]> {
  const acked: Acked[] = [];
  let log;
  try {
    ({ log } = await openTestLog(fs, '/data', { config }));
  } catch {
    return acked;
  }
  for (let wave = 0; wave < 3; wave++) {
    await Promise.all(
      [0, 1, 2].map(async (k) => {
        const batch = simpleBatch(1, 20, 1_000 + wave * 10 + k, wave * 3 + k);
        try {
          const r = await log.append(batch, { durable: true });
          acked.push({ offset: r.baseOffset, bytes: Buffer.from(batch) });
        } catch {
          // the crash: not acknowledged
        }
      }),
    );
  }
  return acked;
}

/** A memory fs whose data dir already exists durably (the broker's data dir, made at install). */
async function dataDirFs(): Promise<MemoryFileSystem> {
  const fs = new MemoryFileSystem();
  await fs.mkdir('/data');
  await fs.syncDir('/');
  return fs;
}

async function crashAndCheck(plan: CrashPlan, mode: CrashMode): Promise<number> {
  const fs = await dataDirFs();
  fs.armCrash(plan);
  const acked = await workload(fs);
  const after = fs.restartAfterCrash(mode);
  const { log } = await openTestLog(after, '/data', { config });
  const batches = await readAll(log);
  let expected = log.logStartOffset;
  for (const b of batches) {
    assert.ok(batchCrcIsValid(b, 0), 'every served batch has a valid CRC');
    assert.equal(baseOffsetOf(b), expected, 'offsets are contiguous');
    expected += 1;
  }
  assert.equal(expected, log.logEndOffset);
  for (const a of acked) {
    assert.ok(a.offset < log.logEndOffset, `acked offset ${a.offset} survived (plan ${JSON.stringify(plan)}, ${mode})`);
    assert.deepEqual(batches[a.offset - log.logStartOffset], a.bytes, `acked batch ${a.offset} is intact`);
  }
  // The recovered log accepts appends again.
  await log.append(simpleBatch(1, 5), { durable: true });
  await log.close();
  return acked.length;
}

describe('crash simulation (memory fs)', () => {
  const totals = dataDirFs().then(async (dry) => {
    const before = { bytes: dry.bytesWritten, ops: dry.opsRun };
    await workload(dry);
    return { bytes: dry.bytesWritten - before.bytes, ops: dry.opsRun - before.ops };
  });
  it('recovers every durable batch after a crash at every byte boundary', async () => {
    const { bytes } = await totals;
    assert.ok(bytes > 500, `workload wrote ${bytes} bytes`);
    let sawPartial = 0;
    for (let b = 0; b <= bytes; b++) {
      for (const mode of ['keep-written', 'drop-unsynced'] as const) {
        const n = await crashAndCheck({ afterBytes: b }, mode);
        if (n > 0 && n < 9) sawPartial++;
      }
    }
    assert.ok(sawPartial > 0);
  });

  it('recovers every durable batch after a crash before every mutating call', async () => {
    const { ops } = await totals;
    for (let n = 0; n <= ops; n++) {
      for (const mode of ['keep-written', 'drop-unsynced'] as const) await crashAndCheck({ afterOps: n }, mode);
    }
  });

  it('logs exactly what recovery truncated from a torn tail', async () => {
    const fs = new MemoryFileSystem();
    const { log } = await openTestLog(fs, '/data', { config: { 'segment.bytes': 100_000 } });
    for (let i = 0; i < 5; i++) await log.append(simpleBatch(1, 20), { durable: true });
    const size = simpleBatch(1, 20).length;
    fs.armCrash({ afterBytes: 30 });
    await assert.rejects(log.append(simpleBatch(1, 20), { durable: true }));
    const { log: again, lines } = await openTestLog(fs.restartAfterCrash('keep-written'), '/data', {});
    assert.equal(again.logEndOffset, 5);
    assert.equal(again.recovery.bytesTruncated, 30);
    const warn = lines.find((l) => l.msg.includes('truncated'));
    assert.ok(warn);
    assert.equal(warn.fields['bytesDropped'], 30);
    assert.equal(warn.fields['position'], 5 * size);
    await again.close();
  });

  it('takes the partition offline on a failed fsync and never acknowledges after it', async () => {
    const fs = await dataDirFs();
    const { log, lines } = await openTestLog(fs, '/data', {});
    await log.append(simpleBatch(1, 20), { durable: true });
    fs.failSyncs((p) => p.endsWith('.log'));
    await assert.rejects(log.append(simpleBatch(1, 20), { durable: true }), { kind: 'storage-error', kafkaErrorCode: 56 });
    fs.failSyncs(null);
    assert.ok(log.isOffline);
    await assert.rejects(log.append(simpleBatch(1, 20), { durable: true }), { kind: 'storage-error' });
    await assert.rejects(log.read(0, 100), { kind: 'storage-error' });
    assert.equal(log.highWatermark, 1, 'the unsynced append never became visible');
    assert.ok(lines.some((l) => l.level === 'error' && l.msg === 'partition offline'));
    const { log: again } = await openTestLog(fs.restartAfterCrash('drop-unsynced'), '/data', {});
    assert.equal(again.logEndOffset, 1);
    await again.close();
  });

  it('does not serve corruption found before the recovery point', async () => {
    const fs = new MemoryFileSystem();
    const cfg = { 'segment.bytes': 300 };
    const { log } = await openTestLog(fs, '/data', { config: cfg });
    for (let i = 0; i < 12; i++) await log.append(simpleBatch(1, 20), { durable: true });
    await log.close();
    // Break the framing of the second batch of the first (old, flushed) segment.
    const path = '/data/topic-0/00000000000000000000.log';
    const f = await fs.open(path, 'readwrite');
    const size = simpleBatch(1, 20).length;
    await f.writev([Buffer.from([0x7f, 0xff, 0xff, 0xff])], size + 8);
    await f.close();
    const { log: again } = await openTestLog(fs, '/data', { config: cfg, clean: true });
    await assert.rejects(again.read(1, 1000), { kind: 'storage-error' });
    const ok = await again.read(0, 1);
    assert.ok(ok.kind === 'records' && ok.chunks.length === 1);
    await again.close();
  });
});
