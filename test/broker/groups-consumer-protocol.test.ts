// KIP-848 consumer groups in raw frames: each step of a join, the revoke-before-reassign dance of
// incremental reconciliation with its exact epochs, leaving, fencing, static members, offsets with
// member epochs, the admin APIs over both kinds of group, and the state surviving a restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/protocol/errors.js';
import { apis } from '../../src/protocol/messages/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from './data-path-helpers.js';
import { createTopic } from './groups/fixtures.js';
import { heartbeat, leave, ownedPartitions, wireMember } from './groups/consumer-wire.js';

const CONFIG = { 'group.consumer.assignment.interval.ms': '0', 'group.consumer.min.session.timeout.ms': '1000', 'group.consumer.session.timeout.ms': '30000' };
let b: TestBroker;
let raw: RawClient;

before(async () => {
  b = await startTestBroker({ config: CONFIG });
  await createTopic(b.bootstrap, 'kt', 4);
  raw = await RawClient.open(b.port);
});
after(async () => {
  raw.close();
  await b.close();
});

async function describe(groupId: string) {
  const res = await raw.request(apis.ConsumerGroupDescribe, 1, { groupIds: [groupId], includeAuthorizedOperations: false });
  return res.groups[0]!;
}

test('join, then a second member: partitions are revoked from the first before the second gets them', async () => {
  const a = wireMember('g1');
  const first = await heartbeat(raw, a, { topics: ['kt'] });
  assert.equal(first.errorCode, ErrorCode.NONE);
  assert.equal(first.memberEpoch, 2, 'a new group starts at epoch 1; the first join computes epoch 2');
  assert.equal(first.heartbeatIntervalMs, 5000);
  assert.deepEqual(ownedPartitions(a), [0, 1, 2, 3]);
  assert.equal((await describe('g1')).groupState, 'Stable');

  const c = wireMember('g1');
  const joined = await heartbeat(raw, c, { topics: ['kt'] });
  assert.equal(joined.memberEpoch, 3);
  assert.deepEqual(ownedPartitions(c), [], 'nothing yet: a still owns its target partitions');
  assert.equal((await describe('g1')).groupState, 'Reconciling');

  // a learns it must give up two partitions; its epoch stays until it has.
  const revoke = await heartbeat(raw, a);
  assert.equal(revoke.memberEpoch, 2);
  const kept = ownedPartitions(a);
  assert.equal(kept.length, 2);
  const describedA = (await describe('g1')).members.find((m) => m.memberId === a.memberId)!;
  assert.equal(describedA.assignment.topicPartitions[0]!.partitions.length, 4, 'pending revocation still counts as owned');
  // c asks again: the partitions are not released yet.
  await heartbeat(raw, c);
  assert.deepEqual(ownedPartitions(c), []);
  // a acknowledges (owns only what it kept): it moves to epoch 3, and c gets the rest.
  assert.equal((await heartbeat(raw, a)).memberEpoch, 3);
  await heartbeat(raw, c);
  assert.deepEqual([...ownedPartitions(a), ...ownedPartitions(c)].sort(), [0, 1, 2, 3]);
  assert.equal(ownedPartitions(c).length, 2);
  const d = await describe('g1');
  assert.deepEqual([d.groupState, d.groupEpoch, d.assignmentEpoch, d.assignorName], ['Stable', 3, 3, 'uniform']);
  assert.deepEqual(d.members.map((m) => m.memberEpoch), [3, 3]);

  // c leaves: the group epoch moves, a takes everything back.
  assert.equal((await leave(raw, c)).errorCode, ErrorCode.NONE);
  await heartbeat(raw, a);
  assert.equal(a.epoch, 4);
  assert.deepEqual(ownedPartitions(a), [0, 1, 2, 3]);
});

