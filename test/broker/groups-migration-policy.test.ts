// group.consumer.migration.policy other than bidirectional, in raw frames: `disabled` refuses to
// upgrade a non-empty classic group (GROUP_ID_NOT_FOUND, Kafka's sentence) and a classic member joining a
// consumer group (INCONSISTENT_GROUP_PROTOCOL), but still converts an empty classic group; `upgrade`
// lets a classic member into a consumer group and keeps the group a consumer group when the last
// consumer-protocol member leaves (no downgrade). The bidirectional paths are in
// groups-consumer-protocol.test.ts and the Java/Python interop scenarios.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/protocol/errors.js';
import { apis } from '../../src/protocol/messages/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from './data-path-helpers.js';
import { createTopic } from './groups/fixtures.js';
import { heartbeat, leave, wireMember } from './groups/consumer-wire.js';

const open: { b: TestBroker; raw: RawClient }[] = [];
after(async () => {
  for (const { b, raw } of open) {
    raw.close();
    await b.close();
  }
});

async function broker(policy: string): Promise<RawClient> {
  const b = await startTestBroker({
    config: { 'group.consumer.migration.policy': policy, 'group.consumer.assignment.interval.ms': '0', 'group.initial.rebalance.delay.ms': '0' },
  });
  await createTopic(b.bootstrap, 'mt', 4);
  const raw = await RawClient.open(b.port);
  open.push({ b, raw });
  return raw;
}

// A classic consumer's subscription (ConsumerProtocolSubscription v0: one topic "mt", no user data).
const SUBSCRIPTION = Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 1, 0, 2]), Buffer.from('mt'), Buffer.from([0xff, 0xff, 0xff, 0xff])]);

function joinBody(groupId: string, memberId: string) {
  return { groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId, groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: SUBSCRIPTION }], reason: null };
}

/** A classic member joins (KIP-394: first asked for its member id); returns the second JoinGroup answer. */
async function classicJoin(raw: RawClient, groupId: string) {
  const first = await raw.request(apis.JoinGroup, 5, joinBody(groupId, ''));
  assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  return raw.request(apis.JoinGroup, 5, joinBody(groupId, first.memberId));
}

test('disabled: no online upgrade of a classic group, no classic member in a consumer group; an empty classic group still converts', async () => {
  const raw = await broker('disabled');
  const joined = await classicJoin(raw, 'classic-g');
  assert.equal(joined.errorCode, ErrorCode.NONE);
  const refused = await heartbeat(raw, wireMember('classic-g'), { topics: ['mt'] });
  assert.deepEqual(
    [refused.errorCode, refused.errorMessage],
    [ErrorCode.GROUP_ID_NOT_FOUND, 'Cannot upgrade classic group classic-g to consumer group because online upgrade is disabled.'],
  );
  const described = await raw.request(apis.DescribeGroups, 5, { groups: ['classic-g'], includeAuthorizedOperations: false });
  assert.deepEqual(described.groups[0]!.members.map((m) => m.memberId), [joined.memberId], 'the classic group is untouched');

  // Once its only member left, the classic group is empty and becomes a consumer group whatever the policy.
  const left = await raw.request(apis.LeaveGroup, 4, { groupId: 'classic-g', memberId: '', members: [{ memberId: joined.memberId, groupInstanceId: null, reason: null }] });
  assert.equal(left.errorCode, ErrorCode.NONE);
  assert.equal((await heartbeat(raw, wireMember('classic-g'), { topics: ['mt'] })).errorCode, ErrorCode.NONE);

  await heartbeat(raw, wireMember('consumer-g'), { topics: ['mt'] });
  const first = await raw.request(apis.JoinGroup, 5, joinBody('consumer-g', ''));
  assert.equal(first.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL, 'a classic member may not join a consumer group');
});

test('upgrade: a classic member joins a consumer group, and the group is not downgraded when the last consumer-protocol member leaves', async () => {
  const raw = await broker('upgrade');
  const a = wireMember('up-g');
  assert.equal((await heartbeat(raw, a, { topics: ['mt'] })).errorCode, ErrorCode.NONE);
  const joined = await classicJoin(raw, 'up-g');
  assert.equal(joined.errorCode, ErrorCode.NONE);
  assert.equal((await leave(raw, a)).errorCode, ErrorCode.NONE);
  const d = (await raw.request(apis.ConsumerGroupDescribe, 1, { groupIds: ['up-g'], includeAuthorizedOperations: false })).groups[0]!;
  assert.equal(d.errorCode, ErrorCode.NONE, 'still a consumer group');
  assert.deepEqual(
    d.members.map((m) => [m.memberId, m.memberType]),
    [[joined.memberId, 0]],
    'its one member is the classic one',
  );
});
