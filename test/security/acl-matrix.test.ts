// The authorisation matrix: every API key Brook advertises, sent well-formed over the wire by an
// authenticated principal that holds no ACL at all, must be answered with the error Apache Kafka's
// broker gives (KafkaApis with StandardAuthorizer) and must neither reveal nor change anything.
//
// The same table is checked against both targets: under Brook (the default pass) an in-process
// broker with a SASL_PLAINTEXT listener; under BROOK_TEST_TARGET=kafka a real Kafka started for this
// file with SASL_PLAINTEXT + PLAIN, StandardAuthorizer and super.users=User:admin — so each expected
// code in EXPECTED is Kafka's own answer, not a reading of its source. Each request goes at the
// highest version both brokers serve. After the matrix the super user checks that nothing moved:
// the topic, its partitions, records, configs, the group's committed offset, no new topic, no ACL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { apis } from '../../src/protocol/messages/index.js';
import type { ApiDefinition, MessageInput } from '../../src/protocol/primitives/codec.js';
import { buildRecordBatch } from '../../src/protocol/records/batch-builder.js';
import { handlers } from '../../src/broker/handlers/index.js';
import { createCredential, scramMechanism } from '../../src/broker/security/scram.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { startKafkaBroker, TEST_BROKER_CONFIG, type KafkaBroker } from '../helpers/kafka-broker.js';
import { onKafka } from '../helpers/target.js';
import { WireClient } from '../broker/admin-wire.js';

const TOPIC = 'matrix-topic';
const GROUP = 'matrix-group';
const TXN = 'matrix-txn';
const SHARE = 'matrix-share';
const NEW_TOPIC = 'mallory-made-this';
const PASSWORDS: Record<string, string> = { admin: 'admin-pw', mallory: 'mallory-pw', carol: 'carol-pw' };

const [TOPIC_AUTH, GROUP_AUTH, CLUSTER_AUTH, TXN_AUTH, GROUP_ID_NOT_FOUND] = [29, 30, 31, 53, 69];

let brook: TestBroker | undefined;
let kafka: KafkaBroker | undefined;
let port = 0;
let nodeId = 0;
let topicId = '';
let serverMax = new Map<number, number>();
const brookMax = new Map(handlers.map((h) => [h.api.apiKey, h.maxVersion]));

/** A request one API gets in the matrix, and the distinct non-zero error codes Kafka answers it with. */
interface Probe {
  body: () => MessageInput<unknown>;
  expect: readonly number[];
  /** What the response must not reveal, beside its error codes. */
  check?: (response: Record<string, unknown>) => void;
}

function probe<Req, Res>(_api: ApiDefinition<Req, Res>, body: () => MessageInput<Req>, expect: readonly number[], check?: (r: Res) => void): Probe {
  return { body: body as () => MessageInput<unknown>, expect, check: check as ((r: Record<string, unknown>) => void) | undefined };
}

const record = () => [buildRecordBatch([{ value: Buffer.from('mallory') }])];

