// Async mappers (bounded concurrency, per-key order), the for-await escape hatch, punctuation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App, StreamsError, TestDriver, int64, keyValueStore, string, type KeyValueStore } from '../../src/streams/index.js';

/** A gate the test opens by hand: async work waits on it, no timers involved. */
function gates() {
  const pending: Array<{ key: string; open: () => void }> = [];
  return {
    pending,
    wait(key: string): Promise<void> {
      return new Promise((open) => pending.push({ key, open }));
    },
  };
}

test('mapValuesAsync keeps per-key order, bounds concurrency, and a commit waits for it', async () => {
  const app = new App({ appId: 'async' });
  const g = gates();
  let running = 0;
  let maxRunning = 0;
  app
    .stream('in', { key: string, value: string })
    .mapValuesAsync(
      async (v, k) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await g.wait(k);
        running--;
        return `${v}!`;
      },
      { concurrency: 2 },
    )
    .to('out', { value: string });
  const d = await TestDriver.create(app);
  const input = d.input('in', string, string);
  // Pipe without awaiting completion: the driver settles only when all work is done.
  const piping = input.pipeAll([
    ['a', 'a1'],
    ['b', 'b1'],
    ['a', 'a2'],
    ['c', 'c1'],
  ]);
  // Release gates as they appear, newest first, so completion order differs from input order.
  while (true) {
    await new Promise((r) => setImmediate(r));
    const next = g.pending.pop();
    if (next) next.open();
    else if (await Promise.race([piping.then(() => true), new Promise<boolean>((r) => setImmediate(() => r(false)))])) break;
  }
  await piping;
  const out = d.output('out', string, string).readKeyValues();
  assert.equal(out.length, 4);
  const aValues = out.filter(([k]) => k === 'a').map(([, v]) => v);
  assert.deepEqual(aValues, ['a1!', 'a2!'], 'per-key order kept');
  assert.ok(maxRunning <= 2, `at most 2 in flight, saw ${maxRunning}`);
  await d.close();
});

test('an async mapper that rejects fails the task with TASK_FAILED', async () => {
  const app = new App({ appId: 'async-fail' });
  app.stream('in', { key: string, value: string }).mapValuesAsync<string>(async () => {
    throw new Error('remote said no');
  }).to('out', { value: string });
  const d = await TestDriver.create(app);
  await assert.rejects(d.input('in', string, string).pipe('k', 'v'), (e: unknown) => e instanceof StreamsError && e.code === 'TASK_FAILED' && /remote said no/.test(e.message));
  await d.crash();
});

test('for-await processor with a typed store, stream-time and wall-clock punctuation', async () => {
  const app = new App({ appId: 'loop' });
  const ticks: Array<[string, number]> = [];
  app
    .stream('visits', { key: string, value: string })
    .process<string, number, { seen: ReturnType<typeof keyValueStore<string, number>> }>(
      async (records, ctx) => {
        ctx.schedule(1_000, 'wall-clock', (t) => ticks.push(['wall', t]));
        ctx.schedule(100, 'stream-time', (t) => ticks.push(['stream', t]));
        for await (const r of records) {
          const store = ctx.store('seen');
          const n = (store.get(r.key) ?? 0) + 1;
          store.put(r.key, n);
          if (n === 1) ctx.forward(r.key, r.timestamp);
        }
      },
      { stores: { seen: keyValueStore(string, int64) } },
    )
    .to('first-visit', { key: string, value: int64 });
  const d = await TestDriver.create(app);
  const visits = d.input('visits', string, string);
  await visits.pipe('u1', 'p', { timestamp: 10 });
  await visits.pipe('u1', 'p', { timestamp: 20 });
  await visits.pipe('u2', 'p', { timestamp: 250 });
  await d.advanceWallClockTime('1s');
  assert.deepEqual(d.output('first-visit', string, int64).readKeyValues(), [['u1', 10], ['u2', 250]]);
  assert.equal(d.store<KeyValueStore<string, number>>('seen').get('u1'), 2);
  assert.deepEqual(ticks, [['stream', 250], ['wall', 1_000]]);
  assert.ok(d.cluster.records('loop-seen-changelog', 0).length === 3);
  await d.close();
});
