// Differential: the request sequences behind `brook topic ...`, offset queries, idempotent and
// transactional produce — what the CLI, the client layer and brook/streams send — replayed step by
// step against Brook and Apache Kafka, each broker in its own session (its own producer ids), and
// the answers compared field by field after normalise(). Steps where Kafka completes work after
// answering (topic metadata, transaction markers) wait for it as a client would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { apis } from '../../src/protocol/messages/index.js';
import type { ApiDefinition, MessageInput } from '../../src/protocol/primitives/codec.js';
import { buildRecordBatch } from '../../src/protocol/records/batch-builder.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { uniqueName } from '../helpers/target.js';
import type { WireClient } from '../broker/admin-wire.js';
import { awaitTopics, startPeers, PEERS, type PeerName, type Peers } from './peers.js';
import { differences, normalise } from './normalise.js';
import { explain } from './known-differences.js';

let peers: Peers;
const clients = {} as Record<PeerName, WireClient>;
before(async () => {
  peers = await startPeers();
  for (const p of PEERS) clients[p] = await peers.connect(p);
});
after(async () => {
  for (const p of PEERS) clients[p]?.close();
  await peers?.close();
});

/** COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR: clients retry them. */
const NOT_READY: ReadonlySet<number> = new Set([ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.NOT_COORDINATOR]);
const TOPIC = uniqueName('diff-admin');
const TXN_ID = uniqueName('diff-admin-txn');
const KEYS = ['retention.ms', 'cleanup.policy', 'max.message.bytes', 'segment.bytes', 'message.timestamp.type'];

/**
 * Sends the same request to both, compares (the part `pick` selects: answers that list a whole
 * cluster's state see other tests' work on the shared Kafka), and returns both raw answers.
 */
async function same<Req, Res>(
  t: { diagnostic(m: string): void },
  step: string,
  api: ApiDefinition<Req, Res>,
  version: number,
  body: (peer: PeerName) => MessageInput<Req>,
  pick: (res: Res) => unknown = (res) => res,
): Promise<Record<PeerName, Res>> {
  const raw = {} as Record<PeerName, Res>;
  const answers = {} as Record<PeerName, unknown>;
  for (const p of PEERS) {
    raw[p] = await clients[p].request(api, version, body(p));
    // As a client does: retry while a coordinator is still loading (Kafka, first use).
    for (let i = 0; NOT_READY.has(Number((raw[p] as { errorCode?: number }).errorCode ?? 0)) && i < 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      raw[p] = await clients[p].request(api, version, body(p));
    }
    answers[p] = normalise(pick(raw[p]));
  }
  const unexplained: string[] = [];
  for (const d of differences(answers.brook, answers.kafka)) {
    const why = explain(api.name, d, answers);
    if (why) t.diagnostic(`${step} ${d.path}: known difference (${why})`);
    else unexplained.push(`${step} (${api.name} v${version}) ${d.path}: Brook ${JSON.stringify(d.brook)}, Kafka ${JSON.stringify(d.kafka)}`.slice(0, 600));
  }
  assert.deepEqual(unexplained, [], 'differences not in docs/compatibility.md');
  return raw;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; !(await check()); i++) {
    assert.ok(i < 200, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const describe = (keys = KEYS) => () => ({ resources: [{ resourceType: 2, resourceName: TOPIC, configurationKeys: keys }], includeSynonyms: false, includeDocumentation: false });

test('topic administration: create, describe, alter, grow, query offsets, delete records', async (t) => {
  await same(t, 'create', apis.CreateTopics, 7, () => ({
    topics: [{ name: TOPIC, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '3600000' }, { name: 'cleanup.policy', value: 'delete' }] }],
    timeoutMs: 10_000,
    validateOnly: false,
  }));
  for (const p of PEERS) await awaitTopics(clients[p], [TOPIC]);
  await same(t, 'describe', apis.DescribeConfigs, 4, describe());
  await same(t, 'alter', apis.IncrementalAlterConfigs, 1, () => ({
    resources: [{ resourceType: 2, resourceName: TOPIC, configs: [{ name: 'retention.ms', configOperation: 0, value: '7200000' }, { name: 'cleanup.policy', configOperation: 0, value: 'compact' }] }],
    validateOnly: false,
  }));
  await same(t, 'alter: delete', apis.IncrementalAlterConfigs, 1, () => ({
    resources: [{ resourceType: 2, resourceName: TOPIC, configs: [{ name: 'cleanup.policy', configOperation: 1, value: null }] }],
    validateOnly: false,
  }));
  // Kafka applies config changes through its metadata log: wait until describe shows them.
  for (const p of PEERS) {
    await until(`${p} shows the altered configs`, async () => {
      const r = await clients[p].request(apis.DescribeConfigs, 4, describe(['retention.ms'])());
      return r.results[0]!.configs[0]?.value === '7200000';
    });
  }
  await same(t, 'describe after alter', apis.DescribeConfigs, 4, describe());
  await same(t, 'grow', apis.CreatePartitions, 3, () => ({ topics: [{ name: TOPIC, count: 3, assignments: null }], timeoutMs: 10_000, validateOnly: false }));
  for (const p of PEERS) {
    await until(`${p} knows 3 partitions`, async () => {
      const md = await clients[p].request(apis.Metadata, 12, { topics: [{ name: TOPIC, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      return md.topics[0]!.partitions.length === 3;
    });
  }
  const records = (base: number) => buildRecordBatch([1, 2, 3].map((i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), timestamp: base + i * 1000 })), { timestamp: base });
  await same(t, 'produce', apis.Produce, 9, () => ({
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: records(1_000) }, { index: 2, records: records(5_000) }] }],
  }));
  const listOffsets = (timestamp: bigint) => () => ({
    replicaId: -1,
    isolationLevel: 0,
    topics: [{ name: TOPIC, partitions: [0, 1, 2].map((partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp })) }],
  });
  await same(t, 'earliest', apis.ListOffsets, 7, listOffsets(-2n));
  await same(t, 'latest', apis.ListOffsets, 7, listOffsets(-1n));
  await same(t, 'max timestamp', apis.ListOffsets, 7, listOffsets(-3n));
  await same(t, 'by timestamp', apis.ListOffsets, 7, listOffsets(3_000n));
  await same(t, 'delete records', apis.DeleteRecords, 2, () => ({ topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, offset: 2n }] }], timeoutMs: 5000 }));
  await same(t, 'earliest after delete', apis.ListOffsets, 7, listOffsets(-2n));
  await same(t, 'leader epochs', apis.OffsetForLeaderEpoch, 4, () => ({ replicaId: -1, topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }] }));
});

