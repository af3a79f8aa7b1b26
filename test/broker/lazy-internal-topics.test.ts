// __consumer_offsets and __transaction_state are created on first use (as Kafka does), not at broker
// start: an empty data dir starts without them; concurrent first writes share one creation and all
// succeed; after a restart the existing topics are loaded, with what was written before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { startTestBroker } from '../helpers/broker.js';
import { WireClient } from './admin-wire.js';

const OFFSETS = '__consumer_offsets';
const TXN_STATE = '__transaction_state';

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

test('__transaction_state is created by the first transactional InitProducerIds (and __consumer_offsets by AddOffsetsToTxn), loaded after a restart', async () => {
  let b = await startTestBroker();
  try {
    assert.equal(b.broker.state.topics.get(TXN_STATE), undefined, 'not created at start');
    const clients = await Promise.all(Array.from({ length: 10 }, () => WireClient.connect(b.port)));
    const results = await Promise.all(
      clients.map((cl, i) => cl.request(apis.InitProducerId, 4, { transactionalId: `lazy-txn-${i}`, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 })),
    );
    for (const cl of clients) cl.close();
    assert.deepEqual(results.map((r) => r.errorCode), results.map(() => ErrorCode.NONE));
    assert.equal(b.broker.state.topics.get(TXN_STATE)?.partitions, 50);
    assert.equal(b.logs.filter((r) => r.msg === 'created internal topic on first use' && r.fields.topic === TXN_STATE).length, 1);
    const producerId = Number(results[3]!.producerId);
    // AddOffsetsToTxn as the first use of __consumer_offsets: its partition can join the transaction.
    const c = await WireClient.connect(b.port);
    try {
      const added = await c.request(apis.AddOffsetsToTxn, 3, { transactionalId: 'lazy-txn-3', producerId: results[3]!.producerId, producerEpoch: results[3]!.producerEpoch, groupId: 'lazy-txn-group' });
      assert.equal(added.errorCode, ErrorCode.NONE);
      assert.equal(b.broker.state.topics.get(OFFSETS)?.partitions, 50);
    } finally {
      c.close();
    }

    b = await b.restart();
    assert.equal(b.broker.state.transactions.get('lazy-txn-3')?.producerId, producerId);
  } finally {
    await b.close();
  }
});
