// The group APIs in raw frames, for the answers no client library exposes directly: Kafka's error
// codes for each misstep, batched FindCoordinator/LeaveGroup/OffsetFetch forms, OffsetDelete, and
// the __consumer_offsets records themselves (Kafka's key/value layout, Kafka's partition choice).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/protocol/errors.js';
import { apis, dataStructures } from '../../src/protocol/messages/index.js';
import { encodeMessage } from '../../src/protocol/primitives/codec.js';
import { readRecords } from '../../src/protocol/records/record-reader.js';
import { forEachBatch } from '../../src/protocol/records/batch-header.js';
import { offsetsPartitionFor } from '../../src/broker/groups/offsets-partitioner.js';
import { decodeGroupValue, decodeKey, decodeOffsetValue } from '../../src/broker/groups/offsets-record-codec.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from './data-path-helpers.js';
import { createTopic } from './groups/fixtures.js';
import { rawJoin, rawSync } from './groups/raw-members.js';

let b: TestBroker;
let raw: RawClient;
before(async () => {
  b = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '1000' } });
  await createTopic(b.bootstrap, 'rt', 2);
  raw = await RawClient.open(b.port);
});
after(async () => {
  raw.close();
  await b.close();
});

function subscription(topics: string[]): Buffer {
  const body = encodeMessage(dataStructures.ConsumerProtocolSubscription.codec, { topics, userData: null, ownedPartitions: [], generationId: -1, rackId: null }, 0);
  return Buffer.concat([Buffer.from([0, 0]), body]);
}

test('FindCoordinator: single key (v3), batched keys (v4+), transaction and unknown key types', async () => {
  const one = await raw.request(apis.FindCoordinator, 3, { key: 'g', keyType: 0, coordinatorKeys: [] });
  assert.deepEqual([one.errorCode, one.nodeId, one.port], [0, 0, b.port]);
  const many = await raw.request(apis.FindCoordinator, 4, { key: '', keyType: 0, coordinatorKeys: ['a', 'b'] });
  assert.deepEqual(many.coordinators.map((c) => [c.key, c.errorCode, c.port]), [['a', 0, b.port], ['b', 0, b.port]]);
  const txn = await raw.request(apis.FindCoordinator, 4, { key: '', keyType: 1, coordinatorKeys: ['tx'] });
  assert.deepEqual([txn.coordinators[0]!.errorCode, txn.coordinators[0]!.port], [ErrorCode.NONE, b.port]);
  const share = await raw.request(apis.FindCoordinator, 6, { key: '', keyType: 2, coordinatorKeys: ['s'] });
  assert.equal(share.coordinators[0]!.errorCode, ErrorCode.INVALID_REQUEST);
});

