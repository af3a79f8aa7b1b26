// __consumer_offsets is created on first use (as Kafka does), not at broker start: an empty data dir
// starts without it; concurrent first commits from many groups share one creation and all succeed;
// after a restart the existing topic is loaded, with the offsets committed before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { startTestBroker } from '../helpers/broker.js';
import { WireClient } from './admin-wire.js';

const OFFSETS = '__consumer_offsets';

async function commit(c: WireClient, groupId: string, offset: bigint): Promise<number> {
  const res = await c.request(apis.OffsetCommit, 8, {
    groupId,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [{ name: 'lazy', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null }] }],
  });
  return res.topics[0]!.partitions[0]!.errorCode;
}

test('__consumer_offsets is created by the first commits, shared by concurrent ones, and loaded after a restart', async () => {
  let b = await startTestBroker();
  try {
    assert.equal(b.broker.state.topics.get(OFFSETS), undefined, 'not created at start');
    const c = await WireClient.connect(b.port);
    const created = await c.request(apis.CreateTopics, 7, {
      topics: [{ name: 'lazy', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    assert.equal(created.topics[0]!.errorCode, ErrorCode.NONE);
    // Twenty groups commit at once: each write waits for the one creation.
    const clients = await Promise.all(Array.from({ length: 20 }, () => WireClient.connect(b.port)));
    const codes = await Promise.all(clients.map((cl, i) => commit(cl, `lazy-${i}`, BigInt(i + 1))));
    for (const cl of clients) cl.close();
    assert.deepEqual(codes, codes.map(() => ErrorCode.NONE));
    assert.equal(b.broker.state.topics.get(OFFSETS)?.partitions, 50);
    assert.equal(b.logs.filter((r) => r.msg === 'created internal topic on first use' && r.fields.topic === OFFSETS).length, 1);
    c.close();

    b = await b.restart();
    const after = await WireClient.connect(b.port);
    try {
      const res = await after.request(apis.OffsetFetch, 8, { groups: [{ groupId: 'lazy-7', memberId: null, memberEpoch: -1, topics: null }], requireStable: false });
      assert.equal(res.groups[0]!.topics[0]?.partitions[0]?.committedOffset, 8n);
    } finally {
      after.close();
    }
  } finally {
    await b.close();
  }
});
