// The frame pool (util/frame-pool.ts): a released buffer is handed out again, a retained one is not,
// small and huge frames are not pooled, and buffers from elsewhere pass through untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FramePool, POOL_MIN_BYTES } from '../../src/util/frame-pool.js';

test('a released frame buffer is reused; a retained one only after its last release', () => {
  const pool = new FramePool();
  const a = pool.acquire(100_000);
  assert.equal(a.length, 100_000);
  assert.ok(pool.isPooled(a));
  pool.retain(a); // the log, while its write is in flight
  pool.release(a); // the connection, handler done
  assert.ok(pool.isPooled(a), 'still referenced by the log');
  const b = pool.acquire(100_000);
  assert.notEqual(b.buffer, a.buffer, 'a referenced buffer is not handed out again');
  pool.release(a); // the write finished
  assert.ok(!pool.isPooled(a));
  assert.ok(pool.idleBytes > 0);
  const c = pool.acquire(90_000);
  assert.equal(c.buffer, a.buffer, 'same size class: the free buffer is reused');
  assert.equal(c.length, 90_000);
  pool.release(c);
  pool.release(c); // a second release is ignored, not a negative count
  const d = pool.acquire(90_000);
  const e = pool.acquire(90_000);
  assert.notEqual(d.buffer, e.buffer, 'one free buffer is handed out once');
});

test('small and very large frames are plain buffers; foreign buffers pass through', () => {
  const pool = new FramePool();
  const small = pool.acquire(POOL_MIN_BYTES - 1);
  assert.ok(!pool.isPooled(small));
  const huge = pool.acquire(9 * 1024 * 1024);
  assert.ok(!pool.isPooled(huge));
  const foreign = Buffer.alloc(100_000);
  pool.retain(foreign);
  pool.release(foreign);
  assert.ok(!pool.isPooled(foreign));
  assert.equal(pool.idleBytes, 0);
});
