// The KIP-848 records of __consumer_offsets: Kafka's byte layout (checked field by field on hand-built bytes, from
// the group coordinator's ConsumerGroup*Key/Value definitions of Kafka 4.4), round trips of every record type
// (property-based), tagged fields Kafka may add being skipped, and decoding never throwing anything but DecodeError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../../src/protocol/decode-error.js';
import { decodeConsumerGroupRecord, encodeConsumerGroupRecord, isConsumerGroupRecordKey, type ConsumerGroupRecord } from '../../src/broker/groups/consumer/consumer-records.js';

const T1 = Buffer.alloc(16, 1).toString('base64url');
const T2 = Buffer.alloc(16, 2).toString('base64url');

test('ConsumerGroupMetadata: key type 3, value v0 with the metadata hash as tag 0', () => {
  const { key, value } = encodeConsumerGroupRecord({ type: 'group-epoch', groupId: 'g', value: { epoch: 7, metadataHash: 0x0102030405060708n } });
  assert.equal(key.toString('hex'), '0003' + '0001' + '67');
  // version 0, epoch int32, one tagged field: tag 0, size 8, int64
  assert.equal(value!.toString('hex'), '0000' + '00000007' + '01' + '00' + '08' + '0102030405060708');
  const zero = encodeConsumerGroupRecord({ type: 'group-epoch', groupId: 'g', value: { epoch: 2, metadataHash: 0n } });
  assert.equal(zero.value!.toString('hex'), '0000' + '00000002' + '00', 'a default hash is not written');
});

test('CurrentMemberAssignment: key type 8 (group, member), assignment epochs as tag 0 of each topic (KIP-1251)', () => {
  const { key, value } = encodeConsumerGroupRecord({
    type: 'current-assignment',
    groupId: 'g',
    memberId: 'm',
    value: { memberEpoch: 5, previousMemberEpoch: 4, state: 1, assignedPartitions: new Map([[T1, new Map([[0, 3], [2, 5]])]]), partitionsPendingRevocation: new Map() },
  });
  assert.equal(key.toString('hex'), '0008' + '0001' + '67' + '0001' + '6d');
  const hex = value!.toString('hex');
  const uuid = Buffer.from(T1, 'base64url').toString('hex');
  // v0 | epoch 5 | previous 4 | state 1 | 1 topic: uuid, 2 partitions [0, 2], tags: {0: [3, 5]} | 0 pending | no tags
  assert.equal(hex, '0000' + '00000005' + '00000004' + '01' + '02' + uuid + '03' + '00000000' + '00000002' + '01' + '00' + '09' + '03' + '00000003' + '00000005' + '01' + '00');
});

test('records without assignment epochs (Kafka before 4.3) take the member epoch, as Kafka reads them', () => {
  const uuid = Buffer.from(T1, 'base64url').toString('hex');
  const value = Buffer.from('0000' + '00000009' + '00000008' + '00' + '02' + uuid + '02' + '00000001' + '00' + '01' + '00', 'hex');
  const key = encodeConsumerGroupRecord({ type: 'current-assignment', groupId: 'g', memberId: 'm', value: null }).key;
  const r = decodeConsumerGroupRecord(key, value);
  assert.ok(r && r.type === 'current-assignment' && r.value);
  assert.deepEqual([...r.value.assignedPartitions.get(T1)!], [[1, 9]]);
});

// Plain objects (fast-check builds null-prototype ones by default, which deepEqual tells apart).
function rec<T>(shape: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(shape, { noNullPrototype: true }) as fc.Arbitrary<T>;
}
const member = fc.string({ minLength: 1, maxLength: 12 });
const assignment = fc.uniqueArray(fc.constantFrom(T1, T2), { maxLength: 2 }).chain((topics) =>
  fc.tuple(...topics.map((t) => fc.uniqueArray(fc.nat(50), { minLength: 1, maxLength: 5 }).map((ps) => [t, ps] as const))),
);
const recordArb: fc.Arbitrary<ConsumerGroupRecord> = fc.oneof(
  rec({ type: fc.constant('group-epoch' as const), groupId: member, value: fc.option(rec({ epoch: fc.nat(), metadataHash: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) })) }),
  rec({
    type: fc.constant('member-metadata' as const),
    groupId: member,
    memberId: member,
    value: fc.option(
      rec({
        instanceId: fc.option(member),
        rackId: fc.option(member),
        clientId: fc.string(),
        clientHost: fc.string(),
        subscribedTopicNames: fc.array(member, { maxLength: 3 }),
        subscribedTopicRegex: fc.option(fc.string()),
        rebalanceTimeoutMs: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
        serverAssignor: fc.option(fc.constantFrom('uniform', 'range')),
        classicMemberMetadata: fc.option(
          rec({ sessionTimeoutMs: fc.nat(), supportedProtocols: fc.array(rec({ name: member, metadata: fc.uint8Array({ maxLength: 8 }).map((u) => Buffer.from(u)) }), { maxLength: 2 }) }),
        ),
      }),
    ),
  }),
  rec({ type: fc.constant('target-metadata' as const), groupId: member, value: fc.option(rec({ assignmentEpoch: fc.nat(), assignmentTimestamp: fc.nat() })) }),
  rec({ type: fc.constant('target-member' as const), groupId: member, memberId: member, value: fc.option(assignment.map((a) => new Map(a.map(([t, ps]) => [t, new Set(ps)])))) }),
  rec({
    type: fc.constant('current-assignment' as const),
    groupId: member,
    memberId: member,
    value: fc.option(
      rec({
        memberEpoch: fc.nat(),
        previousMemberEpoch: fc.integer({ min: -1, max: 1000 }),
        state: fc.constantFrom(0, 1, 2),
        assignedPartitions: assignment.map((a) => new Map(a.map(([t, ps]) => [t, new Map(ps.map((p) => [p, p % 7]))]))),
        partitionsPendingRevocation: assignment.map((a) => new Map(a.map(([t, ps]) => [t, new Map(ps.map((p) => [p, 1]))]))),
      }),
    ),
  }),
  rec({ type: fc.constant('regex' as const), groupId: member, regex: member, value: fc.option(rec({ topics: fc.uniqueArray(member, { maxLength: 3 }).map((t) => new Set(t)), version: fc.bigInt({ min: 0n, max: 2n ** 62n }), timestamp: fc.nat() })) }),
);

test('every record type round-trips through its bytes (fast-check)', () => {
  fc.assert(
    fc.property(recordArb, (r) => {
      const { key, value } = encodeConsumerGroupRecord(r);
      assert.ok(isConsumerGroupRecordKey(key));
      assert.deepEqual(decodeConsumerGroupRecord(key, value), r);
    }),
    { numRuns: 300 },
  );
});

test('decoding arbitrary bytes throws only DecodeError', () => {
  const key = encodeConsumerGroupRecord({ type: 'current-assignment', groupId: 'g', memberId: 'm', value: null }).key;
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      try {
        decodeConsumerGroupRecord(key, Buffer.concat([Buffer.from([0, 0]), Buffer.from(bytes)]));
      } catch (e) {
        assert.ok(e instanceof DecodeError, `threw ${String(e)}`);
      }
    }),
    { numRuns: 500 },
  );
});
