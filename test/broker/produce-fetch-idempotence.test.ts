// Idempotent-producer semantics checked with crafted Produce requests on a raw socket (no client
// would send duplicates and gaps on purpose), including after a broker restart, plus the produce and
// fetch edge cases Kafka answers with error codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/records/batch-builder.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from './data-path-helpers.js';

let b: TestBroker;
before(async () => {
  b = await startTestBroker();
});
after(async () => {
  await b.close();
});

function batch(producerId: number, epoch: number, seq: number, n: number, tag = 'r'): Buffer {
  const records = Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`${tag}${seq + i}`), value: Buffer.from(`v${seq + i}`) }));
  // Current timestamps: producer state older than producer.id.expiration.ms is not rebuilt (as in Kafka).
  return buildRecordBatch(records, { producerId, producerEpoch: epoch, baseSequence: seq });
}

async function produce(c: RawClient, topic: string, records: Buffer, acks = -1, version = 11) {
  const res = await c.request(apis.Produce, version, { transactionalId: null, acks, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
  return res.responses[0]!.partitionResponses[0]!;
}

async function createTopic(c: RawClient, name: string, partitions = 1) {
  const res = await c.request(apis.CreateTopics, 7, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  assert.equal(res.topics[0]!.errorCode, 0);
}

async function initProducerId(c: RawClient, producerId = -1n, producerEpoch = -1) {
  return c.request(apis.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId, producerEpoch });
}

test('duplicates answer the original offset, gaps and old epochs are refused, state survives a restart', async () => {
  let c = await RawClient.open(b.port);
  await createTopic(c, 'idem-raw');
  const init = await initProducerId(c);
  assert.equal(init.errorCode, 0);
  const pid = Number(init.producerId);
  assert.equal(init.producerEpoch, 0);

  const first = await produce(c, 'idem-raw', batch(pid, 0, 0, 3));
  assert.deepEqual([first.errorCode, first.baseOffset], [0, 0n]);
  const second = await produce(c, 'idem-raw', batch(pid, 0, 3, 2));
  assert.deepEqual([second.errorCode, second.baseOffset], [0, 3n]);
  // A retry of the first batch: NONE with its original offset, nothing appended.
  const dup = await produce(c, 'idem-raw', batch(pid, 0, 0, 3));
  assert.deepEqual([dup.errorCode, dup.baseOffset], [0, 0n]);
  // A gap.
  const gap = await produce(c, 'idem-raw', batch(pid, 0, 7, 1));
  assert.equal(gap.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  // Two requests of one producer racing on the partition: both checked in order, both appended.
  const [r1, r2] = await Promise.all([produce(c, 'idem-raw', batch(pid, 0, 5, 2)), produce(c, 'idem-raw', batch(pid, 0, 7, 2))]);
  assert.deepEqual([r1.errorCode, r1.baseOffset, r2.errorCode, r2.baseOffset], [0, 5n, 0, 7n]);
  // Racing duplicates of one batch: one append, both answered with its offset.
  const [d1, d2] = await Promise.all([produce(c, 'idem-raw', batch(pid, 0, 9, 1)), produce(c, 'idem-raw', batch(pid, 0, 9, 1))]);
  assert.deepEqual([d1.errorCode, d1.baseOffset, d2.errorCode, d2.baseOffset], [0, 9n, 0, 9n]);

  // InitProducerId with the id and epoch held (KIP-360 recovery) gives a fresh id, as Kafka does
  // without a transactional.id.
  const renewed = await initProducerId(c, BigInt(pid), 0);
  assert.deepEqual([renewed.errorCode, renewed.producerEpoch], [0, 0]);
  assert.notEqual(Number(renewed.producerId), pid);
  // A newer epoch of a known producer (as a transactional producer's would be) starts at sequence 0,
  // and fences the older epoch.
  assert.equal((await produce(c, 'idem-raw', batch(pid, 1, 4, 1))).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  const e1 = await produce(c, 'idem-raw', batch(pid, 1, 0, 1, 'e'));
  assert.deepEqual([e1.errorCode, e1.baseOffset], [0, 10n]);
  assert.equal((await produce(c, 'idem-raw', batch(pid, 0, 10, 1))).errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
  c.close();

  // Restart: the state is rebuilt from the log, so a retry after the restart is still a duplicate.
  b = await b.restart();
  c = await RawClient.open(b.port);
  const again = await produce(c, 'idem-raw', batch(pid, 1, 0, 1, 'e'));
  assert.deepEqual([again.errorCode, again.baseOffset], [0, 10n]);
  const old = await produce(c, 'idem-raw', batch(pid, 0, 0, 3));
  assert.equal(old.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
  const next = await produce(c, 'idem-raw', batch(pid, 1, 1, 1, 'e'));
  assert.deepEqual([next.errorCode, next.baseOffset], [0, 11n]);
  // Producer ids are never reused after a restart.
  const fresh = await initProducerId(c);
  assert.ok(Number(fresh.producerId) > pid);

  const lo = await c.request(apis.ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'idem-raw', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }] });
  assert.equal(lo.topics[0]!.partitions[0]!.offset, 12n);
  c.close();
});

test('produce errors: acks, unknown topic and partition, internal topic, bad name, oversized batch, transactional', async () => {
  const c = await RawClient.open(b.port);
  await createTopic(c, 'errs');
  const plain = () => buildRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('v') }]);
  assert.equal((await produce(c, 'errs', plain(), 2)).errorCode, ErrorCode.INVALID_REQUIRED_ACKS);
  assert.equal((await produce(c, 'no-such-topic', plain())).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  assert.equal((await produce(c, '__consumer_offsets', plain())).errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
  assert.equal((await produce(c, 'bad/name', plain())).errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
  const res = await c.request(apis.Produce, 11, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: 'errs', partitionData: [{ index: 7, records: plain() }] }] });
  assert.equal(res.responses[0]!.partitionResponses[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const big = buildRecordBatch([{ value: Buffer.alloc(2 << 20) }]);
  const tooLarge = await produce(c, 'errs', big);
  assert.equal(tooLarge.errorCode, ErrorCode.MESSAGE_TOO_LARGE);
  assert.ok(tooLarge.errorMessage);
  const corrupt = plain();
  corrupt[corrupt.length - 1] ^= 0xff;
  assert.equal((await produce(c, 'errs', corrupt)).errorCode, ErrorCode.CORRUPT_MESSAGE);
  const txn = buildRecordBatch([{ value: Buffer.from('t') }], { producerId: 1, producerEpoch: 0, baseSequence: 0, transactional: true });
  // A transactional batch from a producer id no transactional id holds (transactions: txn-*.test.ts).
  assert.equal((await produce(c, 'errs', txn)).errorCode, ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  c.close();
});

test('fetch: out of range, unknown topic id, sessions declined, byte limits, DeleteRecords, OffsetForLeaderEpoch', async () => {
  const c = await RawClient.open(b.port);
  await createTopic(c, 'fetch-edges', 2);
  for (let i = 0; i < 4; i++) await produce(c, 'fetch-edges', buildRecordBatch(Array.from({ length: 10 }, (_, j) => ({ value: Buffer.alloc(100, i * 10 + j) }))));
  const md = await c.request(apis.Metadata, 12, { topics: [{ name: 'fetch-edges', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false });
  const topicId = md.topics[0]!.topicId;
  const fetch = (partitions: { partition: number; fetchOffset: bigint; partitionMaxBytes: number }[], extra: { maxBytes?: number; sessionId?: number; sessionEpoch?: number; id?: string } = {}) =>
    c.request(apis.Fetch, 17, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: extra.maxBytes ?? 1 << 20,
      isolationLevel: 1,
      sessionId: extra.sessionId ?? 0,
      sessionEpoch: extra.sessionEpoch ?? -1,
      topics: [{ topicId: extra.id ?? topicId, partitions: partitions.map((p) => ({ ...p, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1n })) }],
      forgottenTopicsData: [],
      rackId: '',
    });
  const all = await fetch([{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }]);
  const p0 = all.responses[0]!.partitions[0]!;
  assert.deepEqual([p0.errorCode, p0.highWatermark, p0.lastStableOffset, p0.logStartOffset, p0.preferredReadReplica], [0, 40n, 40n, 0n, -1]);
  assert.deepEqual(p0.abortedTransactions, []);
  assert.equal(all.sessionId, 0);
  // A partition limit smaller than one batch still gets one whole batch (KIP-74), never more.
  const small = await fetch([{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 10 }]);
  const oneBatch = small.responses[0]!.partitions[0]!.records!;
  assert.ok(oneBatch.length > 1000 && oneBatch.length < 1300, String(oneBatch.length));
  // The response limit is spent by the first partition; the second (empty anyway) gets nothing.
  const limited = await fetch([{ partition: 0, fetchOffset: 10n, partitionMaxBytes: 1 << 20 }], { maxBytes: 1500 });
  assert.equal(limited.responses[0]!.partitions[0]!.records!.length, oneBatch.length);
  const oor = await fetch([{ partition: 0, fetchOffset: 41n, partitionMaxBytes: 1 << 20 }]);
  assert.deepEqual([oor.responses[0]!.partitions[0]!.errorCode, oor.responses[0]!.partitions[0]!.highWatermark], [ErrorCode.OFFSET_OUT_OF_RANGE, 40n]);
  const unknownId = await fetch([{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 100 }], { id: 'AAAAAAAAAAAAAAAAAAAAAQ' });
  assert.equal(unknownId.responses[0]!.partitions[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_ID);
  const incremental = await fetch([], { sessionId: 123, sessionEpoch: 1 });
  assert.equal(incremental.errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  const newSession = await fetch([{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 100 }], { sessionEpoch: 0 });
  assert.deepEqual([newSession.errorCode, newSession.sessionId], [0, 0]);

  const oe = await c.request(apis.OffsetForLeaderEpoch, 4, { replicaId: -1, topics: [{ topic: 'fetch-edges', partitions: [{ partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 }, { partition: 1, currentLeaderEpoch: 5, leaderEpoch: 0 }] }] });
  assert.deepEqual(oe.topics[0]!.partitions.map((p) => [p.errorCode, p.leaderEpoch, p.endOffset]), [[0, 0, 40n], [ErrorCode.UNKNOWN_LEADER_EPOCH, -1, -1n]]);

  const del = await c.request(apis.DeleteRecords, 2, { topics: [{ name: 'fetch-edges', partitions: [{ partitionIndex: 0, offset: 25n }, { partitionIndex: 1, offset: 5n }] }], timeoutMs: 5000 });
  assert.deepEqual(del.topics[0]!.partitions.map((p) => [p.errorCode, p.lowWatermark]), [[0, 25n], [ErrorCode.OFFSET_OUT_OF_RANGE, -1n]]);
  const after = await fetch([{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 100 }]);
  assert.deepEqual([after.responses[0]!.partitions[0]!.errorCode, after.responses[0]!.partitions[0]!.logStartOffset], [ErrorCode.OFFSET_OUT_OF_RANGE, 25n]);
  const earliest = await c.request(apis.ListOffsets, 0, { replicaId: -1, topics: [{ name: 'fetch-edges', partitions: [{ partitionIndex: 0, timestamp: -2n, maxNumOffsets: 1 }] }] });
  assert.deepEqual(earliest.topics[0]!.partitions[0]!.oldStyleOffsets, [25n]);
  c.close();
});