/** Keyed by API key; ApiVersions, SaslHandshake and SaslAuthenticate are the pre-authentication APIs. */
const EXPECTED: Record<number, Probe> = {
  0: probe(apis.Produce, () => ({ acks: -1, timeoutMs: 10_000, topicData: [{ name: TOPIC, topicId, partitionData: [{ index: 0, records: record() }] }] }), [TOPIC_AUTH]),
  1: probe(apis.Fetch, () => ({ replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{ topic: TOPIC, topicId, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n }] }], forgottenTopicsData: [], rackId: '' }), [TOPIC_AUTH], (r) => {
    for (const t of r.responses) for (const p of t.partitions) assert.ok(p.records === null || p.records.length === 0, 'no record is returned');
  }),
  2: probe(apis.ListOffsets, () => ({ replicaId: -1, isolationLevel: 0, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }] }), [TOPIC_AUTH]),
  3: probe(apis.Metadata, () => ({ topics: [{ name: TOPIC, topicId: undefined }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }), [TOPIC_AUTH], (r) => {
    for (const t of r.topics) assert.deepEqual(t.partitions, [], 'no partition of an unauthorised topic');
  }),
  8: probe(apis.OffsetCommit, () => ({ groupId: GROUP, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n, topics: [{ name: TOPIC, topicId, partitions: [{ partitionIndex: 0, committedOffset: 999n, committedLeaderEpoch: -1, committedMetadata: '' }] }] }), [GROUP_AUTH]),
  9: probe(apis.OffsetFetch, () => ({ groupId: GROUP, topics: [{ name: TOPIC, partitionIndexes: [0] }], groups: [{ groupId: GROUP, memberId: null, memberEpoch: -1, topics: [{ name: TOPIC, topicId, partitionIndexes: [0] }] }], requireStable: false }), [GROUP_AUTH], (r) => {
    for (const g of r.groups) for (const t of g.topics) for (const p of t.partitions) assert.notEqual(p.committedOffset, 1n, 'the committed offset is not revealed');
  }),
  10: probe(apis.FindCoordinator, () => ({ key: GROUP, keyType: 0, coordinatorKeys: [GROUP] }), [GROUP_AUTH]),
  11: probe(apis.JoinGroup, () => ({ groupId: GROUP, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], reason: null }), [GROUP_AUTH]),
  12: probe(apis.Heartbeat, () => ({ groupId: GROUP, generationId: 1, memberId: 'm', groupInstanceId: null }), [GROUP_AUTH]),
  13: probe(apis.LeaveGroup, () => ({ groupId: GROUP, memberId: 'm', members: [{ memberId: 'm', groupInstanceId: null, reason: null }] }), [GROUP_AUTH]),
  14: probe(apis.SyncGroup, () => ({ groupId: GROUP, generationId: 1, memberId: 'm', groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] }), [GROUP_AUTH]),
  15: probe(apis.DescribeGroups, () => ({ groups: [GROUP], includeAuthorizedOperations: true }), [GROUP_AUTH], (r) => {
    for (const g of r.groups) assert.deepEqual(g.members, []);
  }),
  16: probe(apis.ListGroups, () => ({ statesFilter: [], typesFilter: [] }), [], (r) => assert.deepEqual(r.groups, [], 'no group is listed')),
  19: probe(apis.CreateTopics, () => ({ topics: [{ name: NEW_TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 10_000, validateOnly: false }), [TOPIC_AUTH]),
  20: probe(apis.DeleteTopics, () => ({ topicNames: [TOPIC], topics: [{ name: TOPIC, topicId: undefined }], timeoutMs: 10_000 }), [TOPIC_AUTH]),
  21: probe(apis.DeleteRecords, () => ({ topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, offset: 1n }] }], timeoutMs: 10_000 }), [TOPIC_AUTH]),
  22: probe(apis.InitProducerId, () => ({ transactionalId: TXN, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 }), [TXN_AUTH]),
  23: probe(apis.OffsetForLeaderEpoch, () => ({ replicaId: -1, topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }] }), [TOPIC_AUTH]),
  // v4+ (the version both serve) is the broker-to-broker form: CLUSTER_ACTION on the cluster.
  24: probe(apis.AddPartitionsToTxn, () => ({ transactions: [{ transactionalId: TXN, producerId: 1n, producerEpoch: 0, verifyOnly: false, topics: [{ name: TOPIC, partitions: [0] }] }], v3AndBelowTransactionalId: TXN, v3AndBelowProducerId: 1n, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [{ name: TOPIC, partitions: [0] }] }), [CLUSTER_AUTH]),
  25: probe(apis.AddOffsetsToTxn, () => ({ transactionalId: TXN, producerId: 1n, producerEpoch: 0, groupId: GROUP }), [TXN_AUTH]),
  26: probe(apis.EndTxn, () => ({ transactionalId: TXN, producerId: 1n, producerEpoch: 0, committed: true }), [TXN_AUTH]),
  27: probe(apis.WriteTxnMarkers, () => ({ markers: [{ producerId: 1n, producerEpoch: 0, transactionResult: false, topics: [{ name: TOPIC, partitionIndexes: [0] }], coordinatorEpoch: 0 }] }), [CLUSTER_AUTH]),
  28: probe(apis.TxnOffsetCommit, () => ({ transactionalId: TXN, groupId: GROUP, producerId: 1n, producerEpoch: 0, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 999n, committedLeaderEpoch: -1, committedMetadata: '' }] }] }), [TXN_AUTH]),
  29: probe(apis.DescribeAcls, () => ({ resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 }), [CLUSTER_AUTH], (r) => assert.deepEqual(r.resources, [])),
  30: probe(apis.CreateAcls, () => ({ creations: [{ resourceType: 2, resourceName: TOPIC, resourcePatternType: 3, principal: 'User:mallory', host: '*', operation: 2, permissionType: 3 }] }), [CLUSTER_AUTH]),
  31: probe(apis.DeleteAcls, () => ({ filters: [{ resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 }] }), [CLUSTER_AUTH]),
  32: probe(apis.DescribeConfigs, () => ({ resources: [{ resourceType: 2, resourceName: TOPIC, configurationKeys: null }, { resourceType: 4, resourceName: String(nodeId), configurationKeys: null }], includeSynonyms: false, includeDocumentation: false }), [TOPIC_AUTH, CLUSTER_AUTH], (r) => {
    for (const res of r.results) assert.deepEqual(res.configs, [], 'no config is revealed');
  }),
  33: probe(apis.AlterConfigs, () => ({ resources: [{ resourceType: 2, resourceName: TOPIC, configs: [{ name: 'retention.ms', value: '1000' }] }], validateOnly: false }), [TOPIC_AUTH]),
  35: probe(apis.DescribeLogDirs, () => ({ topics: null }), [CLUSTER_AUTH], (r) => assert.deepEqual(r.results, [])),
  37: probe(apis.CreatePartitions, () => ({ topics: [{ name: TOPIC, count: 3, assignments: null }], timeoutMs: 10_000, validateOnly: false }), [TOPIC_AUTH]),
  42: probe(apis.DeleteGroups, () => ({ groupsNames: [GROUP] }), [GROUP_AUTH]),
  44: probe(apis.IncrementalAlterConfigs, () => ({ resources: [{ resourceType: 2, resourceName: TOPIC, configs: [{ name: 'retention.ms', configOperation: 0, value: '1000' }] }], validateOnly: false }), [TOPIC_AUTH]),
  47: probe(apis.OffsetDelete, () => ({ groupId: GROUP, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0 }] }] }), [GROUP_AUTH]),
  48: probe(apis.DescribeClientQuotas, () => ({ components: [], strict: false }), [CLUSTER_AUTH]),
  49: probe(apis.AlterClientQuotas, () => ({ entries: [{ entity: [{ entityType: 'user', entityName: 'mallory' }], ops: [{ key: 'producer_byte_rate', value: 1e9, remove: false }] }], validateOnly: false }), [CLUSTER_AUTH]),
  // Named users: Kafka 4.4 answers `users: null` (all users) from an unauthorised principal with no
  // response at all (a NullPointerException in DescribeUserScramCredentialsRequest.getErrorResponse).
  50: probe(apis.DescribeUserScramCredentials, () => ({ users: [{ name: 'admin' }] }), [CLUSTER_AUTH], (r) => {
    for (const u of r.results) assert.deepEqual(u.credentialInfos, [], 'no credential is revealed');
  }),
  51: probe(apis.AlterUserScramCredentials, () => ({ deletions: [{ name: 'admin', mechanism: 1 }], upsertions: [] }), [CLUSTER_AUTH]),
  // DescribeCluster needs no ACL (Kafka answers it to everyone; the authorized operations say what is allowed).
  60: probe(apis.DescribeCluster, () => ({ includeClusterAuthorizedOperations: true, endpointType: 1, includeFencedBrokers: false }), [], (r) => assert.equal(r.clusterAuthorizedOperations, 0, 'no operation on the cluster is allowed')),
  61: probe(apis.DescribeProducers, () => ({ topics: [{ name: TOPIC, partitionIndexes: [0] }] }), [TOPIC_AUTH]),
  65: probe(apis.DescribeTransactions, () => ({ transactionalIds: [TXN] }), [TXN_AUTH]),
  66: probe(apis.ListTransactions, () => ({ stateFilters: [], producerIdFilters: [], durationFilter: -1n, transactionalIdPattern: null }), [], (r) => assert.deepEqual(r.transactionStates, [])),
  68: probe(apis.ConsumerGroupHeartbeat, () => ({ groupId: `${GROUP}-848`, memberId: 'AAAAAAAAAAAAAAAAAAAAAA', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 10_000, subscribedTopicNames: [TOPIC], subscribedTopicRegex: null, serverAssignor: null, topicPartitions: [] }), [GROUP_AUTH]),
  69: probe(apis.ConsumerGroupDescribe, () => ({ groupIds: [GROUP], includeAuthorizedOperations: true }), [GROUP_AUTH]),
  75: probe(apis.DescribeTopicPartitions, () => ({ topics: [{ name: TOPIC }], responsePartitionLimit: 100, cursor: null }), [TOPIC_AUTH]),
  76: probe(apis.ShareGroupHeartbeat, () => ({ groupId: SHARE, memberId: 'AAAAAAAAAAAAAAAAAAAAAA', memberEpoch: 0, rackId: null, subscribedTopicNames: [TOPIC] }), [GROUP_AUTH]),
  77: probe(apis.ShareGroupDescribe, () => ({ groupIds: [SHARE], includeAuthorizedOperations: true }), [GROUP_AUTH]),
  78: probe(apis.ShareFetch, () => ({ groupId: SHARE, memberId: 'AAAAAAAAAAAAAAAAAAAAAA', shareSessionEpoch: 0, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, maxRecords: 10, batchSize: 10, topics: [{ topicId, partitions: [{ partitionIndex: 0, acknowledgementBatches: [] }] }], forgottenTopicsData: [] }), [GROUP_AUTH]),
  79: probe(apis.ShareAcknowledge, () => ({ groupId: SHARE, memberId: 'AAAAAAAAAAAAAAAAAAAAAA', shareSessionEpoch: 1, topics: [{ topicId, partitions: [{ partitionIndex: 0, acknowledgementBatches: [{ firstOffset: 0n, lastOffset: 0n, acknowledgeTypes: [1] }] }] }] }), [GROUP_AUTH]),
  90: probe(apis.DescribeShareGroupOffsets, () => ({ groups: [{ groupId: SHARE, topics: [{ topicName: TOPIC, partitions: [0] }] }] }), [GROUP_AUTH]),
  91: probe(apis.AlterShareGroupOffsets, () => ({ groupId: SHARE, topics: [{ topicName: TOPIC, partitions: [{ partitionIndex: 0, startOffset: 0n }] }] }), [GROUP_AUTH]),
  92: probe(apis.DeleteShareGroupOffsets, () => ({ groupId: SHARE, topics: [{ topicName: TOPIC }] }), [GROUP_AUTH]),
};
const PRE_AUTHENTICATION = new Set([17, 18, 36]);
const ResourceTypeCode = { GROUP: 3, TRANSACTIONAL_ID: 5 } as const;

