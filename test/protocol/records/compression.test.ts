import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { compressSync as snappyRaw } from 'snappy';
import { Compressor } from 'zstd-napi';
import fc from 'fast-check';
import { DecodeError } from '../../../src/protocol/decode-error.js';
import { compress, decompress } from '../../../src/protocol/records/compression/index.js';
import { XERIAL_MAGIC } from '../../../src/protocol/records/compression/snappy.js';
import {
  INDEPENDENT_BLOCK_CHECKSUMS,
  INDEPENDENT_NO_CHECKSUM,
  LINKED_BLOCKS_CONTENT_SIZE_CHECKSUM,
  fixtureInput,
} from './lz4-fixtures.js';

const CODECS = [1, 2, 3, 4];

function assertTooLarge(fn: () => unknown): void {
  assert.throws(fn, (err: unknown) => err instanceof DecodeError && err.kind === 'too-large');
}

test('every codec round-trips arbitrary bytes, including empty input', () => {
  fc.assert(
    fc.property(fc.constantFrom(...CODECS), fc.uint8Array({ maxLength: 3000 }), (id, bytes) => {
      const data = Buffer.from(bytes);
      assert.deepEqual(decompress(id, compress(id, data)), data);
    }),
    { numRuns: 120 },
  );
});

test('every codec round-trips a multi-block input (over 64 KiB)', () => {
  const data = fixtureInput();
  for (const id of CODECS) assert.ok(decompress(id, compress(id, data)).equals(data), `codec ${id}`);
});

test('xerial-framed snappy (the Java client) decodes, across several blocks', () => {
  const data = fixtureInput();
  const blocks = [data.subarray(0, 32768), data.subarray(32768, 70000), data.subarray(70000)];
  const parts: Buffer[] = [XERIAL_MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])];
  for (const block of blocks) {
    const packed = snappyRaw(block);
    const length = Buffer.alloc(4);
    length.writeInt32BE(packed.length);
    parts.push(length, packed);
  }
  const framed = Buffer.concat(parts);
  assert.ok(decompress(2, framed).equals(data));
  assertTooLarge(() => decompress(2, framed, 40000));
  assert.throws(() => decompress(2, framed.subarray(0, framed.length - 3)), DecodeError);
});

test('lz4 frames from the reference lz4 tool: linked blocks, content size, checksums', () => {
  const data = fixtureInput();
  for (const frame of [LINKED_BLOCKS_CONTENT_SIZE_CHECKSUM, INDEPENDENT_NO_CHECKSUM, INDEPENDENT_BLOCK_CHECKSUMS]) {
    assert.ok(decompress(3, frame).equals(data));
  }
  // content size declared over the cap: rejected before any block is decoded
  assertTooLarge(() => decompress(3, LINKED_BLOCKS_CONTENT_SIZE_CHECKSUM, 1000));
  assertTooLarge(() => decompress(3, INDEPENDENT_NO_CHECKSUM, 70000));
});

test('our lz4 frames are what Java writes: independent 64 KiB blocks, no checksums', () => {
  const frame = compress(3, Buffer.alloc(10, 1));
  assert.deepEqual([...frame.subarray(0, 7)], [0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]);
});

test('zstd frames without a content size (streaming producers) decode, in many output chunks', () => {
  const data = Buffer.concat([fixtureInput(), fixtureInput(), Buffer.alloc(100_000, 3)]);
  const cmp = new Compressor();
  cmp.setParameters({ contentSizeFlag: false, checksumFlag: true });
  const frame = cmp.compress(data);
  assert.equal(frame[4]! & 0xc0, 0, 'frame header has no content-size field');
  assert.ok(decompress(4, frame).equals(data));
  assertTooLarge(() => decompress(4, frame, 150_000));
  // two frames back to back
  assert.ok(decompress(4, Buffer.concat([frame, frame])).equals(Buffer.concat([data, data])));
  assert.throws(() => decompress(4, frame.subarray(0, frame.length - 5)), DecodeError);
});

test('compression bombs are refused with too-large under the default 64 MiB cap', () => {
  const huge = Buffer.alloc(80 * 1024 * 1024);
  const zstdBomb = compress(4, huge);
  const lz4Bomb = compress(3, huge);
  assert.ok(zstdBomb.length < 10_000 && lz4Bomb.length < 400_000);
  assertTooLarge(() => decompress(4, zstdBomb));
  assertTooLarge(() => decompress(3, lz4Bomb));
  const noSize = new Compressor();
  noSize.setParameters({ contentSizeFlag: false });
  assertTooLarge(() => decompress(4, noSize.compress(huge)));
});

test('small bombs against small caps: gzip, snappy, lz4, zstd', () => {
  const big = Buffer.alloc(4 * 1024 * 1024);
  assertTooLarge(() => decompress(1, gzipSync(big), 1024 * 1024));
  assertTooLarge(() => decompress(2, snappyRaw(big), 1024 * 1024));
  assertTooLarge(() => decompress(3, compress(3, big), 1024 * 1024));
  assertTooLarge(() => decompress(4, compress(4, big), 1024 * 1024));
});

test('garbage and truncated codec input fails with DecodeError only', () => {
  fc.assert(
    fc.property(fc.constantFrom(...CODECS), fc.uint8Array({ maxLength: 200 }), (id, bytes) => {
      try {
        decompress(id, Buffer.from(bytes), 1 << 20);
      } catch (err) {
        assert.ok(err instanceof DecodeError, `codec ${id}: ${String(err)}`);
      }
    }),
    { numRuns: 300 },
  );
  const good = compress(3, fixtureInput());
  for (let cut = 0; cut < good.length; cut += 97) {
    try {
      decompress(3, good.subarray(0, cut));
    } catch (err) {
      assert.ok(err instanceof DecodeError);
    }
  }
});
