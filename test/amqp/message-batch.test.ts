// The queue's own batch encoder (src/broker/amqp/message-batch.ts) against the generic path it
// replaces on the publish side: for any messages it writes the very bytes the generic batch builder
// makes of toRecord()'s records, and the messages it hands to delivery equal what decoding that
// batch back gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildRecordBatch } from '../../src/protocol/records/batch-builder.js';
import { setBatchBaseOffset } from '../../src/protocol/records/batch-header.js';
import { DecodedBatches } from '../../src/broker/amqp/decoded-batches.js';
import { encodeMessageBatch, storedMessagesOf, type QueuedMessage } from '../../src/broker/amqp/message-batch.js';
import { exchangeBytes, routingKeyBytes, toRecord, type StoredMessage } from '../../src/broker/amqp/message-record.js';

const bytes = (max: number): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
const messageArb = fc.record({
  exchange: fc.string({ maxLength: 30 }),
  routingKey: fc.string({ maxLength: 300 }),
  properties: bytes(200),
  body: fc.oneof(bytes(50), bytes(70_000)),
  // Timestamps may go backwards within a batch (the wall clock), and TTLs may be absent.
  timestampDelta: fc.integer({ min: -5_000, max: 5_000_000 }),
  ttl: fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: undefined }),
});

test('the queue batch encoder writes what the generic builder writes, and hands out what decoding gives', () => {
  fc.assert(
    fc.property(fc.array(messageArb, { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 2 ** 40 }), (specs, baseOffset) => {
      const start = 1_700_000_000_000;
      const queued: QueuedMessage[] = specs.map((s) => ({
        exchange: exchangeBytes(s.exchange),
        routingKey: routingKeyBytes(s.routingKey),
        properties: s.properties,
        body: s.body,
        timestamp: start + s.timestampDelta,
        expiresAt: s.ttl === undefined ? Infinity : start + s.timestampDelta + s.ttl,
        propertiesAt: 0,
        bodyAt: 0,
      }));
      const records = specs.map((s, i) =>
        toRecord({ exchange: s.exchange, routingKey: s.routingKey, properties: s.properties, body: s.body, persistent: true, expirationMs: undefined }, queued[i]!.timestamp, queued[i]!.expiresAt),
      );
      const expected = buildRecordBatch(records, { timestamp: queued[0]!.timestamp });
      const batch = encodeMessageBatch(queued, 0, queued.length);
      assert.ok(batch.equals(expected), 'same bytes as the generic builder');

      setBatchBaseOffset(batch, 0, baseOffset);
      const decoded: StoredMessage[] = [];
      new DecodedBatches().forEachIn([Buffer.from(batch)], 0, Infinity, (m) => decoded.push(m));
      const handed = storedMessagesOf(batch, baseOffset, queued, 0, queued.length);
      assert.equal(handed.length, decoded.length);
      for (let i = 0; i < handed.length; i++) {
        const a = handed[i]!;
        const b = decoded[i]!;
        assert.equal(a.offset, b.offset);
        assert.ok(a.exchangeBytes.equals(b.exchangeBytes));
        assert.ok(a.routingKeyBytes.equals(b.routingKeyBytes));
        assert.ok(a.properties.equals(b.properties));
        assert.ok(a.body.equals(b.body));
        assert.equal(a.timestamp, b.timestamp);
        assert.equal(a.expiresAt, b.expiresAt);
      }
    }),
    { numRuns: 150 },
  );
});

test('a slice of the pending messages encodes on its own', () => {
  const at = (i: number): QueuedMessage => ({
    exchange: exchangeBytes('x'),
    routingKey: routingKeyBytes(`k${i}`),
    properties: Buffer.from([0x10, 0, 2]),
    body: Buffer.alloc(i * 10, i),
    timestamp: 1000 + i,
    expiresAt: Infinity,
    propertiesAt: 0,
    bodyAt: 0,
  });
  const all = [at(0), at(1), at(2), at(3)];
  const batch = encodeMessageBatch(all, 1, 3);
  const alone = encodeMessageBatch([at(1), at(2)], 0, 2);
  assert.ok(batch.equals(alone));
  const handed = storedMessagesOf(batch, 7, all, 1, 3);
  assert.deepEqual(
    handed.map((m) => [m.offset, m.routingKey, m.body.length]),
    [
      [7, 'k1', 10],
      [8, 'k2', 20],
    ],
  );
});
