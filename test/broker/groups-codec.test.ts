// Pure parts of the group coordinator: Java's String.hashCode partitioning, the __consumer_offsets
// record codec (round trips and Kafka's older value versions), offset expiry and the state table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ClassicGroup } from '../../src/broker/groups/classic-group.js';
import { canTransition } from '../../src/broker/groups/group-state.js';
import { expiredOffsets } from '../../src/broker/groups/offset-expiry.js';
import { javaStringHashCode, offsetsPartitionFor } from '../../src/broker/groups/offsets-partitioner.js';
import {
  decodeGroupValue,
  decodeKey,
  decodeOffsetValue,
  encodeGroupKey,
  encodeGroupValue,
  encodeOffsetKey,
  encodeOffsetValue,
  type GroupValue,
} from '../../src/broker/groups/offsets-record-codec.js';

test("Java's String.hashCode and Kafka's partition choice", () => {
  assert.equal(javaStringHashCode(''), 0);
  assert.equal(javaStringHashCode('hello'), 99162322);
  assert.equal(javaStringHashCode('polygenelubricants'), -2147483648); // Integer.MIN_VALUE: Utils.abs gives 0
  assert.equal(offsetsPartitionFor('polygenelubricants', 50), 0);
  assert.equal(offsetsPartitionFor('hello', 50), 99162322 % 50);
  assert.equal(javaStringHashCode('😀'), 0xd83d * 31 + 0xde00, 'UTF-16 code units');
  fc.assert(fc.property(fc.string(), fc.integer({ min: 1, max: 200 }), (s, n) => {
    const p = offsetsPartitionFor(s, n);
    return Number.isInteger(p) && p >= 0 && p < n;
  }));
});

test('offset and group records round-trip', () => {
  fc.assert(fc.property(fc.string(), fc.string(), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (group, topic, partition) => {
    assert.deepEqual(decodeKey(encodeOffsetKey(group, topic, partition)), { kind: 'offset', group, topic, partition });
    assert.deepEqual(decodeKey(encodeGroupKey(group)), { kind: 'group', group });
  }));
  fc.assert(fc.property(fc.bigInt({ min: -1n, max: 2n ** 62n }), fc.integer({ min: -1, max: 1000 }), fc.string(), (offset, leaderEpoch, metadata) => {
    const v = { offset, leaderEpoch, metadata, commitTimestamp: 1_700_000_000_000, expireTimestamp: -1 };
    assert.deepEqual(decodeOffsetValue(encodeOffsetValue(v)), v);
  }));
  const g: GroupValue = {
    protocolType: 'consumer', generation: 7, protocol: 'range', leader: 'm1', currentStateTimestamp: 123,
    members: [{ memberId: 'm1', groupInstanceId: 'i1', clientId: 'c', clientHost: '/127.0.0.1', rebalanceTimeoutMs: 300000, sessionTimeoutMs: 45000, subscription: Buffer.from('s'), assignment: Buffer.from('a') }],
  };
  assert.deepEqual(decodeGroupValue(encodeGroupValue(g)), g);
  assert.equal(decodeKey(Buffer.from([0, 9, 0, 0])), null, 'other record types are skipped');
});

test('OffsetCommitValue v1 (with expire timestamp) as older Kafka wrote it', () => {
  const meta = Buffer.from('md');
  const v1 = Buffer.alloc(2 + 8 + 2 + meta.length + 8 + 8);
  let pos = v1.writeInt16BE(1, 0);
  pos = v1.writeBigInt64BE(55n, pos);
  pos = v1.writeInt16BE(meta.length, pos);
  pos += meta.copy(v1, pos);
  pos = v1.writeBigInt64BE(1000n, pos);
  v1.writeBigInt64BE(2000n, pos);
  assert.deepEqual(decodeOffsetValue(v1), { offset: 55n, leaderEpoch: -1, metadata: 'md', commitTimestamp: 1000, expireTimestamp: 2000 });
});

test('offset expiry: only Empty groups; consumer groups from when they emptied, simple groups per commit', () => {
  const offsets = [{ topic: 't', partition: 0, offset: 1n, leaderEpoch: -1, metadata: '', commitTimestamp: 1000 }];
  const simple = new ClassicGroup('s', 0);
  assert.equal(expiredOffsets(simple, offsets, 1000 + 59_999, 60_000).length, 0);
  assert.equal(expiredOffsets(simple, offsets, 1000 + 60_000, 60_000).length, 1);
  const consumer = new ClassicGroup('c', 0);
  consumer.protocolType = 'consumer';
  consumer.currentStateTimestamp = 50_000;
  assert.equal(expiredOffsets(consumer, offsets, 100_000, 60_000).length, 0, 'the group emptied 50 s ago');
  assert.equal(expiredOffsets(consumer, offsets, 110_000, 60_000).length, 1);
  consumer.state = 'Stable';
  assert.equal(expiredOffsets(consumer, offsets, 10_000_000, 60_000).length, 0, 'never while members are there');
});

test('group state transitions follow Kafka', () => {
  assert.ok(canTransition('Empty', 'PreparingRebalance'));
  assert.ok(canTransition('PreparingRebalance', 'CompletingRebalance'));
  assert.ok(canTransition('CompletingRebalance', 'Stable'));
  assert.ok(canTransition('Stable', 'PreparingRebalance'));
  assert.ok(!canTransition('Empty', 'Stable'));
  assert.ok(!canTransition('Dead', 'Empty'));
});
