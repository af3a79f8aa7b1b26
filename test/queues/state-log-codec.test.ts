// The share-group state log's records (Kafka's ShareSnapshot/ShareUpdate layout) and Brook's
// in-flight extension of DescribeShareGroupOffsets: byte layout, round trips over random values,
// and malformed input failing with DecodeError only.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../../src/protocol/decode-error.js';
import { describeShareGroupOffsetsWithInFlight } from '../../src/protocol/extensions/share-in-flight.js';
import { apis } from '../../src/protocol/messages/index.js';
import { decodeMessage, encodeMessage } from '../../src/protocol/primitives/codec.js';
import {
  decodeSnapshotValue,
  decodeStateKey,
  decodeUpdateValue,
  encodeSnapshotValue,
  encodeStateKey,
  encodeUpdateValue,
  UPDATE_RECORD,
} from '../../src/broker/queues/state-log-codec.js';

const TOPIC_ID = 'AAECAwQFBgcICQoLDA0ODw';

const batchArb = fc.record({
  first: fc.integer({ min: 0, max: 2 ** 40 }),
  last: fc.integer({ min: 0, max: 2 ** 40 }),
  state: fc.constantFrom(0 as const, 2 as const, 3 as const, 4 as const),
  count: fc.integer({ min: 0, max: 0x7fff }),
}).map((b) => ({ ...b }));

describe('share-group state log records', () => {
  it('keys: record type, then group (int16 length), topic id, partition', () => {
    const key = encodeStateKey(UPDATE_RECORD, { groupId: 'g', topicId: TOPIC_ID, partition: 7 });
    assert.deepEqual([...key], [0, 1, 0, 1, 0x67, ...Array.from({ length: 16 }, (_, i) => i), 0, 0, 0, 7]);
    assert.deepEqual(decodeStateKey(key), { type: UPDATE_RECORD, groupId: 'g', topicId: TOPIC_ID, partition: 7 });
  });

  it('snapshot value v0: fixed fields, compact batches, DeliveryCompleteCount as tagged field 0', () => {
    const buf = encodeSnapshotValue({ snapshotEpoch: 1, stateEpoch: 2, leaderEpoch: 0, startOffset: 5, deliveryCompleteCount: 3, createTimestamp: 10, writeTimestamp: 11, batches: [{ first: 5, last: 6, state: 2, count: 1 }] });
    const expected = Buffer.concat([
      Buffer.from([0, 0]), // version
      Buffer.from([0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0]),
      Buffer.from([0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 11]),
      Buffer.from([2]), // one batch
      Buffer.from([0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 6, 2, 0, 1, 0]),
      Buffer.from([1, 0, 4, 0, 0, 0, 3]), // tagged: one field, tag 0, 4 bytes
    ]);
    assert.deepEqual(buf, expected);
  });

  it('snapshots and updates round-trip', () => {
    fc.assert(
      fc.property(fc.array(batchArb, { maxLength: 20 }), fc.integer({ min: -1, max: 2 ** 40 }), fc.integer({ min: -1, max: 100_000 }), (batches, start, complete) => {
        const snap = { snapshotEpoch: 3, stateEpoch: 1, leaderEpoch: 0, startOffset: Math.max(0, start), deliveryCompleteCount: complete, createTimestamp: 1, writeTimestamp: 2, batches };
        assert.deepEqual(decodeSnapshotValue(encodeSnapshotValue(snap)), snap);
        const upd = { snapshotEpoch: 3, leaderEpoch: 0, startOffset: start, deliveryCompleteCount: complete, batches };
        assert.deepEqual(decodeUpdateValue(encodeUpdateValue(upd)), upd);
      }),
    );
  });

  it('malformed records fail with DecodeError, never anything else', () => {
    const good = encodeSnapshotValue({ snapshotEpoch: 1, stateEpoch: 1, leaderEpoch: 0, startOffset: 0, deliveryCompleteCount: -1, createTimestamp: 0, writeTimestamp: 0, batches: [{ first: 0, last: 3, state: 4, count: 2 }] });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: good.length - 1 }), fc.uint8Array({ maxLength: 8 }), (cut, junk) => {
        const bad = Buffer.concat([good.subarray(0, cut), junk]);
        try {
          decodeSnapshotValue(bad);
        } catch (e) {
          assert.ok(e instanceof DecodeError, String(e));
        }
      }),
    );
    assert.throws(() => decodeStateKey(Buffer.from([0, 9, 0, 0])), DecodeError);
  });
});

describe('DescribeShareGroupOffsets in-flight extension', () => {
  it('Kafka clients skip it; Brook reads it back', () => {
    const response = {
      throttleTimeMs: 0,
      groups: [{ groupId: 'g', errorCode: 0, errorMessage: null, topics: [{ topicName: 't', topicId: TOPIC_ID, partitions: [{ partitionIndex: 0, startOffset: 4n, leaderEpoch: 0, lag: 6n, errorCode: 0, errorMessage: null }] }] }],
      inFlight: [{ groupId: 'g', topicId: TOPIC_ID, partition: 0, acquired: 3, available: 1, endOffset: 8n }],
    };
    const bytes = encodeMessage(describeShareGroupOffsetsWithInFlight.response, response, 1);
    const plain = decodeMessage(apis.DescribeShareGroupOffsets.response, bytes, 1);
    assert.deepEqual(plain.groups, response.groups, 'the generated (Kafka-equivalent) decoder skips the tag');
    assert.deepEqual(decodeMessage(describeShareGroupOffsetsWithInFlight.response, bytes, 1).inFlight, response.inFlight);
    const without = encodeMessage(describeShareGroupOffsetsWithInFlight.response, { ...response, inFlight: [] }, 1);
    assert.deepEqual(without, encodeMessage(apis.DescribeShareGroupOffsets.response, response, 1), 'no extension: the same bytes as Kafka');
  });
});
