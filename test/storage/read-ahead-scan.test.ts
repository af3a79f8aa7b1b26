// The read-ahead window under the batch scan (storage/read-ahead-window.ts): any sequence of views at
// increasing positions returns exactly the file's bytes, whether they lie in one chunk or span several,
// and nothing past the end; a scan of a multi-MiB segment whose batches cross the 1 MiB chunk edges
// sees every batch once, and with CRC checks stops at a corrupt batch just past an edge, where recovery
// truncates.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryFileSystem } from '../../src/storage/fs/memory-file-system.js';
import { ReadAheadWindow } from '../../src/storage/read-ahead-window.js';
import { scanBatches } from '../../src/storage/batch-scan.js';
import { buildBatch } from './helpers/batches.js';

async function fileWith(bytes: Buffer) {
  const fs = new MemoryFileSystem();
  await fs.mkdir('/d');
  const f = await fs.open('/d/f', 'create');
  if (bytes.length > 0) await f.writev([bytes], 0);
  return f;
}

describe('read-ahead window', () => {
  it('views are the file bytes, stitched across chunks, null past the end', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 0, maxLength: 4000 }),
        fc.integer({ min: 1, max: 700 }),
        fc.integer({ min: 1, max: 700 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 1500 })), { maxLength: 40 }),
        async (raw, first, chunk, depth, steps) => {
          const data = Buffer.from(raw);
          const f = await fileWith(data);
          const start = Math.min(7, data.length);
          const w = new ReadAheadWindow(f, start, data.length, first, chunk, depth);
          let pos = start;
          for (const [advance, n] of steps) {
            pos += advance;
            const v = await w.view(pos, n);
            if (pos + n > data.length) assert.equal(v, null);
            else {
              assert.ok(v);
              assert.deepEqual(v.buf.subarray(v.at, v.at + n), data.subarray(pos, pos + n));
            }
          }
          await w.close();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a scan across chunk edges sees every batch; a corrupt batch just past an edge ends it there', async () => {
    const batches: Buffer[] = [];
    let size = 0;
    let k = 0;
    while (size < 9.3 * (1 << 20)) {
      const b = buildBatch([{ value: Buffer.alloc(1000 + ((k * 7919) % 60_000), k & 0xff), timestamp: 1_000 + k }], { baseOffset: k });
      batches.push(b);
      size += b.length;
      k++;
    }
    const data = Buffer.concat(batches);
    const seen: number[] = [];
    const clean = await scanBatches(await fileWith(data), 0, data.length, { verifyCrc: true, minBaseOffset: 0 }, (b) => {
      seen.push(b.baseOffset);
      assert.equal(b.buf.readInt32BE(b.bufPos + 8) + 12, b.size);
    });
    assert.equal(clean.problem, null);
    assert.equal(clean.validEnd, data.length);
    assert.deepEqual(seen, batches.map((_, i) => i));

    // The first batch that starts after the second chunk edge (5 MiB): flip a byte of its records.
    let at = 0;
    let victim = 0;
    while (at < 5 * (1 << 20)) at += batches[victim++]!.length;
    const corrupt = Buffer.from(data);
    corrupt[at + 70] ^= 0xff;
    const cut = await scanBatches(await fileWith(corrupt), 0, corrupt.length, { verifyCrc: true, minBaseOffset: 0 }, () => {});
    assert.equal(cut.validEnd, at);
    assert.equal(cut.nextOffset, victim);
    assert.match(cut.problem ?? '', /CRC-32C mismatch/);
  });
});
