// ByteReader/ByteWriter edge cases: every malformed length, count or varint is a DecodeError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError, type DecodeErrorKind } from '../../src/protocol/decode-error.js';
import { ByteReader, readInt32Element } from '../../src/protocol/primitives/byte-reader.js';
import { ByteWriter, stringSize, nullableBytesSize, ZERO_UUID } from '../../src/protocol/primitives/byte-writer.js';
import { apis } from '../../src/protocol/messages/index.js';
import { encodeMessage } from '../../src/protocol/primitives/codec.js';

const reader = (...bytes: number[]): ByteReader => new ByteReader(Buffer.from(bytes));
const isDecodeError = (kind: DecodeErrorKind) => (e: unknown) => e instanceof DecodeError && e.kind === kind;

test('fixed-width reads at the end of input are truncation errors', () => {
  assert.throws(() => reader(1).int16(), isDecodeError('truncated'));
  assert.throws(() => reader(1, 2, 3).int32(), isDecodeError('truncated'));
  assert.throws(() => reader(1, 2, 3, 4, 5, 6, 7).int64(), isDecodeError('truncated'));
  assert.throws(() => reader().bool(), isDecodeError('truncated'));
  assert.throws(() => reader(...new Array<number>(15).fill(0)).uuid(), isDecodeError('truncated'));
  assert.equal(reader(0xff, 0xfe).int16(), -2);
  assert.equal(reader(0xff, 0xfe).uint16(), 0xfffe);
});

test('int64: the same bytes as Buffer.writeBigInt64BE / readBigInt64BE, safe integers or not', () => {
  const edges = [0n, 1n, -1n, 2n ** 31n - 1n, -(2n ** 31n), 2n ** 32n - 1n, 2n ** 32n, -(2n ** 32n), 2n ** 53n - 1n, -(2n ** 53n - 1n), 2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n)];
  const check = (v: bigint): void => {
    const expected = Buffer.alloc(8);
    expected.writeBigInt64BE(v);
    const w = new ByteWriter(Buffer.alloc(8));
    w.int64(v);
    assert.deepEqual(w.buf, expected, String(v));
    assert.equal(w.pos, 8);
    assert.equal(new ByteReader(expected).int64(), v, String(v));
  };
  for (const v of edges) check(v);
  fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => check(v)));
  fc.assert(fc.property(fc.maxSafeInteger(), (n) => check(BigInt(n))));
  // Out of range, or no room left: the RangeError writeBigInt64BE throws.
  assert.throws(() => new ByteWriter(Buffer.alloc(8)).int64(2n ** 63n), RangeError);
  const short = new ByteWriter(Buffer.alloc(12));
  short.int32(0);
  short.int32(0);
  assert.throws(() => short.int64(1n), RangeError);
});

test('varints: over-long and overflowing encodings are rejected', () => {
  assert.throws(() => reader(0x80, 0x80, 0x80, 0x80, 0x10).uvarint(), isDecodeError('bad-varint'));
  assert.throws(() => reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x01).uvarint(), isDecodeError('bad-varint'));
  assert.throws(() => reader(0x80, 0x80).uvarint(), isDecodeError('truncated'));
  assert.equal(reader(0xff, 0xff, 0xff, 0xff, 0x0f).uvarint(), 0xffffffff);
  assert.equal(reader(0x03).varint(), -2);
});

test('strings: negative lengths (other than null), lengths past the end', () => {
  assert.throws(() => reader(0xff, 0xfe).nullableString(false), isDecodeError('bad-length'));
  assert.throws(() => reader(0xff, 0xff).string(false), isDecodeError('bad-length')); // null, not nullable
  assert.equal(reader(0xff, 0xff).nullableString(false), null);
  assert.throws(() => reader(0x00, 0x05, 0x61).string(false), isDecodeError('bad-length'));
  assert.throws(() => reader(0x00).string(true), isDecodeError('bad-length')); // compact null
  assert.equal(reader(0x00).nullableString(true), null);
  assert.throws(() => reader(0x09, 0x61).string(true), isDecodeError('bad-length'));
  assert.equal(reader(0x01).string(true), '');
});

test('bytes are zero-copy views; bad lengths are rejected', () => {
  const buf = Buffer.from([0x00, 0x00, 0x00, 0x02, 0xaa, 0xbb, 0xcc]);
  const b = new ByteReader(buf).bytes(false);
  assert.deepEqual([...b], [0xaa, 0xbb]);
  assert.equal(b.buffer, buf.buffer);
  assert.equal(b.byteOffset, buf.byteOffset + 4);
  assert.throws(() => reader(0xff, 0xff, 0xff, 0xfe).nullableBytes(false), isDecodeError('bad-length'));
  assert.throws(() => reader(0x7f, 0xff, 0xff, 0xff).bytes(false), isDecodeError('bad-length'));
  assert.equal(reader(0xff, 0xff, 0xff, 0xff).records(false), null);
});

test('array counts larger than the bytes left fail before allocating', () => {
  assert.throws(() => reader(0x00, 0x00, 0x00, 0x03, 0, 0).array(false, readInt32Element, 0), isDecodeError('bad-length'));
  assert.throws(() => reader(0xff, 0xff, 0xff, 0xf0).array(false, readInt32Element, 0), isDecodeError('bad-length'));
  assert.throws(() => reader(0xff, 0xff, 0xff, 0xff).array(false, readInt32Element, 0), isDecodeError('bad-length'));
  assert.equal(reader(0xff, 0xff, 0xff, 0xff).nullableArray(false, readInt32Element, 0), null);
  // A count that fits the bytes but whose elements do not: truncation while reading elements.
  assert.throws(() => reader(0x00, 0x00, 0x00, 0x02, 0, 0, 0, 1).array(false, readInt32Element, 0), DecodeError);
});

test('writer and size pass agree for strings, bytes and uuids', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.boolean(), (s, compact) => {
      const w = new ByteWriter(Buffer.alloc(stringSize(s, compact)));
      w.string(s, compact);
      assert.equal(w.pos, w.buf.length);
      assert.equal(new ByteReader(w.buf).string(compact), s);
    }),
  );
  const w = new ByteWriter(Buffer.alloc(16 + nullableBytesSize(null, true)));
  w.uuid(ZERO_UUID);
  w.nullableBytes(null, true);
  assert.deepEqual([...w.buf], new Array<number>(17).fill(0));
  assert.throws(() => new ByteWriter(Buffer.alloc(16)).uuid('not-a-uuid'), TypeError);
});

test('uuids surface as 22-character base64url text', () => {
  const raw = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  const id = new ByteReader(raw).uuid();
  assert.equal(id, raw.toString('base64url'));
  assert.equal(id.length, 22);
  const w = new ByteWriter(Buffer.alloc(16));
  w.uuid(id);
  assert.deepEqual(w.buf, raw);
});

test('truncation at every byte of a small message is a DecodeError', () => {
  const produce = apis.Produce.request;
  for (const version of [3, 9, 11]) {
    const bytes = encodeMessage(
      produce,
      { transactionalId: 'tx', acks: -1, timeoutMs: 1000, topicData: [{ name: 'topic', partitionData: [{ index: 0, records: Buffer.from('records') }] }] },
      version,
    );
    for (let n = 0; n < bytes.length; n++) {
      assert.throws(() => produce.read(new ByteReader(bytes.subarray(0, n)), version), DecodeError, `v${version} cut at ${n}`);
    }
    assert.equal(produce.read(new ByteReader(bytes), version).topicData[0]!.partitionData[0]!.records!.toString(), 'records');
  }
});
