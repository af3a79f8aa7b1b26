// Limits of KIP-848 groups on the real flow (through the service, no broker): group.consumer.max.size
// (GROUP_MAX_SIZE_REACHED, a static member taking its own place back still fits), and the preferred
// server-side assignor being the one most members ask for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/protocol/errors.js';
import { AssignorRegistry } from '../../src/broker/groups/consumer/assignors/assignors.js';
import { ConsumerGroupService } from '../../src/broker/groups/consumer/consumer-group-service.js';
import { consumerGroupHeartbeat, type HeartbeatRequest } from '../../src/broker/groups/consumer/heartbeat-flow.js';
import type { TopicsView } from '../../src/broker/groups/consumer/topic-metadata.js';
import type { OffsetsTopicWriter } from '../../src/broker/groups/offsets-topic.js';
import { memoryLogger } from '../../src/util/logger.js';

const TOPIC_ID = Buffer.alloc(16, 3).toString('base64url');
const topics: TopicsView = {
  byName: (n) => (n === 't' ? { id: TOPIC_ID, name: 't', partitions: 4 } : undefined),
  byId: (id) => (id === TOPIC_ID ? { id, name: 't', partitions: 4 } : undefined),
  names: () => ['t'],
  racks: () => new Set(),
};

function service(maxSize: number): ConsumerGroupService {
  const writer = { write: () => Promise.resolve() } as unknown as OffsetsTopicWriter;
  return new ConsumerGroupService({
    logger: memoryLogger('error').logger,
    topics,
    assignors: new AssignorRegistry(['uniform', 'range']),
    writer: () => writer,
    classic: { get: () => undefined, drop: () => undefined, adopt: () => undefined },
    settings: { sessionTimeoutMs: () => 60_000, heartbeatIntervalMs: () => 5000, assignmentIntervalMs: () => 0, maxSize, classicMaxSize: 10, migrationPolicy: 'bidirectional', regexRefreshIntervalMs: 600_000 },
  });
}

function send(s: ConsumerGroupService, req: Partial<HeartbeatRequest> & { memberId: string }) {
  const full: HeartbeatRequest = { groupId: 'g', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30_000, subscribedTopicNames: ['t'], subscribedTopicRegex: null, serverAssignor: null, topicPartitions: [], clientId: 'c', clientHost: '/h', ...req };
  return s.run('g', (op) => consumerGroupHeartbeat(s, op, full), (errorCode, errorMessage) => ({ errorCode, errorMessage, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null }));
}

test('group.consumer.max.size: GROUP_MAX_SIZE_REACHED for a new member, not for a static member coming back', async () => {
  const s = service(2);
  try {
    assert.equal((await send(s, { memberId: 'a', instanceId: 'i-a' })).errorCode, ErrorCode.NONE);
    assert.equal((await send(s, { memberId: 'b' })).errorCode, ErrorCode.NONE);
    const third = await send(s, { memberId: 'c' });
    assert.deepEqual([third.errorCode, third.errorMessage], [ErrorCode.GROUP_MAX_SIZE_REACHED, 'The consumer group has reached its maximum capacity of 2 members.']);
    const epoch = s.consumerGroup('g')!.members.get('a')!.memberEpoch;
    await s.run('g', (op) => consumerGroupHeartbeat(s, op, { groupId: 'g', memberId: 'a', memberEpoch: -2, instanceId: 'i-a', rackId: null, rebalanceTimeoutMs: -1, subscribedTopicNames: null, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: null, clientId: 'c', clientHost: '/h' }), () => null);
    const back = await send(s, { memberId: 'a2', instanceId: 'i-a' });
    assert.equal(back.errorCode, ErrorCode.NONE, 'the static member takes its own place back');
    assert.ok(back.memberEpoch >= epoch);
  } finally {
    s.close();
  }
});

test('the server-side assignor is the one most members ask for; the first configured one by default', async () => {
  const s = service(10);
  try {
    await send(s, { memberId: 'a' });
    assert.equal(s.consumerGroup('g')!.preferredServerAssignor() ?? s.assignors.defaultName, 'uniform');
    await send(s, { memberId: 'b', serverAssignor: 'range' });
    assert.equal(s.consumerGroup('g')!.preferredServerAssignor(), 'range');
    assert.equal(s.consumerGroup('g')!.groupEpoch, 3, 'a new preferred assignor bumps the group epoch');
  } finally {
    s.close();
  }
});
