// Transactions at the wire level (raw frames): last stable offset in Fetch and ListOffsets, the
// coordinator aborting a transaction past its timeout (driven by calling its periodic tick with a
// later clock, not by waiting), fencing answers after that abort, and the admin APIs
// (DescribeTransactions, ListTransactions, DescribeProducers).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { ErrorCode } from '../../src/protocol/errors.js';
import { apis } from '../../src/protocol/messages/index.js';
import { buildRecordBatch } from '../../src/protocol/records/batch-builder.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from './data-path-helpers.js';

let b: TestBroker;
let raw: RawClient;
before(async () => {
  b = await startTestBroker({ config: { 'transaction.state.log.num.partitions': '2', 'offsets.topic.num.partitions': '2' } });
  const admin = new Kafka({ clientId: 'raw', brokers: [b.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'raw-txn', numPartitions: 1 }] });
  await admin.disconnect();
  raw = await RawClient.open(b.port);
});
after(async () => {
  raw.close();
  await b.close();
});

const fetchCommitted = (isolationLevel: number) =>
  raw.request(apis.Fetch, 11, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic: 'raw-txn', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [],
    rackId: '',
  });

const latest = async (isolationLevel: number) =>
  (await raw.request(apis.ListOffsets, 5, { replicaId: -1, isolationLevel, topics: [{ name: 'raw-txn', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }] })).topics[0]!.partitions[0]!.offset;

test('open transaction holds the LSO; the coordinator aborts it past its timeout and fences the old epoch', async () => {
  const init = await raw.request(apis.InitProducerId, 4, { transactionalId: 'raw-tx', transactionTimeoutMs: 1000, producerId: -1n, producerEpoch: -1 });
  assert.equal(init.errorCode, ErrorCode.NONE);
  const pid = init.producerId;
  const added = await raw.request(apis.AddPartitionsToTxn, 3, { transactions: [], v3AndBelowTransactionalId: 'raw-tx', v3AndBelowProducerId: pid, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [{ name: 'raw-txn', partitions: [0] }] });
  assert.equal(added.resultsByTopicV3AndBelow[0]!.resultsByPartition[0]!.partitionErrorCode, ErrorCode.NONE);
  const verify = await raw.request(apis.AddPartitionsToTxn, 4, {
    transactions: [{ transactionalId: 'raw-tx', producerId: pid, producerEpoch: 0, verifyOnly: true, topics: [{ name: 'raw-txn', partitions: [0, 1] }] }],
    v3AndBelowTransactionalId: '', v3AndBelowProducerId: 0n, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [],
  });
  assert.deepEqual(verify.resultsByTransaction[0]!.topicResults[0]!.resultsByPartition.map((p) => p.partitionErrorCode), [ErrorCode.NONE, ErrorCode.INVALID_TXN_STATE]);
  const batch = (epoch: number, seq: number) => buildRecordBatch([{ value: Buffer.from('x') }, { value: Buffer.from('y') }], { producerId: Number(pid), producerEpoch: epoch, baseSequence: seq, transactional: true });
  const produce = async (epoch: number, seq: number) =>
    (await raw.request(apis.Produce, 9, { transactionalId: 'raw-tx', acks: -1, timeoutMs: 5000, topicData: [{ name: 'raw-txn', partitionData: [{ index: 0, records: batch(epoch, seq) }] }] })).responses[0]!.partitionResponses[0]!.errorCode;
  assert.equal(await produce(0, 0), ErrorCode.NONE);

  assert.equal(await latest(1), 0n, 'READ_COMMITTED latest = LSO');
  assert.equal(await latest(0), 2n, 'READ_UNCOMMITTED latest = HW');
  const held = (await fetchCommitted(1)).responses[0]!.partitions[0]!;
  assert.deepEqual([held.lastStableOffset, held.highWatermark, held.records?.length ?? 0], [0n, 2n, 0]);
  const listed = await raw.request(apis.ListTransactions, 1, { stateFilters: ['Ongoing'], producerIdFilters: [], durationFilter: -1n });
  assert.deepEqual(listed.transactionStates.map((t) => t.transactionalId), ['raw-tx']);
  const producers = await raw.request(apis.DescribeProducers, 0, { topics: [{ name: 'raw-txn', partitionIndexes: [0] }] });
  const active = producers.topics[0]!.partitions[0]!.activeProducers[0]!;
  assert.deepEqual([active.producerId, active.producerEpoch, active.lastSequence, active.currentTxnStartOffset], [pid, 0, 1, 0n]);

  await b.broker.state.transactions.tick(Date.now() + 60_000);
  const described = (await raw.request(apis.DescribeTransactions, 0, { transactionalIds: ['raw-tx', 'nope'] })).transactionStates;
  assert.deepEqual([described[0]!.transactionState, described[0]!.producerEpoch], ['CompleteAbort', 1]);
  assert.equal(described[1]!.errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);

  const after = (await fetchCommitted(1)).responses[0]!.partitions[0]!;
  assert.deepEqual([after.lastStableOffset, after.highWatermark], [3n, 3n], 'the ABORT marker took offset 2');
  assert.deepEqual(after.abortedTransactions, [{ producerId: pid, firstOffset: 0n }]);
  assert.equal((await fetchCommitted(0)).responses[0]!.partitions[0]!.abortedTransactions, null);
  assert.equal(await latest(1), 3n);

  assert.equal(await produce(0, 2), ErrorCode.INVALID_PRODUCER_EPOCH, 'the old epoch is fenced on the partition');
  const commit = await raw.request(apis.EndTxn, 3, { transactionalId: 'raw-tx', producerId: pid, producerEpoch: 0, committed: true });
  assert.equal(commit.errorCode, ErrorCode.PRODUCER_FENCED);
  const abort = await raw.request(apis.EndTxn, 3, { transactionalId: 'raw-tx', producerId: pid, producerEpoch: 0, committed: false });
  assert.equal(abort.errorCode, ErrorCode.NONE, 'aborting what the coordinator already aborted is fine');
  // KIP-360: the producer recovers with its id and old epoch and gets a bumped epoch.
  const again = await raw.request(apis.InitProducerId, 4, { transactionalId: 'raw-tx', transactionTimeoutMs: 1000, producerId: pid, producerEpoch: 0 });
  assert.deepEqual([again.errorCode, again.producerId, again.producerEpoch], [ErrorCode.NONE, pid, 2]);
  const stale = await raw.request(apis.InitProducerId, 4, { transactionalId: 'raw-tx', transactionTimeoutMs: 1000, producerId: pid, producerEpoch: 0 });
  assert.equal(stale.errorCode, ErrorCode.PRODUCER_FENCED);
  const tooLong = await raw.request(apis.InitProducerId, 4, { transactionalId: 'raw-tx2', transactionTimeoutMs: 10_000_000, producerId: -1n, producerEpoch: -1 });
  assert.equal(tooLong.errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT);
});
