// LingeringSender, the batching behind `brook produce`: a record is sent without waiting for more input, records
// that arrive while a request is in flight go together in the next one, a full batch makes add() wait (bounded
// memory), and a failed send surfaces on the next add() or drain().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LingeringSender, MAX_RECORDS } from '../../src/cli/commands/produce-sender.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('a lone record is sent without more input or drain()', async () => {
  const sent = deferred();
  const batches: number[][] = [];
  const sender = new LingeringSender<number>({
    send: async (b) => {
      batches.push(b);
      sent.resolve();
    },
    sent: () => undefined,
  });
  await sender.add(1, 1);
  await sent.promise; // resolves only if the linger timer fires by itself
  assert.deepEqual(batches, [[1]]);
});

test('records read while a request is in flight go out together in the next request, in order', async () => {
  const gates: { resolve: () => void }[] = [];
  const batches: number[][] = [];
  const started = deferred();
  const sender = new LingeringSender<number>({
    send: (b) => {
      batches.push(b);
      const g = deferred();
      gates.push(g);
      if (batches.length === 1) started.resolve();
      return g.promise;
    },
    sent: () => undefined,
    lingerMs: 0,
  });
  await sender.add(0, 1);
  await started.promise;
  for (let i = 1; i <= 5; i++) await sender.add(i, 1);
  assert.equal(batches.length, 1, 'a second request started while the first was in flight');
  const draining = sender.drain();
  gates[0]!.resolve();
  while (gates.length < 2) await new Promise((r) => setImmediate(r));
  gates[1]!.resolve();
  await draining;
  assert.deepEqual(batches, [[0], [1, 2, 3, 4, 5]]);
});

test('a full batch makes add() wait for the request in flight', async () => {
  const gate = deferred();
  let calls = 0;
  const sender = new LingeringSender<number>({ send: () => (++calls === 1 ? gate.promise : Promise.resolve()), sent: () => undefined, lingerMs: 60_000 });
  for (let i = 0; i < MAX_RECORDS; i++) await sender.add(i, 1); // the MAX_RECORDS-th add starts the first request
  assert.equal(calls, 1);
  let filledSecond = false;
  const second = (async () => {
    for (let i = 0; i < MAX_RECORDS; i++) await sender.add(i, 1);
    filledSecond = true;
  })();
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
  assert.equal(filledSecond, false, 'add() went on filling a second full batch while the first was unanswered');
  gate.resolve();
  await second;
  await sender.drain();
  assert.equal(calls, 2);
});

test('a failed send is thrown by the next add() and by drain(), and nothing more is sent', async () => {
  let calls = 0;
  const sender = new LingeringSender<number>({
    send: () => {
      calls++;
      return Promise.reject(new Error('broker said no'));
    },
    sent: () => undefined,
    lingerMs: 0,
  });
  await sender.add(1, 1);
  await assert.rejects(sender.drain(), /broker said no/);
  await assert.rejects(sender.add(2, 1), /broker said no/);
  await assert.rejects(sender.drain(), /broker said no/);
  assert.equal(calls, 1);
});
