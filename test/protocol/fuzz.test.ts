// Decoders under hostile input: random bytes and mutated valid encodings, fed to every decoder at
// every version, must either decode or throw DecodeError; never RangeError/TypeError, never hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { messageCodecs } from '../../src/protocol/messages/index.js';
import { DecodeError } from '../../src/protocol/decode-error.js';
import { ByteReader } from '../../src/protocol/primitives/byte-reader.js';
import { encodeMessage, type MessageCodec, type MessageInput } from '../../src/protocol/primitives/codec.js';
import { messageSchemas } from './generated/message-schemas.js';
import { everyVersion, messageArb } from './schema-arbitraries.js';

function decodeOrDecodeError(codec: MessageCodec<unknown>, bytes: Buffer, version: number, what: string): void {
  try {
    codec.read(new ByteReader(bytes), version);
  } catch (e) {
    if (!(e instanceof DecodeError)) assert.fail(`${what}: threw ${String(e)}`);
  }
}

test('random bytes: every decoder, every version', () => {
  for (const [schema, version] of everyVersion(messageSchemas)) {
    const codec = messageCodecs[schema.name]!;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (a) => {
        decodeOrDecodeError(codec, Buffer.from(a), version, `${schema.name} v${version}`);
      }),
      { numRuns: 15 },
    );
  }
});

test('mutated valid encodings: every decoder, every version', () => {
  for (const [schema, version] of everyVersion(messageSchemas)) {
    const codec = messageCodecs[schema.name]!;
    const mutation = fc.record({
      value: messageArb(schema, version),
      flips: fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
      cut: fc.option(fc.nat()),
    });
    fc.assert(
      fc.property(mutation, ({ value, flips, cut }) => {
        let bytes = encodeMessage(codec, value as MessageInput<unknown>, version);
        if (bytes.length === 0) return;
        for (const f of flips) bytes[f.at % bytes.length] = f.byte;
        if (cut !== null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
        decodeOrDecodeError(codec, bytes, version, `${schema.name} v${version}`);
      }),
      { numRuns: 10 },
    );
  }
});

test('huge counts and lengths in a tiny input are rejected, not allocated', () => {
  const metadata = messageCodecs.MetadataRequest!;
  // v0: topics array count 0x7fffffff with no bytes behind it.
  assert.throws(() => metadata.read(new ByteReader(Buffer.from([0x7f, 0xff, 0xff, 0xff])), 0), DecodeError);
  // v9 (flexible): compact count 2^32-2 as a 5-byte varint.
  assert.throws(
    () => metadata.read(new ByteReader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])), 9),
    (e) => e instanceof DecodeError && e.kind === 'bad-length',
  );
});
