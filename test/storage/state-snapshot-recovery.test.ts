// State snapshots across a power failure (memory fs): a snapshot file is synced when written, the log
// bytes below its offset may not be. When the power fails before they are, recovery ends the log below
// the snapshot; the snapshot must go when the log opens, before anything is appended: otherwise new
// appends reach its offset again and the stale file (describing data that no longer exists) would be
// taken as valid by the next load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileSystem } from '../../src/storage/fs/memory-file-system.js';
import { simpleBatch } from './helpers/batches.js';
import { openTestLog } from './helpers/logs.js';

test('a snapshot past the log end recovered after a power failure is deleted at open and never read back', async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdir('/data');
  await fs.syncDir('/');
  const { log } = await openTestLog(fs, '/data', { policy: 'written' });
  await log.append(simpleBatch(1, 20), { durable: true });
  for (let i = 0; i < 5; i++) await log.append(simpleBatch(2, 20), { durable: false });
  const staleAt = log.logEndOffset;
  await log.writeStateSnapshot(staleAt, Buffer.from('state as of the lost tail'));

  const crashed = fs.restartAfterCrash('drop-unsynced');
  const { log: reopened, lines } = await openTestLog(crashed, '/data', { policy: 'written' });
  assert.ok(reopened.logEndOffset < staleAt, `the unsynced tail is gone (log end ${reopened.logEndOffset} < ${staleAt})`);
  const names = await crashed.readdir('/data/topic-0');
  assert.deepEqual(names.filter((n) => n.endsWith('.snapshot')), [], 'the snapshot past the log end was deleted at open');
  assert.ok(lines.some((l) => l.msg === 'deleted a producer-state snapshot past the recovered log end' && l.fields.offset === staleAt));

  // New appends take the log end past the old snapshot's offset: no snapshot describes them.
  while (reopened.logEndOffset <= staleAt) await reopened.append(simpleBatch(3, 20), { durable: true });
  assert.equal(await reopened.readStateSnapshot(), null);
  await reopened.close();
});
