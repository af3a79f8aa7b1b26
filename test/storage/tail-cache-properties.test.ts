// The tail cache (storage/tail-cache.ts) against a model of what it must answer: the appends still
// within its byte bound, oldest evicted first, read as whole batches. Covers many entries, small
// appends copied out of larger frames, zero-copy appends, clears on oversized appends, and that bytes
// handed to a reader never change while later appends arrive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TailCache } from '../../src/storage/tail-cache.js';
import { buildBatch } from './helpers/batches.js';

interface ModelEntry {
  baseOffset: number;
  nextOffset: number;
  bytes: Buffer;
}

/** Batches at consecutive offsets from `baseOffset`; returns the bytes and the next offset. */
function appendBytes(baseOffset: number, recordCounts: number[], valueSize: number): { bytes: Buffer; next: number } {
  const parts: Buffer[] = [];
  let next = baseOffset;
  for (const n of recordCounts) {
    const records = Array.from({ length: n }, (_, i) => ({ value: Buffer.alloc(valueSize, (next + i) % 251), timestamp: 1_700_000_000_000 + next + i }));
    parts.push(buildBatch(records, { baseOffset: next }));
    next += n;
  }
  return { bytes: Buffer.concat(parts), next };
}

/** What the cache must answer, from the model: the same rule over plain entries. */
function modelRead(entries: readonly ModelEntry[], offset: number, maxBytes: number, upper: number): Buffer | null {
  const i = entries.findIndex((e) => offset >= e.baseOffset && offset < e.nextOffset);
  if (entries.length === 0 || offset < entries[0]!.baseOffset || i < 0) return null;
  const out: Buffer[] = [];
  let bytes = 0;
  let first = true;
  for (let k = i; k < entries.length; k++) {
    const buf = entries[k]!.bytes;
    let p = 0;
    for (; p < buf.length; ) {
      const size = 12 + buf.readInt32BE(p + 8);
      const base = Number(buf.readBigInt64BE(p));
      const last = base + buf.readInt32BE(p + 23);
      if (last < offset) {
        p += size;
        continue;
      }
      if (base >= upper || (!first && bytes + size > maxBytes)) break;
      first = false;
      bytes += size;
      out.push(buf.subarray(p, p + size));
      p += size;
    }
    if (p < buf.length) break;
  }
  return Buffer.concat(out);
}

const appendArb = fc.record({
  recordCounts: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
  valueSize: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 300 }), weight: 12 }, { arbitrary: fc.integer({ min: 1000, max: 3000 }), weight: 4 }, { arbitrary: fc.constant(70_000), weight: 1 }),
  /** Arrives as a small view of a larger frame (copied into a slab) or as a buffer of its own (kept). */
  inLargerFrame: fc.boolean(),
});

test('tail cache: reads match the model of its bounded appends; handed-out bytes never change', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 2_000, max: 400_000 }),
      fc.array(appendArb, { minLength: 200, maxLength: 1200, size: 'max' }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 200_000 }), fc.nat()), { minLength: 1, maxLength: 20 }),
      (maxBytes, appends, reads) => {
        const cache = new TailCache(maxBytes);
        let model: ModelEntry[] = [];
        let modelBytes = 0;
        let next = 0;
        const handedOut: { view: Buffer; copy: Buffer }[] = [];
        for (const [k, a] of appends.entries()) {
          const { bytes, next: after } = appendBytes(next, a.recordCounts, a.valueSize);
          let buf = bytes;
          if (a.inLargerFrame) {
            const frame = Buffer.alloc(bytes.length * 3 + 10, 0xee);
            bytes.copy(frame, 7);
            buf = frame.subarray(7, 7 + bytes.length);
          }
          cache.add(next, after, buf);
          if (bytes.length > maxBytes) {
            model = [];
            modelBytes = 0;
          } else {
            model.push({ baseOffset: next, nextOffset: after, bytes: Buffer.from(bytes) });
            modelBytes += bytes.length;
            while (modelBytes > maxBytes) modelBytes -= model.shift()!.bytes.length;
          }
          next = after;
          assert.equal(cache.firstOffset, model.length > 0 ? model[0]!.baseOffset : Infinity);
          // Read now and then, and keep what was handed out to check it later.
          if (k % 7 === 0 && model.length > 0) {
            const r = cache.read(model[0]!.baseOffset, 1 << 30, next);
            assert.ok(r);
            for (const view of r.chunks) handedOut.push({ view, copy: Buffer.from(view) });
          }
        }
        assert.equal(cache.firstOffset, model.length > 0 ? model[0]!.baseOffset : Infinity);
        for (const [o, maxRead, u] of reads) {
          const offset = next === 0 ? 0 : o % (next + 2);
          const upper = next === 0 ? 0 : u % (next + 2);
          const got = cache.read(offset, maxRead, upper);
          const want = modelRead(model, offset, maxRead, upper);
          if (want === null) assert.equal(got, null);
          else {
            assert.ok(got);
            const bytes = Buffer.concat(got.chunks);
            assert.ok(bytes.equals(want), `read at ${offset}`);
            assert.equal(got.bytes, want.length);
          }
        }
        for (const h of handedOut) assert.ok(h.view.equals(h.copy), 'bytes handed to a reader changed');
      },
    ),
    { numRuns: 25, endOnFailure: true },
  );
});
