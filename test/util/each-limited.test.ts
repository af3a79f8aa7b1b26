// eachLimited (src/util/each-limited.ts): how many calls run at once, and what a failure does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eachLimited } from '../../src/util/each-limited.js';

/** A call that finishes only when the test releases it, so the test decides the interleaving. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

test('runs at most `limit` calls at once, starting them in list order, and every item once', async () => {
  const items = Array.from({ length: 10 }, (_, i) => i);
  const gates = items.map(() => gate());
  const started: number[] = [];
  let running = 0;
  let peak = 0;
  const done = eachLimited(items, 3, async (item) => {
    started.push(item);
    running++;
    peak = Math.max(peak, running);
    await gates[item]!.wait;
    running--;
  });
  // Release in an order unlike the start order: each release lets one more start.
  for (const i of [2, 0, 1, 5, 3, 4, 8, 6, 7, 9]) {
    await new Promise((r) => setImmediate(r));
    gates[i]!.open();
  }
  await done;
  assert.equal(peak, 3);
  assert.deepEqual(started, items);
});

test('a failure does not stop the other items; it rejects with the first failure once all settled', async () => {
  const seen: number[] = [];
  await assert.rejects(
    eachLimited([0, 1, 2, 3, 4, 5], 2, async (item) => {
      seen.push(item);
      await Promise.resolve();
      if (item === 1) throw new Error('first');
      if (item === 4) throw new Error('second');
    }),
    /first/,
  );
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4, 5]);
});

test('an empty list resolves without calling; a limit below one still runs one at a time', async () => {
  let calls = 0;
  await eachLimited([], 4, async () => {
    calls++;
  });
  assert.equal(calls, 0);
  let running = 0;
  let peak = 0;
  await eachLimited([1, 2, 3], 0, async () => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setImmediate(r));
    running--;
  });
  assert.equal(peak, 1);
});
