// Real clients' request frames, mutated: the request header decoder and every generated decoder
// (at the fixture's version, clamped into each message's range) either decode or throw DecodeError.
// Mutations of real frames reach deeper than random bytes: lengths and counts sit where real
// clients put them, so a flipped byte lands in a plausible structure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeRequestHeader } from '../../src/protocol/headers.js';
import { messageCodecs } from '../../src/protocol/messages/index.js';
import { DecodeError } from '../../src/protocol/decode-error.js';
import { ByteReader } from '../../src/protocol/primitives/byte-reader.js';
import { messageSchemas } from './generated/message-schemas.js';
import { loadGoldenFixtures } from './golden-fixtures.js';

const fixtures = loadGoldenFixtures();
const decoders = messageSchemas.map((s) => ({ name: s.name, min: s.minVersion, max: s.maxVersion, codec: messageCodecs[s.name]! }));

function onlyDecodeError(what: string, decode: () => unknown): void {
  try {
    decode();
  } catch (e) {
    if (!(e instanceof DecodeError)) assert.fail(`${what}: threw ${String(e)}`);
  }
}

const mutation = fc.record({
  flips: fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
  cut: fc.option(fc.nat()),
});

test('mutated golden frames: the header decoder and every decoder throw only DecodeError', () => {
  assert.ok(fixtures.length > 0);
  for (const fx of fixtures) {
    fc.assert(
      fc.property(mutation, ({ flips, cut }) => {
        let frame = Buffer.from(fx.frame.subarray(4)); // without the size prefix, as FrameDecoder hands it on
        for (const f of flips) frame[f.at % frame.length] = f.byte;
        if (cut !== null) frame = frame.subarray(0, cut % (frame.length + 1));
        let bodyOffset = 0;
        onlyDecodeError(`${fx.path} header`, () => {
          bodyOffset = decodeRequestHeader(frame).bodyOffset;
        });
        const body = frame.subarray(Math.min(bodyOffset, frame.length));
        for (const d of decoders) {
          const v = Math.min(Math.max(fx.version, d.min), d.max);
          onlyDecodeError(`${fx.path} as ${d.name} v${v}`, () => d.codec.read(new ByteReader(body), v));
        }
      }),
      { numRuns: 8 },
    );
  }
});
