// The aborted-transactions index (.txnindex) and per-partition state snapshots (.snapshot): byte
// format, lookups, recovery after a clean close and after a crash, retention.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MemoryFileSystem } from '../../src/storage/fs/memory-file-system.js';
import { TXN_INDEX_ENTRY_SIZE, decodeTxnIndexEntries, encodeTxnIndexEntry } from '../../src/storage/transaction-index.js';
import { decodeSnapshotFile, encodeSnapshotFile } from '../../src/storage/state-snapshots.js';
import { openTestLog } from './helpers/logs.js';
import { simpleBatch } from './helpers/batches.js';

const ROOT = '/data';
const DIR = join(ROOT, 'topic-0');
const TXN0 = join(DIR, '00000000000000000000.txnindex');

test('txnindex entry: Kafka layout, 34 bytes big-endian, torn tail ignored', () => {
  const e = { producerId: 7, firstOffset: 10, lastOffset: 20, lastStableOffset: 21 };
  const buf = encodeTxnIndexEntry(e);
  assert.equal(buf.length, TXN_INDEX_ENTRY_SIZE);
  assert.equal(buf.readInt16BE(0), 0);
  assert.equal(buf.readBigInt64BE(2), 7n);
  assert.equal(buf.readBigInt64BE(26), 21n);
  assert.deepEqual(decodeTxnIndexEntries(Buffer.concat([buf, buf.subarray(0, 10)])), [e]);
});

test('aborted transactions: lookup by range, persisted, reloaded, entries past a crash-truncated end dropped', async () => {
  const fs = new MemoryFileSystem();
  let { log } = await openTestLog(fs, ROOT);
  for (let i = 0; i < 10; i++) await log.append(simpleBatch(10, 8), { durable: true }); // offsets 0..99
  log.appendAbortedTransaction({ producerId: 1, firstOffset: 0, lastOffset: 30, lastStableOffset: 31 });
  log.appendAbortedTransaction({ producerId: 2, firstOffset: 40, lastOffset: 60, lastStableOffset: 50 });
  log.appendAbortedTransaction({ producerId: 3, firstOffset: 50, lastOffset: 70, lastStableOffset: 71 });
  log.appendAbortedTransaction({ producerId: 3, firstOffset: 50, lastOffset: 70, lastStableOffset: 71 }); // replayed twice: kept once
  log.appendAbortedTransaction({ producerId: 4, firstOffset: 80, lastOffset: 90, lastStableOffset: 91 });
  const ids = (from: number, upTo: number) => log.abortedTransactions(from, upTo).map((e) => e.producerId);
  assert.deepEqual(ids(0, 100), [1, 2, 3, 4]);
  assert.deepEqual(ids(31, 45), [2], 'marker before `from` excluded; LSO 50 <= 45 not reached, 3 starts at 50');
  assert.deepEqual(ids(61, 75), [3]);
  assert.deepEqual(ids(0, 20), [1], 'stops at the first entry whose LSO reaches the upper bound');
  await log.close();
  assert.equal((await fs.readFile(TXN0)).length, 4 * TXN_INDEX_ENTRY_SIZE);

  ({ log } = await openTestLog(fs, ROOT, { clean: true }));
  assert.deepEqual(log.abortedTransactions(0, 100).map((e) => e.producerId), [1, 2, 3, 4]);
  await log.close();

  // A torn entry and one whose marker is past the log end (lost in a crash) are dropped on open.
  const bytes = await fs.readFile(TXN0);
  const beyond = encodeTxnIndexEntry({ producerId: 9, firstOffset: 95, lastOffset: 150, lastStableOffset: 151 });
  const f = await fs.open(TXN0, 'readwrite');
  await f.writev([beyond, beyond.subarray(0, 5)], bytes.length);
  await f.datasync();
  await f.close();
  ({ log } = await openTestLog(fs, ROOT, { clean: true }));
  assert.deepEqual(log.abortedTransactions(0, 1000).map((e) => e.producerId), [1, 2, 3, 4]);
  assert.equal((await fs.readFile(TXN0)).length, 4 * TXN_INDEX_ENTRY_SIZE, 'rewritten without them');
  await log.close();
});

test('aborted transactions: retention deletes the index files of deleted segments', async () => {
  const fs = new MemoryFileSystem();
  const { log } = await openTestLog(fs, ROOT, { config: { 'segment.bytes': '1024' } });
  for (let i = 0; i < 12; i++) await log.append(simpleBatch(5, 100), { durable: true });
  assert.ok(log.segmentCount >= 3);
  const second = log.segmentBaseOffsets[1]!;
  log.appendAbortedTransaction({ producerId: 1, firstOffset: 0, lastOffset: 1, lastStableOffset: 2 });
  log.appendAbortedTransaction({ producerId: 2, firstOffset: second, lastOffset: second + 1, lastStableOffset: second + 2 });
  await log.flush();
  await log.writeStateSnapshot(log.logEndOffset, Buffer.from('x')); // syncs the index first
  const names = () => fs.readdir(DIR).then((n) => n.filter((x) => x.endsWith('.txnindex')).sort());
  assert.equal((await names()).length, 2);
  await log.deleteRecordsBefore(second);
  assert.deepEqual((await names()).length, 1);
  assert.deepEqual(log.abortedTransactions(0, 1e9).map((e) => e.producerId), [2]);
  await log.close();
});

test('state snapshots: checksummed, newest valid at or below the log end wins, two kept', async () => {
  const payload = Buffer.from('producer state');
  const file = encodeSnapshotFile(payload);
  assert.deepEqual(decodeSnapshotFile(file), payload);
  const bad = Buffer.from(file);
  bad[bad.length - 1]! ^= 1;
  assert.equal(decodeSnapshotFile(bad), null);
  assert.equal(decodeSnapshotFile(file.subarray(0, file.length - 1)), null);

  const fs = new MemoryFileSystem();
  let { log } = await openTestLog(fs, ROOT);
  for (let i = 0; i < 3; i++) await log.append(simpleBatch(10, 8), { durable: true });
  await log.writeStateSnapshot(10, Buffer.from('a'));
  await log.writeStateSnapshot(20, Buffer.from('b'));
  await log.writeStateSnapshot(30, Buffer.from('c'));
  const snaps = (await fs.readdir(DIR)).filter((n) => n.endsWith('.snapshot')).sort();
  assert.deepEqual(snaps, ['00000000000000000020.snapshot', '00000000000000000030.snapshot']);
  assert.deepEqual(await log.readStateSnapshot(), { offset: 30, payload: Buffer.from('c') });
  await log.close();

  // Corrupt the newest: the older one is used and the bad one removed.
  const p30 = join(DIR, '00000000000000000030.snapshot');
  const f = await fs.open(p30, 'readwrite');
  await f.writev([Buffer.from([0xff])], 20);
  await f.datasync();
  await f.close();
  ({ log } = await openTestLog(fs, ROOT, { clean: true }));
  assert.deepEqual(await log.readStateSnapshot(), { offset: 20, payload: Buffer.from('b') });
  assert.equal(await fs.exists(p30), false);
  await log.close();
});
