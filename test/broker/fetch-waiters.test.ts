// The long-poll waiters (broker/fetch/fetch-waiters.ts) on their own: how parks end. Deadlines share
// one timer, so these check that every park still ends the right way and in deadline order, whichever
// parks were woken early, and that close() leaves nothing armed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FetchWaiters, type WakeReason } from '../../src/broker/fetch/fetch-waiters.js';
import type { ServiceDeps } from '../../src/broker/service.js';
import type { PartitionLog } from '../../src/storage/index.js';

/** The part of a partition log the waiters use: append listeners and the high watermark. */
class FakeLog {
  highWatermark = 0;
  isOffline = false;
  private readonly listeners = new Set<() => void>();
  addAppendListener(fn: () => void): void {
    this.listeners.add(fn);
  }
  removeAppendListener(fn: () => void): void {
    this.listeners.delete(fn);
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
  append(): void {
    this.highWatermark++;
    for (const fn of [...this.listeners]) fn();
  }
}

const waiters = (): FetchWaiters => new FetchWaiters({} as ServiceDeps);
const watch = (log: FakeLog) => [{ log: log as unknown as PartitionLog, seenHighWatermark: log.highWatermark }];

test('parks with different max waits time out in deadline order; one woken early does not disturb the others', async () => {
  const w = waiters();
  const log = new FakeLog();
  const ended: string[] = [];
  const park = (name: string, ms: number): Promise<WakeReason> =>
    w.wait(watch(log), ms, undefined).then((reason) => {
      ended.push(`${name}:${reason}`);
      return reason;
    });
  // The first park arms the timer; a later one with an earlier deadline re-arms it.
  const slow = park('slow', 60);
  const fast = park('fast', 5);
  const middle = park('middle', 30);
  assert.equal(w.size, 3);
  await fast;
  assert.deepEqual(ended, ['fast:timeout']);
  await Promise.all([slow, middle]);
  assert.deepEqual(ended, ['fast:timeout', 'middle:timeout', 'slow:timeout']);
  assert.equal(w.size, 0);
  assert.equal(log.listenerCount, 0, 'a timed-out park leaves no listener');

  // A park woken by an append before its deadline; the next park still times out (the timer armed
  // for the first one fires with nothing due and is armed again for the second).
  const woken = w.wait(watch(log), 20, undefined);
  log.append();
  assert.equal(await woken, 'appended');
  assert.equal(await w.wait(watch(log), 40, undefined), 'timeout');
  assert.equal(log.listenerCount, 0);
  await w.close();
});

test('an append before the park, an aborted signal and close() end parks at once', async () => {
  const w = waiters();
  const log = new FakeLog();
  const stale = [{ log: log as unknown as PartitionLog, seenHighWatermark: log.highWatermark }];
  log.append();
  assert.equal(await w.wait(stale, 10_000, undefined), 'appended', 'the lost-wakeup rule');
  const aborter = new AbortController();
  const cancelled = w.wait(watch(log), 10_000, aborter.signal);
  aborter.abort();
  assert.equal(await cancelled, 'cancelled');
  // Parks of an hour: close() must end them and disarm the timer, or this test would not end.
  const parked = [w.wait(watch(log), 3_600_000, undefined), w.wait(watch(log), 3_600_000, undefined)];
  await w.close();
  assert.deepEqual(await Promise.all(parked), ['closed', 'closed']);
  assert.equal(await w.wait(watch(log), 10, undefined), 'closed', 'no parks after close');
  assert.equal(log.listenerCount, 0);
});
