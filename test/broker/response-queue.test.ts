import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ResponseQueue, type ResponseSink } from '../../src/broker/server/response-queue.js';

function recordingSink(): ResponseSink & { written: string[]; corks: number } {
  const sink = {
    written: [] as string[],
    corks: 0,
    cork() {
      sink.corks++;
    },
    uncork() {},
    write(chunk: Buffer) {
      sink.written.push(chunk.toString());
      return true;
    },
  };
  return sink;
}

test('responses completed in any order are written in request order; null writes nothing', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40 }).chain((n) =>
        fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }), fc.array(fc.boolean(), { minLength: n, maxLength: n })),
      ),
      ([n, order, silent]) => {
        const sink = recordingSink();
        const q = new ResponseQueue(sink);
        const completers = [...Array(n).keys()].map(() => q.reserve());
        for (const i of order) completers[i]!(silent[i] ? null : [Buffer.from(`r${i}`)]);
        const expected = [...Array(n).keys()].filter((i) => !silent[i]).map((i) => `r${i}`);
        assert.equal(sink.written.join(''), expected.join(''));
        assert.equal(q.inFlight, 0);
      },
    ),
  );
});

test('a slow response holds back later ones; completing twice is ignored', () => {
  const sink = recordingSink();
  const q = new ResponseQueue(sink);
  const a = q.reserve();
  const b = q.reserve();
  b([Buffer.from('b')]);
  assert.deepEqual(sink.written, []);
  assert.equal(q.inFlight, 2);
  a([Buffer.from('a1'), Buffer.from('a2')]);
  a([Buffer.from('again')]);
  // Small together: copied into one buffer, one write, no cork.
  assert.deepEqual(sink.written, ['a1a2b']);
  assert.equal(sink.corks, 0);
});

test('large responses go out as their own pieces in one corked batch; each slot hears once its bytes are written', () => {
  const pieces: Buffer[] = [];
  const callbacks: (() => void)[] = [];
  let corks = 0;
  const q = new ResponseQueue({
    cork: () => corks++,
    uncork: () => {},
    write(chunk, cb) {
      pieces.push(chunk);
      if (cb) callbacks.push(() => cb());
      return true;
    },
  });
  const order: string[] = [];
  const big = Buffer.alloc(20_000, 7);
  const a = q.reserve(() => order.push('a'));
  const b = q.reserve(() => order.push('b'));
  const c = q.reserve(() => order.push('c'));
  b(null); // nothing on the wire: done at its turn
  c([Buffer.from('c')]);
  a([Buffer.from('head'), big, Buffer.from('tail')]);
  assert.equal(corks, 1);
  assert.equal(pieces.length, 4);
  assert.equal(pieces[1], big, 'not copied');
  assert.deepEqual(order, ['b'], 'a and c wait for their writes');
  for (const cb of callbacks) cb();
  assert.deepEqual(order, ['b', 'a', 'c']);

  // Small responses completed together: one copied write whose callback tells both slots.
  pieces.length = 0;
  callbacks.length = 0;
  const d = q.reserve(() => order.push('d'));
  const e = q.reserve(() => order.push('e'));
  e([Buffer.from('e1'), Buffer.from('e2')]);
  d([Buffer.from('d')]);
  assert.deepEqual(pieces.map(String), ['de1e2']);
  assert.equal(callbacks.length, 1);
  callbacks[0]!();
  assert.deepEqual(order, ['b', 'a', 'c', 'd', 'e']);
});

test('after close nothing is written', () => {
  const sink = recordingSink();
  const q = new ResponseQueue(sink);
  const a = q.reserve();
  q.close();
  a([Buffer.from('late')]);
  assert.deepEqual(sink.written, []);
});
