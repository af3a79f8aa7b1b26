// OffsetFetch requireStable (v7+, KIP-447): a partition whose transactional offset commit waits for
// its marker answers UNSTABLE_OFFSET_COMMIT (offset -1) until the transaction ends; without
// requireStable the last committed offset is answered; after the commit marker the new offset is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { startTestBroker } from '../helpers/broker.js';
import { WireClient } from './admin-wire.js';

const GROUP = 'stable-group';
const TXN = 'stable-txn';

test('requireStable answers UNSTABLE_OFFSET_COMMIT while a transactional offset is pending', async () => {
  const b = await startTestBroker();
  const c = await WireClient.connect(b.port);
  try {
    const created = await c.request(apis.CreateTopics, 7, {
      topics: [{ name: 'st', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    assert.equal(created.topics[0]!.errorCode, ErrorCode.NONE);
    const init = await c.request(apis.InitProducerId, 4, { transactionalId: TXN, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
    assert.equal(init.errorCode, ErrorCode.NONE);
    const { producerId, producerEpoch } = init;
    assert.equal((await c.request(apis.AddOffsetsToTxn, 3, { transactionalId: TXN, producerId, producerEpoch, groupId: GROUP })).errorCode, ErrorCode.NONE);
    const committed = await c.request(apis.TxnOffsetCommit, 3, {
      transactionalId: TXN,
      groupId: GROUP,
      producerId,
      producerEpoch,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [{ name: 'st', partitions: [{ partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    assert.equal(committed.topics[0]!.partitions[0]!.errorCode, ErrorCode.NONE);

    const fetch = async (requireStable: boolean) => {
      const res = await c.request(apis.OffsetFetch, 8, { groups: [{ groupId: GROUP, memberId: null, memberEpoch: -1, topics: [{ name: 'st', partitionIndexes: [0, 1] }] }], requireStable });
      return res.groups[0]!.topics[0]!.partitions.map((p) => ({ p: p.partitionIndex, offset: p.committedOffset, error: p.errorCode }));
    };
    assert.deepEqual(await fetch(true), [
      { p: 0, offset: -1n, error: ErrorCode.UNSTABLE_OFFSET_COMMIT },
      { p: 1, offset: -1n, error: ErrorCode.NONE },
    ]);
    assert.deepEqual(await fetch(false), [
      { p: 0, offset: -1n, error: ErrorCode.NONE },
      { p: 1, offset: -1n, error: ErrorCode.NONE },
    ]);
    // v7 (one group per request) answers the same.
    const v7 = await c.request(apis.OffsetFetch, 7, { groupId: GROUP, topics: [{ name: 'st', partitionIndexes: [0] }], requireStable: true });
    assert.equal(v7.topics[0]!.partitions[0]!.errorCode, ErrorCode.UNSTABLE_OFFSET_COMMIT);

    const ended = await c.request(apis.EndTxn, 3, { transactionalId: TXN, producerId, producerEpoch, committed: true });
    assert.equal(ended.errorCode, ErrorCode.NONE);
    assert.deepEqual(await fetch(true), [
      { p: 0, offset: 5n, error: ErrorCode.NONE },
      { p: 1, offset: -1n, error: ErrorCode.NONE },
    ]);
  } finally {
    c.close();
    await b.close();
  }
});