/**
 * carol (ALL on every group and transactional id, nothing on topics): what Kafka answers once the group
 * and transactional-id checks pass and the topic checks refuse (the same request bodies as above). The
 * transaction APIs past their id check (AddOffsetsToTxn, EndTxn, DescribeTransactions) are left out:
 * what follows depends on coordinator state (Kafka: NOT_COORDINATOR before __transaction_state exists).
 * Sent in this order (numeric keys are iterated ascending; DeleteGroups and after come last on purpose).
 */
const GROUP_AND_TXN_ONLY: Record<number, readonly number[]> = {
  0: [TOPIC_AUTH],
  8: [TOPIC_AUTH],
  9: [TOPIC_AUTH], // OffsetFetch: DESCRIBE on each topic asked for
  15: [],
  16: [],
  28: [TOPIC_AUTH],
  // The KIP-848 and share heartbeats check DESCRIBE on the subscribed topics (Kafka 4.x).
  68: [TOPIC_AUTH],
  76: [TOPIC_AUTH],
  // ShareFetch / ShareAcknowledge refuse the topic before looking at the share session.
  78: [TOPIC_AUTH],
  79: [TOPIC_AUTH],
  // The topic check comes before the group's existence for Describe/Alter, after it for Delete.
  90: [TOPIC_AUTH],
  91: [TOPIC_AUTH],
  92: [GROUP_ID_NOT_FOUND],
  // Last: carol may delete the (empty) group; then it is gone.
  42: [],
  47: [GROUP_ID_NOT_FOUND],
  69: [GROUP_ID_NOT_FOUND],
  77: [GROUP_ID_NOT_FOUND],
};

