// A consumer group whose records cannot be written (a failing disk): the operation is answered
// COORDINATOR_NOT_AVAILABLE and the group is rebuilt from what was durably written, so the broker never
// serves a state a restart would not find. Drives the real service with a writer that fails on demand and
// a log made of the batches that succeeded (decoded back through the record codec).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/protocol/errors.js';
import { AssignorRegistry } from '../../src/broker/groups/consumer/assignors/assignors.js';
import { ConsumerGroupService } from '../../src/broker/groups/consumer/consumer-group-service.js';
import { decodeConsumerGroupRecord, type ConsumerGroupRecord } from '../../src/broker/groups/consumer/consumer-records.js';
import { consumerGroupHeartbeat } from '../../src/broker/groups/consumer/heartbeat-flow.js';
import type { TopicsView } from '../../src/broker/groups/consumer/topic-metadata.js';
import type { OffsetsTopicRecord, OffsetsTopicWriter } from '../../src/broker/groups/offsets-topic.js';
import { memoryLogger } from '../../src/util/logger.js';

const TOPIC_ID = Buffer.alloc(16, 7).toString('base64url');
const topics: TopicsView = {
  byName: (n) => (n === 't' ? { id: TOPIC_ID, name: 't', partitions: 6 } : undefined),
  byId: (id) => (id === TOPIC_ID ? { id, name: 't', partitions: 6 } : undefined),
  names: () => ['t'],
  racks: () => new Set(),
};

test('a failed write answers COORDINATOR_NOT_AVAILABLE and the group goes back to its durable state', async () => {
  const durable: OffsetsTopicRecord[] = [];
  let failing = false;
  const writer = {
    write: (_group: string, records: readonly OffsetsTopicRecord[]) => {
      if (failing) return Promise.reject(new Error('fsync failed'));
      durable.push(...records);
      return Promise.resolve();
    },
  } as unknown as OffsetsTopicWriter;
  const service = new ConsumerGroupService({
    logger: memoryLogger('error').logger,
    topics,
    assignors: new AssignorRegistry(['uniform']),
    writer: () => writer,
    classic: { get: () => undefined, drop: () => undefined, adopt: () => undefined },
    reload: () => Promise.resolve(durable.map((r) => decodeConsumerGroupRecord(r.key, r.value)).filter((r): r is ConsumerGroupRecord => r !== null)),
    settings: { sessionTimeoutMs: () => 60_000, heartbeatIntervalMs: () => 5000, assignmentIntervalMs: () => 0, maxSize: 10, classicMaxSize: 10, migrationPolicy: 'bidirectional', regexRefreshIntervalMs: 600_000 },
  });
  const join = (memberId: string) =>
    service.run(
      'g',
      (op) => consumerGroupHeartbeat(service, op, { groupId: 'g', memberId, memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30_000, subscribedTopicNames: ['t'], subscribedTopicRegex: null, serverAssignor: null, topicPartitions: [], clientId: 'c', clientHost: '/h' }),
      (errorCode) => ({ errorCode, errorMessage: null, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null }),
    );
  try {
    assert.equal((await join('a')).errorCode, ErrorCode.NONE);
    assert.equal((await join('b')).errorCode, ErrorCode.NONE);
    const before = service.consumerGroup('g')!;
    const snapshot = { epoch: before.groupEpoch, members: [...before.members.keys()], target: [...before.targetAssignment.keys()] };
    failing = true;
    assert.equal((await join('c')).errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    failing = false;
    // The reload runs once the failed write settled; wait for the group to be rebuilt (a condition, not a delay).
    for (let i = 0; i < 100 && service.consumerGroup('g')?.members.has('c'); i++) await new Promise((r) => setImmediate(r));
    const after = service.consumerGroup('g')!;
    assert.notEqual(after, before, 'the group was rebuilt');
    assert.deepEqual({ epoch: after.groupEpoch, members: [...after.members.keys()], target: [...after.targetAssignment.keys()] }, snapshot);
    assert.equal((await join('c')).errorCode, ErrorCode.NONE, 'the member joins once the disk works again');
  } finally {
    service.close();
  }
});
