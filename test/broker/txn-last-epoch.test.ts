// The epoch a producer held before the coordinator bumped it (timeout abort) survives a restart
// (TransactionLogValue v1 with Brook's LastProducerEpoch tagged field, txn-log-codec.ts): a producer
// recovering with its old epoch (KIP-360) is re-initialised, not fenced. Plus codec round trips.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { ErrorCode } from '../../src/protocol/errors.js';
import { apis } from '../../src/protocol/messages/index.js';
import { buildRecordBatch } from '../../src/protocol/records/batch-builder.js';
import { decodeTxnLogValue, encodeTxnLogValue, type TxnLogValue } from '../../src/broker/transactions/txn-log-codec.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from './data-path-helpers.js';

let b: TestBroker;
before(async () => {
  b = await startTestBroker({ config: { 'transaction.state.log.num.partitions': '2', 'offsets.topic.num.partitions': '2' } });
  const admin = new Kafka({ clientId: 'raw', brokers: [b.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'raw-last-epoch', numPartitions: 1 }] });
  await admin.disconnect();
});
after(async () => {
  await b.close();
});

test('TransactionLogValue: v0 without a last epoch, v1 (flexible, Brook tag) with one; both round-trip', () => {
  const v: TxnLogValue = {
    producerId: 42,
    producerEpoch: 3,
    timeoutMs: 60_000,
    state: 'CompleteAbort',
    partitions: [{ topic: 'tópico', partitions: [0, 7] }, { topic: 'b', partitions: [] }],
    lastUpdateTimestampMs: 1_700_000_000_123,
    startTimestampMs: 1_700_000_000_000,
    lastProducerEpoch: -1,
  };
  const v0 = encodeTxnLogValue(v);
  assert.equal(v0.readInt16BE(0), 0);
  assert.deepEqual(decodeTxnLogValue(v0), v);
  const withLast = { ...v, lastProducerEpoch: 2 };
  const v1 = encodeTxnLogValue(withLast);
  assert.equal(v1.readInt16BE(0), 1);
  assert.deepEqual(decodeTxnLogValue(v1), withLast);
  assert.throws(() => decodeTxnLogValue(v1.subarray(0, v1.length - 3)));
});

test('after a timeout abort and a restart, InitProducerId with the old epoch re-initialises (KIP-360), a staler one is fenced', async () => {
  let raw = await RawClient.open(b.port);
  const init = await raw.request(apis.InitProducerId, 4, { transactionalId: 'raw-last', transactionTimeoutMs: 1000, producerId: -1n, producerEpoch: -1 });
  const pid = init.producerId;
  await raw.request(apis.AddPartitionsToTxn, 3, { transactions: [], v3AndBelowTransactionalId: 'raw-last', v3AndBelowProducerId: pid, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [{ name: 'raw-last-epoch', partitions: [0] }] });
  const batch = buildRecordBatch([{ value: Buffer.from('x') }], { producerId: Number(pid), producerEpoch: 0, baseSequence: 0, transactional: true });
  const produced = await raw.request(apis.Produce, 9, { transactionalId: 'raw-last', acks: -1, timeoutMs: 5000, topicData: [{ name: 'raw-last-epoch', partitionData: [{ index: 0, records: batch }] }] });
  assert.equal(produced.responses[0]!.partitionResponses[0]!.errorCode, ErrorCode.NONE);
  await b.broker.state.transactions.tick(Date.now() + 60_000);
  raw.close();

  b = await b.restart();
  raw = await RawClient.open(b.port);
  try {
    const described = (await raw.request(apis.DescribeTransactions, 0, { transactionalIds: ['raw-last'] })).transactionStates[0]!;
    assert.deepEqual([described.transactionState, described.producerEpoch], ['CompleteAbort', 1]);
    const again = await raw.request(apis.InitProducerId, 4, { transactionalId: 'raw-last', transactionTimeoutMs: 1000, producerId: pid, producerEpoch: 0 });
    assert.deepEqual([again.errorCode, again.producerId, again.producerEpoch], [ErrorCode.NONE, pid, 2]);
    const stale = await raw.request(apis.InitProducerId, 4, { transactionalId: 'raw-last', transactionTimeoutMs: 1000, producerId: pid, producerEpoch: 0 });
    assert.equal(stale.errorCode, ErrorCode.PRODUCER_FENCED);
  } finally {
    raw.close();
  }
});