async function login(user: string): Promise<WireClient> {
  const c = await WireClient.connect(port);
  const handshake = await c.request(apis.SaslHandshake, 1, { mechanism: 'PLAIN' });
  assert.equal(handshake.errorCode, 0, `SaslHandshake for ${user}`);
  const auth = await c.request(apis.SaslAuthenticate, 2, { authBytes: Buffer.from(`\0${user}\0${PASSWORDS[user]!}`) });
  assert.equal(auth.errorCode, 0, `SaslAuthenticate for ${user}: ${auth.errorMessage ?? ''}`);
  return c;
}

/** Every non-zero value of a field named errorCode / *ErrorCode anywhere in a response. */
function errorCodes(value: unknown, into = new Set<number>()): Set<number> {
  if (Array.isArray(value)) for (const v of value) errorCodes(v, into);
  else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (/errorcode$/i.test(k) && typeof v === 'number' && v !== 0) into.add(v);
      else errorCodes(v, into);
    }
  }
  return into;
}

/** Leader and coordinator not there yet (a fresh Kafka): NOT_LEADER_OR_FOLLOWER, COORDINATOR_LOAD_IN_PROGRESS, _NOT_AVAILABLE, NOT_COORDINATOR. */
const NOT_READY = new Set([6, 14, 15, 16]);

