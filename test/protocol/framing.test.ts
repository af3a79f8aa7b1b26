// FrameDecoder: frames come out whole however the stream is split; bad sizes are rejected early.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../../src/protocol/decode-error.js';
import { FrameDecoder, encodeFrame, sizePrefix } from '../../src/protocol/framing.js';

function drain(d: FrameDecoder): Buffer[] {
  const out: Buffer[] = [];
  for (let f = d.next(); f !== null; f = d.next()) out.push(Buffer.from(f));
  return out;
}

test('three frames split at every pair of byte boundaries come out whole', () => {
  const payloads = [Buffer.from('hello'), Buffer.alloc(0), Buffer.from('a longer third frame payload')];
  const stream = Buffer.concat(payloads.map(encodeFrame));
  for (let i = 0; i <= stream.length; i++) {
    for (let j = i; j <= stream.length; j++) {
      const d = new FrameDecoder();
      const got: Buffer[] = [];
      for (const chunk of [stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)]) {
        d.push(chunk);
        got.push(...drain(d));
      }
      assert.deepEqual(got, payloads, `split at ${i}, ${j}`);
      assert.equal(d.bufferedBytes, 0);
    }
  }
});

test('one byte at a time, and random chunkings', () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 6 }),
      fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 8 }),
      (frames, cuts) => {
        const payloads = frames.map((f) => Buffer.from(f));
        const stream = Buffer.concat(payloads.map(encodeFrame));
        const d = new FrameDecoder();
        const got: Buffer[] = [];
        let pos = 0;
        for (let k = 0; pos < stream.length; k++) {
          const n = cuts[k % cuts.length]!;
          d.push(stream.subarray(pos, pos + n));
          pos += n;
          got.push(...drain(d));
        }
        assert.deepEqual(got, payloads);
      },
    ),
  );
});

test('a frame inside one chunk is a zero-copy view of it', () => {
  const chunk = Buffer.concat([encodeFrame(Buffer.from('abc')), Buffer.from([0, 0])]);
  const d = new FrameDecoder();
  d.push(chunk);
  const frame = d.next()!;
  assert.equal(frame.buffer, chunk.buffer);
  assert.equal(frame.toString(), 'abc');
  assert.equal(d.next(), null);
  assert.equal(d.bufferedBytes, 2);
});

test('oversized and negative sizes are rejected from the prefix alone', () => {
  const d = new FrameDecoder({ maxFrameSize: 1024 });
  d.push(sizePrefix(1025)); // no payload at all: rejected before waiting for (or allocating) it
  assert.throws(() => d.next(), (e) => e instanceof DecodeError && e.kind === 'too-large');
  const big = new FrameDecoder();
  big.push(Buffer.from([0x7f, 0xff])); // prefix split across chunks
  big.push(Buffer.from([0xff, 0xff]));
  assert.throws(() => big.next(), (e) => e instanceof DecodeError && e.kind === 'too-large');
  const neg = new FrameDecoder();
  neg.push(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
  assert.throws(() => neg.next(), (e) => e instanceof DecodeError && e.kind === 'bad-length');
});
