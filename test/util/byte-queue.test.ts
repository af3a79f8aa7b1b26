// ByteQueue against the plain concatenation of what was pushed: any chunking, any sequence of reads,
// takes and skips gives the same bytes, and a take inside one chunk is a view, not a copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteQueue } from '../../src/util/byte-queue.js';

test('takes, skips, byteAt and uint32 reads match the concatenated stream under any chunking', () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ minLength: 0, maxLength: 40 }), { maxLength: 30 }),
      fc.array(fc.record({ op: fc.constantFrom('take', 'skip', 'byte', 'u32', 'i32'), n: fc.nat(50) }), { maxLength: 40 }),
      (chunks, ops) => {
        const q = new ByteQueue();
        for (const c of chunks) q.push(Buffer.from(c));
        let rest = Buffer.concat(chunks.map((c) => Buffer.from(c)));
        assert.equal(q.length, rest.length);
        for (const { op, n } of ops) {
          if (op === 'take' || op === 'skip') {
            const k = Math.min(n, rest.length);
            if (op === 'take') assert.deepEqual(q.take(k), rest.subarray(0, k));
            else q.skip(k);
            rest = rest.subarray(k);
          } else if (op === 'byte') {
            if (rest.length === 0) continue;
            const at = n % rest.length;
            assert.equal(q.byteAt(at), rest[at]);
          } else {
            if (rest.length < 4) continue;
            const at = n % (rest.length - 3);
            assert.equal(op === 'u32' ? q.readUInt32BE(at) : q.readInt32BE(at), op === 'u32' ? rest.readUInt32BE(at) : rest.readInt32BE(at));
          }
          assert.equal(q.length, rest.length);
        }
      },
    ),
  );
});

test('a take inside one chunk is a view of it; one across chunks is a fresh buffer', () => {
  // Buffer.alloc: chunks with buffers of their own (Buffer.from of a short string shares Node's pool).
  const a = Buffer.alloc(6, 'abcdef');
  const b = Buffer.alloc(4, 'ghij');
  const q = new ByteQueue();
  q.push(a);
  q.push(b);
  const view = q.take(4);
  assert.equal(view.buffer, a.buffer);
  const across = q.take(4);
  assert.equal(across.toString(), 'efgh');
  assert.ok(across.buffer !== a.buffer && across.buffer !== b.buffer);
  assert.equal(q.length, 2);
});