test('JoinGroup: MEMBER_ID_REQUIRED (v4+), INVALID_SESSION_TIMEOUT, INCONSISTENT_GROUP_PROTOCOL, UNKNOWN_MEMBER_ID', async () => {
  const base = { groupId: 'jg', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 5000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], reason: null };
  const first = await raw.request(apis.JoinGroup, 4, base);
  assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  assert.ok(first.memberId.startsWith('raw-'));
  const joined = await raw.request(apis.JoinGroup, 4, { ...base, memberId: first.memberId });
  assert.deepEqual([joined.errorCode, joined.generationId, joined.leader, joined.members.length], [0, 1, first.memberId, 1]);
  assert.equal((await raw.request(apis.JoinGroup, 4, { ...base, sessionTimeoutMs: 10 })).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
  assert.equal((await raw.request(apis.JoinGroup, 2, { ...base, protocols: [{ name: 'other', metadata: Buffer.alloc(0) }] })).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  assert.equal((await raw.request(apis.JoinGroup, 4, { ...base, groupId: 'nope', memberId: 'ghost' })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
});

test('Heartbeat and SyncGroup: UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, INCONSISTENT_GROUP_PROTOCOL, REBALANCE_IN_PROGRESS', async () => {
  const a = await rawJoin(raw, 'hb');
  const sync = await rawSync(raw, 'hb', a, [{ memberId: a.memberId, assignment: Buffer.from('A') }]);
  assert.deepEqual([sync.errorCode, sync.protocolName, sync.assignment.toString()], [0, 'range', 'A']);
  const hb = (memberId: string, generationId: number) => raw.request(apis.Heartbeat, 4, { groupId: 'hb', generationId, memberId, groupInstanceId: null }).then((r) => r.errorCode);
  assert.equal(await hb(a.memberId, a.generationId), ErrorCode.NONE);
  assert.equal(await hb('ghost', a.generationId), ErrorCode.UNKNOWN_MEMBER_ID);
  assert.equal(await hb(a.memberId, a.generationId + 5), ErrorCode.ILLEGAL_GENERATION);
  const wrongProtocol = await raw.request(apis.SyncGroup, 5, { groupId: 'hb', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'roundrobin', assignments: [] });
  assert.equal(wrongProtocol.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  // A second member's join (another connection: it waits for the first to rejoin) starts a rebalance.
  const other = await RawClient.open(b.port);
  try {
    const joining = rawJoin(other, 'hb');
    let code: number;
    do code = await hb(a.memberId, a.generationId);
    while (code === ErrorCode.NONE);
    assert.equal(code, ErrorCode.REBALANCE_IN_PROGRESS);
    const [a2, c] = await Promise.all([rawJoin(raw, 'hb', { memberId: a.memberId }), joining]);
    assert.equal(a2.generationId, a.generationId + 1);
    assert.equal(c.generationId, a2.generationId);
    assert.equal(a2.members.length + c.members.length, 2, 'only the leader gets the member list');
    assert.equal((await rawSync(raw, 'hb', a, [])).errorCode, ErrorCode.ILLEGAL_GENERATION);
  } finally {
    other.close();
  }
});

test('static membership: a new member with the same group.instance.id fences the old one (FENCED_INSTANCE_ID)', async () => {
  const a = await rawJoin(raw, 'st', { instanceId: 'i-1' });
  assert.equal((await rawSync(raw, 'st', a, [{ memberId: a.memberId, assignment: Buffer.from('mine') }], 'i-1')).errorCode, 0);
  const replaced = await rawJoin(raw, 'st', { instanceId: 'i-1' });
  assert.equal(replaced.errorCode, 0);
  assert.notEqual(replaced.memberId, a.memberId);
  assert.equal(replaced.generationId, a.generationId, 'no rebalance');
  const again = await rawSync(raw, 'st', replaced, [], 'i-1');
  assert.equal(again.assignment.toString(), 'mine');
  const old = await raw.request(apis.Heartbeat, 4, { groupId: 'st', generationId: a.generationId, memberId: a.memberId, groupInstanceId: 'i-1' });
  assert.equal(old.errorCode, ErrorCode.FENCED_INSTANCE_ID);
  const leave = await raw.request(apis.LeaveGroup, 5, { groupId: 'st', memberId: '', members: [{ memberId: a.memberId, groupInstanceId: 'i-1', reason: null }, { memberId: '', groupInstanceId: 'i-2', reason: null }] });
  assert.deepEqual(leave.members.map((m) => m.errorCode), [ErrorCode.FENCED_INSTANCE_ID, ErrorCode.UNKNOWN_MEMBER_ID]);
  const leave2 = await raw.request(apis.LeaveGroup, 5, { groupId: 'st', memberId: '', members: [{ memberId: '', groupInstanceId: 'i-1', reason: 'done' }] });
  assert.deepEqual(leave2.members.map((m) => m.errorCode), [0]);
  assert.equal(b.broker.state.groups.groups.get('st')!.state, 'Empty');
});

test('OffsetCommit: simple commits, generation checks, unknown partitions, oversized metadata', async () => {
  const commit = (groupId: string, generation: number, memberId: string, partition: number, metadata: string | null = 'm') =>
    raw.request(apis.OffsetCommit, 8, { groupId, generationIdOrMemberEpoch: generation, memberId, groupInstanceId: null, topics: [{ name: 'rt', partitions: [{ partitionIndex: partition, committedOffset: 3n, committedLeaderEpoch: 2, committedMetadata: metadata }] }] }).then((r) => r.topics[0]!.partitions[0]!.errorCode);
  assert.equal(await commit('simple', -1, '', 0), 0);
  assert.equal(await commit('absent', 4, 'x', 0), ErrorCode.ILLEGAL_GENERATION);
  assert.equal(await commit('simple', -1, '', 9), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  assert.equal(await commit('simple', -1, '', 1, 'x'.repeat(5000)), ErrorCode.OFFSET_METADATA_TOO_LARGE);
  const m = await rawJoin(raw, 'oc');
  await rawSync(raw, 'oc', m, []);
  assert.equal(await commit('oc', m.generationId, m.memberId, 1), 0);
  assert.equal(await commit('oc', m.generationId + 1, m.memberId, 1), ErrorCode.ILLEGAL_GENERATION);
  assert.equal(await commit('oc', m.generationId, 'ghost', 1), ErrorCode.UNKNOWN_MEMBER_ID);
  assert.equal(await commit('oc', -1, '', 1), ErrorCode.UNKNOWN_MEMBER_ID, 'a simple commit to a group with members');
  const v0 = await raw.request(apis.OffsetCommit, 0, { groupId: 'simple-v0', topics: [{ name: 'rt', partitions: [{ partitionIndex: 1, committedOffset: 9n, committedMetadata: null }] }] });
  assert.equal(v0.topics[0]!.partitions[0]!.errorCode, 0);
});

test('OffsetFetch: v1 single group, v8 many groups and all partitions, missing partitions answer -1', async () => {
  await raw.request(apis.OffsetCommit, 2, { groupId: 'of', generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n, topics: [{ name: 'rt', partitions: [{ partitionIndex: 1, committedOffset: 42n, committedMetadata: 'meta' }] }] });
  const v1 = await raw.request(apis.OffsetFetch, 1, { groupId: 'of', topics: [{ name: 'rt', partitionIndexes: [0, 1] }] });
  assert.deepEqual(v1.topics[0]!.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata]), [[0, -1n, ''], [1, 42n, 'meta']]);
  const v8 = await raw.request(apis.OffsetFetch, 8, {
    groups: [
      { groupId: 'of', memberId: null, memberEpoch: -1, topics: null },
      { groupId: 'never', memberId: null, memberEpoch: -1, topics: [{ name: 'rt', partitionIndexes: [0] }] },
    ],
    requireStable: false,
  });
  assert.deepEqual(v8.groups.map((g) => [g.groupId, g.errorCode, g.topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.committedOffset, p.committedLeaderEpoch]))]), [
    ['of', 0, [['rt', 1, 42n, -1]]],
    ['never', 0, [['rt', 0, -1n, -1]]],
  ]);
});