test('idempotent and transactional produce: producer state, transaction state, visibility', async (t) => {
  // Idempotent: each broker hands out its own producer id; the same sequence numbers follow.
  const idem = await same(t, 'init idempotent', apis.InitProducerId, 4, () => ({ transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 }));
  const batch = (p: PeerName, seq: number, transactional = false, pid = idem[p].producerId, epoch = idem[p].producerEpoch) =>
    buildRecordBatch([{ key: Buffer.from('k'), value: Buffer.from(`v${seq}`) }], { producerId: Number(pid), producerEpoch: epoch, baseSequence: seq, transactional, timestamp: 10_000 });
  const produce = (records: (p: PeerName) => Buffer, transactionalId: string | null = null) => (p: PeerName) => ({
    transactionalId,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: TOPIC, partitionData: [{ index: 1, records: records(p) }] }],
  });
  await same(t, 'idempotent produce', apis.Produce, 9, produce((p) => batch(p, 0)));
  await same(t, 'duplicate', apis.Produce, 9, produce((p) => batch(p, 0)));
  await same(t, 'out of order', apis.Produce, 9, produce((p) => batch(p, 5)));
  await same(t, 'describe producers', apis.DescribeProducers, 0, () => ({ topics: [{ name: TOPIC, partitionIndexes: [1] }] }));

  // Transactional: find the coordinator (Kafka creates __transaction_state on first use).
  for (const p of PEERS) {
    await until(`${p} transaction coordinator`, async () => {
      const r = await clients[p].request(apis.FindCoordinator, 4, { key: '', keyType: 1, coordinatorKeys: [TXN_ID] });
      return r.coordinators[0]!.errorCode === ErrorCode.NONE;
    });
  }
  const txn = await same(t, 'init transactional', apis.InitProducerId, 4, () => ({ transactionalId: TXN_ID, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 }));
  await same(t, 'add partitions', apis.AddPartitionsToTxn, 3, (p) => ({
    v3AndBelowTransactionalId: TXN_ID,
    v3AndBelowProducerId: txn[p].producerId,
    v3AndBelowProducerEpoch: txn[p].producerEpoch,
    v3AndBelowTopics: [{ name: TOPIC, partitions: [1] }],
    transactions: [],
  }));
  await same(t, 'transactional produce', apis.Produce, 9, produce((p) => batch(p, 0, true, txn[p].producerId, txn[p].producerEpoch), TXN_ID));
  await same(t, 'describe ongoing', apis.DescribeTransactions, 0, () => ({ transactionalIds: [TXN_ID] }));
  const lso = () => ({ replicaId: -1, isolationLevel: 1, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 1, currentLeaderEpoch: -1, timestamp: -1n }] }] });
  await same(t, 'last stable offset while open', apis.ListOffsets, 7, lso);
  await same(t, 'commit', apis.EndTxn, 3, (p) => ({ transactionalId: TXN_ID, producerId: txn[p].producerId, producerEpoch: txn[p].producerEpoch, committed: true }));
  // Kafka writes the markers after answering EndTxn: wait for CompleteCommit, as a reader would wait for data.
  for (const p of PEERS) {
    await until(`${p} completes the commit`, async () => {
      const r = await clients[p].request(apis.DescribeTransactions, 0, { transactionalIds: [TXN_ID] });
      return r.transactionStates[0]!.transactionState === 'CompleteCommit';
    });
  }
  await same(t, 'describe committed', apis.DescribeTransactions, 0, () => ({ transactionalIds: [TXN_ID] }));
  await same(t, 'last stable offset after commit', apis.ListOffsets, 7, lso);
  const listed = await same(t, 'list transactions', apis.ListTransactions, 1, () => ({ stateFilters: [], producerIdFilters: [], durationFilter: -1n }), (r) => ({ ...r, transactionStates: r.transactionStates.filter((s) => s.transactionalId === TXN_ID) }));
  for (const p of PEERS) assert.ok(listed[p].transactionStates.some((s) => s.transactionalId === TXN_ID), `${p} lists ${TXN_ID}`);
});