/** Repeats a setup request while it answers only not-ready errors; then it must answer no error. */
async function untilDone(what: string, send: () => Promise<unknown>): Promise<void> {
  for (;;) {
    const codes = [...errorCodes(await send())];
    if (codes.length === 0 || !codes.every((c) => NOT_READY.has(c))) {
      assert.deepEqual(codes, [], what);
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const versionFor = (apiKey: number): number => Math.min(serverMax.get(apiKey)!, brookMax.get(apiKey) ?? -1);

before(async () => {
  if (onKafka) {
    const jaas = `org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="${PASSWORDS.admin!}" ${Object.entries(PASSWORDS).map(([u, p]) => `user_${u}="${p}"`).join(' ')};`;
    kafka = await startKafkaBroker({
      protocol: 'SASL_PLAINTEXT',
      config: {
        ...TEST_BROKER_CONFIG,
        'sasl.enabled.mechanisms': 'PLAIN',
        'sasl.mechanism.inter.broker.protocol': 'PLAIN',
        'listener.name.sasl_plaintext.plain.sasl.jaas.config': jaas,
        'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
        // The controller listener is PLAINTEXT: the broker reaches the controller as ANONYMOUS.
        'super.users': 'User:admin;User:ANONYMOUS',
      },
    });
    port = kafka.port;
    nodeId = kafka.nodeId;
  } else {
    brook = await startTestBroker({ config: { listeners: 'SASL_PLAINTEXT://127.0.0.1:0', 'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'super.users': 'User:admin' } });
    const m = scramMechanism('SCRAM-SHA-256')!;
    const upserts = await Promise.all(Object.entries(PASSWORDS).map(async ([user, p]) => ({ user, mechanism: m.name, credential: await createCredential(m, p) })));
    await brook.broker.state.security.credentials.change(upserts, []);
    port = brook.port;
    nodeId = brook.broker.state.nodeId;
  }
  // The super user makes what mallory will aim at: a topic with one record, a group's committed offset.
  const admin = await login('admin');
  try {
    const versions = await admin.request(apis.ApiVersions, 3, { clientSoftwareName: 'acl-matrix', clientSoftwareVersion: '1' });
    serverMax = new Map(versions.apiKeys.map((k) => [k.apiKey, k.maxVersion]));
    const created = await admin.request(apis.CreateTopics, versionFor(19), { topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false });
    assert.equal(created.topics[0]!.errorCode, 0, 'admin creates the topic');
    topicId = await adminTopicId(admin);
    await untilDone('admin produces', () =>
      admin.request(apis.Produce, versionFor(0), { acks: -1, timeoutMs: 30_000, topicData: [{ name: TOPIC, topicId, partitionData: [{ index: 0, records: [buildRecordBatch([{ value: Buffer.from('one') }, { value: Buffer.from('two') }])] }] }] }),
    );
    // Kafka creates __consumer_offsets on the first FindCoordinator: commit once the coordinator is there.
    await untilDone('admin commits an offset', async () => {
      await admin.request(apis.FindCoordinator, versionFor(10), { key: GROUP, keyType: 0, coordinatorKeys: [GROUP] });
      return admin.request(apis.OffsetCommit, Math.min(versionFor(8), 9), { groupId: GROUP, generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: TOPIC, topicId, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: '' }] }] });
    });
    // carol may do anything with groups and transactional ids, nothing with topics: the per-topic checks behind them.
    const creations = [ResourceTypeCode.GROUP, ResourceTypeCode.TRANSACTIONAL_ID].map((resourceType) => ({ resourceType, resourceName: '*', resourcePatternType: 3, principal: 'User:carol', host: '*', operation: 2, permissionType: 3 }));
    const acls = await admin.request(apis.CreateAcls, versionFor(30), { creations });
    assert.deepEqual([...errorCodes(acls)], [], 'admin creates carol’s ACLs');
  } finally {
    admin.close();
  }
});

after(async () => {
  await brook?.close();
  await kafka?.stop();
});

async function adminTopicId(admin: WireClient): Promise<string> {
  // Metadata right after CreateTopics may not list the topic yet on Kafka: ask until it does.
  for (;;) {
    const md = await admin.request(apis.Metadata, Math.min(versionFor(3), 12), { topics: [{ name: TOPIC }], allowAutoTopicCreation: false });
    const t = md.topics[0];
    if (t && t.errorCode === 0 && t.partitions.length === 1) return t.topicId;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('every advertised API has a row in the matrix', () => {
  const missing = [...serverMax.keys()].filter((k) => brookMax.has(k) && !PRE_AUTHENTICATION.has(k) && !(k in EXPECTED));
  assert.deepEqual(missing, [], 'API keys served without an expected authorisation answer');
});

test('a principal without ACLs: each API answers Kafka’s authorisation error and reveals nothing', async () => {
  let mallory = await login('mallory');
  const got: Record<string, number[] | string> = {};
  const want: Record<string, number[] | string> = {};
  try {
    for (const [key, p] of Object.entries(EXPECTED)) {
      const apiKey = Number(key);
      if (!serverMax.has(apiKey) || !brookMax.has(apiKey)) continue;
      const api = Object.values(apis).find((a) => a.apiKey === apiKey) as unknown as ApiDefinition<unknown, Record<string, unknown>>;
      const version = versionFor(apiKey);
      const label = `${api.name} v${version}`;
      // A broker that never answers is a finding, not a hang of the suite (a guard, not a synchronisation).
      let guard: NodeJS.Timeout | undefined;
      const silent = new Promise<null>((resolve) => (guard = setTimeout(() => resolve(null), 20_000)));
      const response = await Promise.race([mallory.request(api, version, p.body()), silent]).finally(() => clearTimeout(guard));
      if (response === null) {
        got[label] = 'no answer';
        want[label] = [...p.expect].sort((a, b) => a - b);
        mallory.close();
        mallory = await login('mallory');
        continue;
      }
      got[label] = [...errorCodes(response)].sort((a, b) => a - b);
      want[label] = [...p.expect].sort((a, b) => a - b);
      try {
        p.check?.(response);
      } catch (e) {
        got[`${label} reveals`] = (e as Error).message;
      }
    }
  } finally {
    mallory.close();
  }
  assert.deepEqual(got, want);
});

test('after the matrix nothing has changed: topic, partitions, records, configs, offsets, ACLs', async () => {
  const admin = await login('admin');
  try {
    const md = await admin.request(apis.Metadata, Math.min(versionFor(3), 12), { topics: null, allowAutoTopicCreation: false });
    const names = md.topics.map((t) => t.name);
    assert.ok(names.includes(TOPIC), 'the topic was not deleted');
    assert.ok(!names.includes(NEW_TOPIC), 'no topic was created');
    assert.equal(md.topics.find((t) => t.name === TOPIC)!.partitions.length, 1, 'no partition was added');
    const offsets = await admin.request(apis.ListOffsets, Math.min(versionFor(2), 7), { replicaId: -1, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, timestamp: -2n }] }] });
    assert.equal(offsets.topics[0]!.partitions[0]!.offset, 0n, 'no record was deleted (log start offset 0)');
    const end = await admin.request(apis.ListOffsets, Math.min(versionFor(2), 7), { replicaId: -1, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
    assert.equal(end.topics[0]!.partitions[0]!.offset, 2n, 'no record was appended');
    const fetched = await admin.request(apis.OffsetFetch, Math.min(versionFor(9), 9), { groups: [{ groupId: GROUP, topics: [{ name: TOPIC, partitionIndexes: [0] }] }], requireStable: false });
    assert.equal(fetched.groups[0]!.topics[0]!.partitions[0]!.committedOffset, 1n, 'the committed offset is unchanged (not deleted, not overwritten)');
    const configs = await admin.request(apis.DescribeConfigs, versionFor(32), { resources: [{ resourceType: 2, resourceName: TOPIC, configurationKeys: ['retention.ms'] }] });
    assert.notEqual(configs.results[0]!.configs[0]?.value, '1000', 'retention.ms was not altered');
    const acls = await admin.request(apis.DescribeAcls, versionFor(29), { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: 'User:mallory', hostFilter: null, operation: 1, permissionType: 1 });
    assert.deepEqual(acls.resources, [], 'no ACL was created');
  } finally {
    admin.close();
  }
});

const sizePrefixed = (b: Buffer): Buffer => Buffer.concat([Buffer.from([b.length >>> 24, (b.length >>> 16) & 0xff, (b.length >>> 8) & 0xff, b.length & 0xff]), b]);

test('SaslHandshake v0: bare size-prefixed SASL tokens authenticate (PLAIN answers an empty token); a wrong password ends the connection', async () => {
  const c = await WireClient.connect(port);
  try {
    assert.equal((await c.request(apis.SaslHandshake, 0, { mechanism: 'PLAIN' })).errorCode, 0);
    c.writeRaw(sizePrefixed(Buffer.from(`\0mallory\0${PASSWORDS.mallory!}`)));
    assert.deepEqual(await c.nextFrame(), Buffer.alloc(0), 'PLAIN’s empty server token');
    const md = await c.request(apis.Metadata, Math.min(versionFor(3), 12), { topics: null, allowAutoTopicCreation: false });
    assert.deepEqual(md.topics, [], 'authenticated as mallory, who may see no topic');
  } finally {
    c.close();
  }
  const wrong = await WireClient.connect(port);
  assert.equal((await wrong.request(apis.SaslHandshake, 0, { mechanism: 'PLAIN' })).errorCode, 0);
  wrong.writeRaw(sizePrefixed(Buffer.from('\0mallory\0not-the-password')));
  assert.equal(await wrong.nextFrame(), null, 'no answer: the connection is closed');
});

test('a principal with group and transactional-id rights but none on topics: the per-topic checks answer as Kafka', async () => {
  const carol = await login('carol');
  const got: Record<string, number[]> = {};
  const want: Record<string, number[]> = {};
  try {
    for (const apiKey of [0, 8, 9, 15, 16, 28, 68, 76, 78, 79, 90, 91, 92, 42, 47, 69, 77]) {
      const expect = GROUP_AND_TXN_ONLY[apiKey]!;
      if (!serverMax.has(apiKey) || !brookMax.has(apiKey)) continue;
      const api = Object.values(apis).find((a) => a.apiKey === apiKey) as unknown as ApiDefinition<unknown, Record<string, unknown>>;
      const label = `${api.name} v${versionFor(apiKey)}`;
      got[label] = [...errorCodes(await carol.request(api, versionFor(apiKey), EXPECTED[apiKey]!.body()))].sort((a, b) => a - b);
      want[label] = [...expect].sort((a, b) => a - b);
    }
  } finally {
    carol.close();
  }
  assert.deepEqual(got, want);
});
