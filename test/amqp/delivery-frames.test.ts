// The delivery writer of the hot path (src/amqp/delivery-frames.ts) against the generic codec: for
// any consumer tag, delivery tag, routing fields, property list, body size and frame_max, the bytes it
// writes parse back (FrameParser, decodeMethodPayload, decodeContentHeader) into the same basic.deliver,
// the same properties and the same body, split at frame_max, and the view-based body frames of large
// bodies carry the same bytes as the copied ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  FrameParser,
  FrameType,
  bodyFrames,
  bodyFramesSize,
  decodeContentHeader,
  decodeMethodPayload,
  deliverHeadSize,
  encodeProperties,
  writeBodyFrames,
  writeDeliverHead,
} from '../../src/amqp/index.js';

const shortBytes = fc.string({ maxLength: 60 }).map((s) => Buffer.from(s, 'utf8')).filter((b) => b.length <= 255);

test('writeDeliverHead + writeBodyFrames parse back to the same delivery, split at frame_max', () => {
  fc.assert(
    fc.property(
      shortBytes,
      shortBytes,
      shortBytes,
      fc.integer({ min: 1, max: 2 ** 40 }),
      fc.boolean(),
      fc.integer({ min: 0, max: 20_000 }),
      fc.constantFrom(4096, 8192, 131072),
      fc.integer({ min: 0, max: 65535 }),
      (consumerTag, exchange, routingKey, deliveryTag, redelivered, bodyLength, frameMax, channel) => {
        const properties = encodeProperties({ contentType: 'text/plain', deliveryMode: 2, headers: [['k', { type: 'S', value: Buffer.from('v') }]] });
        const body = Buffer.alloc(bodyLength);
        for (let i = 0; i < bodyLength; i++) body[i] = (i * 31) & 0xff;
        const size = deliverHeadSize(consumerTag, exchange, routingKey, properties) + bodyFramesSize(body.length, frameMax);
        const buf = Buffer.alloc(size);
        let pos = writeDeliverHead(buf, 0, channel, consumerTag, deliveryTag, redelivered, exchange, routingKey, properties, body.length);
        pos = writeBodyFrames(buf, pos, channel, body, frameMax);
        assert.equal(pos, size);

        const parser = new FrameParser(frameMax);
        parser.push(buf);
        const method = parser.next()!;
        assert.equal(method.type, FrameType.Method);
        assert.equal(method.channel, channel);
        assert.deepEqual(decodeMethodPayload(method.payload), {
          method: 'basic.deliver',
          consumerTag: consumerTag.toString('utf8'),
          deliveryTag,
          redelivered,
          exchange: exchange.toString('utf8'),
          routingKey: routingKey.toString('utf8'),
        });
        const header = parser.next()!;
        assert.equal(header.type, FrameType.Header);
        const h = decodeContentHeader(header.payload);
        assert.equal(h.classId, 60);
        assert.equal(h.bodySize, body.length);
        assert.ok(h.properties.equals(properties));
        const parts: Buffer[] = [];
        for (let f = parser.next(); f; f = parser.next()) {
          assert.equal(f.type, FrameType.Body);
          assert.equal(f.channel, channel);
          assert.ok(f.payload.length + 8 <= frameMax, 'a body frame larger than frame_max');
          parts.push(Buffer.from(f.payload));
        }
        assert.ok(Buffer.concat(parts).equals(body));
        assert.equal(parts.length, Math.ceil(body.length / (frameMax - 8)));

        // The view-based frames of a large body are the same bytes as the copied ones.
        const copied = Buffer.alloc(bodyFramesSize(body.length, frameMax));
        writeBodyFrames(copied, 0, channel, body, frameMax);
        assert.ok(Buffer.concat(bodyFrames(channel, body, frameMax)).equals(copied));
      },
    ),
    { numRuns: 200 },
  );
});
