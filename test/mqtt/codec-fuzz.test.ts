// The MQTT decoders under hostile input: random bytes and mutated valid encodings, through the framer
// and the decoder, in both protocol versions, either decode or throw MqttError -- never another error,
// never a read past the input, never a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MqttError, PacketFramer, decodePacket, encodePacket, type ProtocolVersion } from '../../src/mqtt/index.js';
import { packetArb } from './codec-arbitraries.js';

function decodeAll(bytes: Buffer, version: ProtocolVersion, maxPacketSize?: number): void {
  const framer = new PacketFramer(maxPacketSize);
  framer.push(bytes);
  try {
    for (let raw = framer.next(); raw !== null; raw = framer.next()) decodePacket(raw.first, raw.body, version);
  } catch (e) {
    if (!(e instanceof MqttError)) assert.fail(`threw ${e instanceof Error ? e.stack : String(e)} for ${bytes.toString('hex')}`);
  }
}

for (const version of [4, 5] as const) {
  test(`random bytes (protocol level ${version})`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 80 }), (first, body) => {
        // A well-framed packet of any type with a random body, and the raw bytes as a stream.
        const framed = Buffer.concat([Buffer.from([first, body.length]), Buffer.from(body)]);
        if (body.length < 128) decodeAll(framed, version);
        decodeAll(Buffer.from(body), version, 64);
      }),
      { numRuns: 4000 },
    );
  });

  test(`mutated valid packets (protocol level ${version})`, () => {
    const mutation = fc.record({
      packet: packetArb(version),
      flips: fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
      cut: fc.option(fc.nat()),
    });
    fc.assert(
      fc.property(mutation, ({ packet, flips, cut }) => {
        let bytes = encodePacket(packet, version);
        for (const f of flips) bytes[f.at % bytes.length] = f.byte;
        if (cut !== null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
        decodeAll(bytes, version);
      }),
      { numRuns: 3000 },
    );
  });
}

test('a remaining length announcing 256 MB with 5 bytes behind it allocates nothing', () => {
  const framer = new PacketFramer();
  framer.push(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4, 5]));
  assert.equal(framer.next(), null);
  assert.equal(framer.bufferedBytes, 10);
});
