// scanPartition, the one loop the broker's state loaders (offsets, transaction state, producer state) read a
// partition with: every batch from the one holding `from` to the log end as of the start, across segments and
// read chunks, in order, including data that is written but not yet flushed; appends during the scan are not read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchBaseOffset, batchLastOffsetDelta } from '../../src/protocol/records/batch-header.js';
import { MemoryFileSystem } from '../../src/storage/fs/memory-file-system.js';
import { scanPartition } from '../../src/storage/partition-scan.js';
import { simpleBatch } from './helpers/batches.js';
import { openTestLog } from './helpers/logs.js';

test('visits every batch from the one holding `from` to the log end as of the start, in order', async () => {
  const fs = new MemoryFileSystem();
  // Small segments and 1 KiB values: the scan crosses segments and several 1 MiB reads.
  const { log } = await openTestLog(fs, '/data', { config: { 'segment.bytes': String(256 * 1024) } });
  for (let i = 0; i < 1200; i++) await log.append(simpleBatch(3, 1024, 1_700_000_000_000 + i, i), { durable: false });
  await log.append(simpleBatch(2, 10), { durable: false });
  assert.ok(log.logEndOffset === 3602);

  const seen: [number, number][] = [];
  const visited = await scanPartition(log, (chunk, pos) => {
    seen.push([batchBaseOffset(chunk, pos), batchBaseOffset(chunk, pos) + batchLastOffsetDelta(chunk, pos)]);
    // An append during the scan lands after the end the scan fixed at its start.
    if (seen.length === 1) void log.append(simpleBatch(1, 10), { durable: false });
  });
  assert.equal(visited, 1201);
  assert.deepEqual(seen[0], [0, 2]);
  assert.deepEqual(seen[seen.length - 1], [3600, 3601]);
  for (let i = 1; i < seen.length; i++) assert.equal(seen[i]![0], seen[i - 1]![1] + 1, `gap before batch ${i}`);

  const tail: number[] = [];
  await scanPartition(log, (chunk, pos) => tail.push(batchBaseOffset(chunk, pos)), 3592);
  // Offset 3592 is inside the batch [3591, 3593]: that batch comes first, as a read returns whole batches.
  assert.deepEqual(tail, [3591, 3594, 3597, 3600, 3602]);
  assert.equal(await scanPartition(log, () => assert.fail('nothing past the end'), log.logEndOffset), 0);
  await log.close();
});