test('OffsetDelete: refuses subscribed topics, deletes others, GROUP_ID_NOT_FOUND for unknown groups', async () => {
  await createTopic(b.bootstrap, 'rt-other', 1);
  const m = await rawJoin(raw, 'od', { metadata: subscription(['rt']) });
  await rawSync(raw, 'od', m, []);
  await raw.request(apis.OffsetCommit, 8, {
    groupId: 'od', generationIdOrMemberEpoch: m.generationId, memberId: m.memberId, groupInstanceId: null,
    topics: [{ name: 'rt', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }, { name: 'rt-other', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }],
  });
  const del = await raw.request(apis.OffsetDelete, 0, { groupId: 'od', topics: [{ name: 'rt', partitions: [{ partitionIndex: 0 }] }, { name: 'rt-other', partitions: [{ partitionIndex: 0 }] }] });
  assert.equal(del.errorCode, 0);
  assert.deepEqual(del.topics.map((t) => [t.name, t.partitions[0]!.errorCode]), [['rt', ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC], ['rt-other', 0]]);
  const left = await raw.request(apis.OffsetFetch, 8, { groups: [{ groupId: 'od', memberId: null, memberEpoch: -1, topics: null }], requireStable: false });
  assert.deepEqual(left.groups[0]!.topics.map((t) => t.name), ['rt']);
  assert.equal((await raw.request(apis.OffsetDelete, 0, { groupId: 'ghost-group', topics: [] })).errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
});

test('ListGroups filters, DescribeGroups of unknown groups, DeleteGroups errors, LeaveGroup v0', async () => {
  const m = await rawJoin(raw, 'lg-live');
  await rawSync(raw, 'lg-live', m, [{ memberId: m.memberId, assignment: Buffer.from('x') }]);
  const empty = await raw.request(apis.ListGroups, 4, { statesFilter: ['empty'], typesFilter: [] });
  assert.ok(empty.groups.every((g) => g.groupState === 'Empty'));
  const stable = await raw.request(apis.ListGroups, 5, { statesFilter: ['Stable'], typesFilter: ['classic'] });
  assert.ok(stable.groups.some((g) => g.groupId === 'lg-live' && g.groupType === 'classic'));
  assert.equal((await raw.request(apis.ListGroups, 5, { statesFilter: [], typesFilter: ['consumer'] })).groups.length, 0);
  const described = await raw.request(apis.DescribeGroups, 5, { groups: ['lg-live', 'unknown'], includeAuthorizedOperations: false });
  assert.deepEqual(described.groups.map((g) => [g.groupId, g.groupState, g.protocolData]), [['lg-live', 'Stable', 'range'], ['unknown', 'Dead', '']]);
  assert.equal(described.groups[0]!.members[0]!.memberAssignment.toString(), 'x');
  const del = await raw.request(apis.DeleteGroups, 2, { groupsNames: ['lg-live', 'unknown'] });
  assert.deepEqual(del.results.map((r) => r.errorCode), [ErrorCode.NON_EMPTY_GROUP, ErrorCode.GROUP_ID_NOT_FOUND]);
  const leave = await raw.request(apis.LeaveGroup, 0, { groupId: 'lg-live', memberId: m.memberId, members: [] });
  assert.equal(leave.errorCode, 0);
  assert.equal((await raw.request(apis.DeleteGroups, 2, { groupsNames: ['lg-live'] })).results[0]!.errorCode, 0);
});

test('__consumer_offsets holds Kafka-format records in the partition Kafka would choose', async () => {
  await raw.request(apis.OffsetCommit, 8, { groupId: 'fmt', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'rt', partitions: [{ partitionIndex: 1, committedOffset: 77n, committedLeaderEpoch: 4, committedMetadata: 'md' }] }] });
  const m = await rawJoin(raw, 'fmt-g');
  await rawSync(raw, 'fmt-g', m, [{ memberId: m.memberId, assignment: Buffer.from('as') }]);
  const read = async (group: string) => {
    const log = b.broker.state.logs.getLog('__consumer_offsets', offsetsPartitionFor(group, 50))!;
    const r = await log.read(0, 1 << 20, { upTo: 'log-end' });
    assert.equal(r.kind, 'records');
    const out: ReturnType<typeof readRecords> = [];
    for (const chunk of r.kind === 'records' ? r.chunks : []) forEachBatch(chunk, 0, chunk.length, (pos) => out.push(...readRecords(chunk, pos)));
    return out;
  };
  const offsetRecords = (await read('fmt')).filter((r) => decodeKey(r.key!)?.group === 'fmt');
  assert.equal(offsetRecords[0]!.key!.readInt16BE(0), 1, 'OffsetCommitKey version 1');
  assert.deepEqual(decodeKey(offsetRecords[0]!.key!), { kind: 'offset', group: 'fmt', topic: 'rt', partition: 1 });
  const value = decodeOffsetValue(offsetRecords[0]!.value!);
  assert.equal(offsetRecords[0]!.value!.readInt16BE(0), 3, 'OffsetCommitValue version 3');
  assert.deepEqual([value.offset, value.leaderEpoch, value.metadata], [77n, 4, 'md']);
  const groupRecords = (await read('fmt-g')).filter((r) => r.key!.readInt16BE(0) === 2);
  const g = decodeGroupValue(groupRecords.at(-1)!.value!);
  assert.deepEqual([g.protocolType, g.protocol, g.leader, g.members.length, g.members[0]!.assignment.toString()], ['consumer', 'range', m.memberId, 1, 'as']);
});
