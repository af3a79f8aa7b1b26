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
        assert.deepEqual(sink.written, expected);
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
  assert.deepEqual(sink.written, ['a1', 'a2', 'b']);
  assert.equal(sink.corks, 1);
});

test('after close nothing is written', () => {
  const sink = recordingSink();
  const q = new ResponseQueue(sink);
  const a = q.reserve();
  q.close();
  a([Buffer.from('late')]);
  assert.deepEqual(sink.written, []);
});