test('fencing: an unknown or too new epoch is FENCED_MEMBER_EPOCH; a bad request is INVALID_REQUEST', async () => {
  const a = wireMember('g2');
  await heartbeat(raw, a, { topics: ['kt'] });
  assert.equal((await heartbeat(raw, a, { epoch: a.epoch + 5 })).errorCode, ErrorCode.FENCED_MEMBER_EPOCH);
  assert.equal((await heartbeat(raw, wireMember('g2'), { epoch: 7 })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  assert.equal((await heartbeat(raw, wireMember('no-such-group'), { epoch: 7 })).errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
  const noTimeout = await raw.request(apis.ConsumerGroupHeartbeat, 1, {
    groupId: 'g2',
    memberId: 'x',
    memberEpoch: 0,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: -1,
    subscribedTopicNames: ['kt'],
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: [],
  });
  assert.equal(noTimeout.errorCode, ErrorCode.INVALID_REQUEST);
  assert.match(noTimeout.errorMessage ?? '', /RebalanceTimeoutMs/);
  assert.equal((await heartbeat(raw, wireMember('g2'), { topics: ['kt'], assignor: 'sticky' })).errorCode, ErrorCode.UNSUPPORTED_ASSIGNOR);
  assert.equal((await heartbeat(raw, wireMember('g2'), { topics: null, regex: '(unclosed' })).errorCode, ErrorCode.INVALID_REGULAR_EXPRESSION);
});

test('offsets: member epochs instead of generations (STALE_MEMBER_EPOCH, UNKNOWN_MEMBER_ID, v9 required)', async () => {
  const a = wireMember('g3');
  await heartbeat(raw, a, { topics: ['kt'] });
  const commit = (version: number, memberId: string, epoch: number, partition = 0) =>
    raw.request(apis.OffsetCommit, version, {
      groupId: 'g3',
      generationIdOrMemberEpoch: epoch,
      memberId,
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [{ name: 'kt', topicId: '', partitions: [{ partitionIndex: partition, committedOffset: 5n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null }] }],
    });
  const code = (r: Awaited<ReturnType<typeof commit>>) => r.topics[0]!.partitions[0]!.errorCode;
  assert.equal(code(await commit(9, a.memberId, a.epoch)), ErrorCode.NONE);
  assert.equal(code(await commit(9, a.memberId, a.epoch + 1)), ErrorCode.STALE_MEMBER_EPOCH);
  assert.equal(code(await commit(9, 'ghost', a.epoch)), ErrorCode.UNKNOWN_MEMBER_ID);
  assert.equal(code(await commit(8, a.memberId, a.epoch)), ErrorCode.UNSUPPORTED_VERSION);
  assert.equal(code(await commit(9, '', -1)), ErrorCode.UNKNOWN_MEMBER_ID, 'an admin commit needs an empty group');
  const fetched = await raw.request(apis.OffsetFetch, 9, { groupId: '', topics: [], groups: [{ groupId: 'g3', memberId: a.memberId, memberEpoch: a.epoch, topics: null }], requireStable: false });
  assert.deepEqual([fetched.groups[0]!.errorCode, fetched.groups[0]!.topics[0]!.partitions[0]!.committedOffset], [ErrorCode.NONE, 5n]);
  const stale = await raw.request(apis.OffsetFetch, 9, { groupId: '', topics: [], groups: [{ groupId: 'g3', memberId: a.memberId, memberEpoch: a.epoch - 1, topics: null }], requireStable: false });
  assert.equal(stale.groups[0]!.errorCode, ErrorCode.STALE_MEMBER_EPOCH);
});

test('ListGroups and DeleteGroups cover consumer groups; DescribeGroups leaves them to ConsumerGroupDescribe', async () => {
  const a = wireMember('g4');
  await heartbeat(raw, a, { topics: ['kt'] });
  const listed = await raw.request(apis.ListGroups, 5, { statesFilter: [], typesFilter: ['consumer'] });
  const g4 = listed.groups.find((g) => g.groupId === 'g4')!;
  assert.deepEqual([g4.groupType, g4.protocolType, g4.groupState], ['consumer', 'consumer', 'Stable']);
  assert.ok(!(await raw.request(apis.ListGroups, 5, { statesFilter: [], typesFilter: ['classic'] })).groups.some((g) => g.groupId === 'g4'));
  assert.ok((await raw.request(apis.ListGroups, 5, { statesFilter: ['STABLE'], typesFilter: [] })).groups.some((g) => g.groupId === 'g4'));
  const classicView = await raw.request(apis.DescribeGroups, 5, { groups: ['g4'], includeAuthorizedOperations: false });
  assert.equal(classicView.groups[0]!.groupState, 'Dead');
  assert.equal((await raw.request(apis.DeleteGroups, 2, { groupsNames: ['g4'] })).results[0]!.errorCode, ErrorCode.NON_EMPTY_GROUP);
  await leave(raw, a);
  assert.equal((await describe('g4')).groupState, 'Empty');
  assert.equal((await raw.request(apis.DeleteGroups, 2, { groupsNames: ['g4'] })).results[0]!.errorCode, ErrorCode.NONE);
  assert.equal((await describe('g4')).errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
});

test('static member: leaving with epoch -2 keeps its partitions for its instance id; a restart takes them over', async () => {
  const a = wireMember('g5', 'instance-a');
  const c = wireMember('g5', 'instance-c');
  await heartbeat(raw, a, { topics: ['kt'] });
  await heartbeat(raw, c, { topics: ['kt'] });
  for (let i = 0; i < 4; i++) {
    await heartbeat(raw, a);
    await heartbeat(raw, c);
  }
  const mine = ownedPartitions(a);
  assert.equal(mine.length, 2);
  const epoch = (await describe('g5')).groupEpoch;
  assert.equal((await leave(raw, a, -2)).memberEpoch, -2);
  const again = wireMember('g5', 'instance-a');
  const back = await heartbeat(raw, again, { topics: ['kt'] });
  assert.equal(back.errorCode, ErrorCode.NONE);
  assert.deepEqual(ownedPartitions(again), mine, 'the same partitions, without a rebalance');
  assert.equal((await describe('g5')).groupEpoch, epoch, 'the group epoch did not move');
  const other = wireMember('g5', 'instance-a');
  assert.equal((await heartbeat(raw, other, { topics: ['kt'] })).errorCode, ErrorCode.UNRELEASED_INSTANCE_ID);
});

test('the group, its members and their epochs survive a restart', async () => {
  const a = wireMember('g6');
  await heartbeat(raw, a, { topics: ['kt'] });
  const before = await describe('g6');
  raw.close();
  b = await b.restart();
  raw = await RawClient.open(b.port);
  const after = await describe('g6');
  assert.deepEqual(
    [after.groupState, after.groupEpoch, after.assignmentEpoch, after.members.map((m) => [m.memberId, m.memberEpoch, m.assignment.topicPartitions[0]!.partitions])],
    [before.groupState, before.groupEpoch, before.assignmentEpoch, before.members.map((m) => [m.memberId, m.memberEpoch, m.assignment.topicPartitions[0]!.partitions])],
  );
  assert.equal((await heartbeat(raw, a)).errorCode, ErrorCode.NONE, 'the member goes on heartbeating after the restart');
});

test('one kind of group per id: a share group id refuses the consumer and classic protocols and their offsets', async () => {
  const share = await raw.request(apis.ShareGroupHeartbeat, 1, { groupId: 'g7', memberId: 'share-member-1', memberEpoch: 0, rackId: null, subscribedTopicNames: ['kt'] });
  assert.equal(share.errorCode, ErrorCode.NONE);
  const consumer = await heartbeat(raw, wireMember('g7'), { topics: ['kt'] });
  assert.deepEqual([consumer.errorCode, consumer.errorMessage], [ErrorCode.GROUP_ID_NOT_FOUND, 'Group g7 is not a consumer group.']);
  const join = await raw.request(apis.JoinGroup, 5, { groupId: 'g7', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 5000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], reason: null });
  assert.equal(join.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  const commit = await raw.request(apis.OffsetCommit, 9, {
    groupId: 'g7',
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: [{ name: 'kt', topicId: '', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null }] }],
  });
  assert.equal(commit.topics[0]!.partitions[0]!.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
  // And the other way: a consumer group's id is not a share group.
  const a = wireMember('g8');
  await heartbeat(raw, a, { topics: ['kt'] });
  assert.equal((await raw.request(apis.ShareGroupHeartbeat, 1, { groupId: 'g8', memberId: 'share-member-2', memberEpoch: 0, rackId: null, subscribedTopicNames: ['kt'] })).errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
  const types = (await raw.request(apis.ListGroups, 5, { statesFilter: [], typesFilter: ['share', 'CONSUMER'] })).groups;
  assert.deepEqual(types.filter((g) => g.groupId === 'g7' || g.groupId === 'g8').map((g) => [g.groupId, g.groupType]).sort(), [['g7', 'share'], ['g8', 'consumer']]);
  const v6 = await raw.request(apis.DescribeGroups, 6, { groups: ['g8'], includeAuthorizedOperations: false });
  assert.deepEqual([v6.groups[0]!.errorCode, v6.groups[0]!.errorMessage], [ErrorCode.GROUP_ID_NOT_FOUND, 'Group g8 is not a classic group.']);
});

/** Polls until `cond` holds (a wait on state, bounded so a hang fails the test). */
async function waitFor(what: string, cond: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('rebalance timeout: a member that does not revoke in time is fenced, and its partitions move on', async () => {
  const a = wireMember('g9');
  await heartbeat(raw, a, { topics: ['kt'], rebalanceTimeoutMs: 1000 });
  const c = wireMember('g9');
  await heartbeat(raw, c, { topics: ['kt'] });
  await heartbeat(raw, a); // a is told to revoke two partitions, and never acknowledges
  assert.equal((await describe('g9')).members.length, 2);
  await waitFor('a to be fenced', async () => (await describe('g9')).members.length === 1);
  await heartbeat(raw, c);
  assert.deepEqual(ownedPartitions(c), [0, 1, 2, 3]);
  assert.equal((await heartbeat(raw, a)).errorCode, ErrorCode.UNKNOWN_MEMBER_ID, 'the fenced member must rejoin');
});

test('a classic member in a consumer group: JoinGroup is its heartbeat, SyncGroup hands its partitions, Heartbeat asks it to rejoin', async () => {
  const a = wireMember('g10');
  await heartbeat(raw, a, { topics: ['kt'] });
  const metadata = Buffer.concat([Buffer.from([0, 0]), Buffer.from([0, 0, 0, 1, 0, 2]), Buffer.from('kt'), Buffer.from([0xff, 0xff, 0xff, 0xff])]);
  const body = { groupId: 'g10', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata }], reason: null };
  const first = await raw.request(apis.JoinGroup, 5, body);
  assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  const joined = await raw.request(apis.JoinGroup, 5, { ...body, memberId: first.memberId });
  assert.deepEqual([joined.errorCode, joined.protocolName, joined.leader, joined.members.length], [ErrorCode.NONE, 'range', '', 0]);
  const d = await describe('g10');
  assert.deepEqual(d.members.map((m) => m.memberType).sort(), [0, 1], 'one classic member, one consumer-protocol member');
  // The classic member waits for a's partitions: its heartbeat says rejoin once a released them.
  await heartbeat(raw, a);
  await heartbeat(raw, a);
  const hb = await raw.request(apis.Heartbeat, 4, { groupId: 'g10', generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null });
  assert.equal(hb.errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
  const again = await raw.request(apis.JoinGroup, 5, { ...body, memberId: joined.memberId });
  const sync = await raw.request(apis.SyncGroup, 5, { groupId: 'g10', generationId: again.generationId, memberId: joined.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] });
  assert.equal(sync.errorCode, ErrorCode.NONE);
  assert.ok(sync.assignment.length > 2 && sync.assignment.includes(Buffer.from('kt')), 'a consumer-protocol assignment of topic kt');
  assert.equal((await raw.request(apis.Heartbeat, 4, { groupId: 'g10', generationId: again.generationId, memberId: joined.memberId, groupInstanceId: null })).errorCode, ErrorCode.NONE);
  // The consumer-protocol member leaves: only the classic member remains, so the group becomes classic again.
  await leave(raw, a);
  const classic = await raw.request(apis.DescribeGroups, 5, { groups: ['g10'], includeAuthorizedOperations: false });
  assert.deepEqual([classic.groups[0]!.groupState, classic.groups[0]!.members.map((m) => m.memberId)], ['PreparingRebalance', [joined.memberId]]);
});
