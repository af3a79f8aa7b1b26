// Property: for every generated message and every valid version, a random value encodes and
// decodes back deep-equal, consuming exactly the encoded bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { messageCodecs } from '../../src/protocol/messages/index.js';
import { ByteReader } from '../../src/protocol/primitives/byte-reader.js';
import { encodeMessage, type MessageInput } from '../../src/protocol/primitives/codec.js';
import { messageSchemas } from './generated/message-schemas.js';
import { everyVersion, messageArb } from './schema-arbitraries.js';

const NUM_RUNS = 25;

test('every generated message has a schema and a codec', () => {
  assert.equal(messageSchemas.length, Object.keys(messageCodecs).length);
  for (const s of messageSchemas) assert.ok(messageCodecs[s.name], s.name);
  assert.ok(messageSchemas.length > 170);
});

test('round trip: every message, every version', () => {
  let pairs = 0;
  for (const [schema, version] of everyVersion(messageSchemas)) {
    const codec = messageCodecs[schema.name]!;
    pairs++;
    fc.assert(
      fc.property(messageArb(schema, version), (value) => {
        const bytes = encodeMessage(codec, value as MessageInput<unknown>, version);
        const r = new ByteReader(bytes);
        const decoded = codec.read(r, version);
        assert.equal(r.pos, bytes.length, `${schema.name} v${version}: decoder left bytes unread`);
        assert.deepStrictEqual(decoded, value, `${schema.name} v${version}`);
      }),
      { numRuns: NUM_RUNS },
    );
  }
  assert.ok(pairs > 600, `only ${pairs} message versions`);
});

test('an empty input object encodes every field as its default', () => {
  for (const [schema, version] of everyVersion(messageSchemas)) {
    const codec = messageCodecs[schema.name]!;
    const decoded = codec.read(new ByteReader(encodeMessage(codec, {}, version)), version);
    const again = codec.read(new ByteReader(encodeMessage(codec, decoded as MessageInput<unknown>, version)), version);
    assert.deepStrictEqual(again, decoded, `${schema.name} v${version}`);
  }
});
