// Differential: the bad input of test/broker/bad-input*.test.ts, and the error paths of the admin,
// group and transaction APIs, sent to Brook and to Apache Kafka. Framing errors must end the same
// way (a closed connection, or KIP-511's ApiVersions v0 answer); requests must get the same
// answer field by field after normalise() (error codes included, error message texts not).
// Every difference must be one of docs/compatibility.md's (known-differences.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { apis } from '../../src/protocol/messages/index.js';
import { decodeResponseHeader, encodeRequestFrame } from '../../src/protocol/headers.js';
import type { ApiDefinition, MessageInput } from '../../src/protocol/primitives/codec.js';
import { ByteReader } from '../../src/protocol/primitives/byte-reader.js';
import { buildRecordBatch } from '../../src/protocol/records/batch-builder.js';
import { crc32cRange } from '../../src/protocol/records/crc32c.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { uniqueName } from '../helpers/target.js';
import { awaitTopics, startPeers, PEERS, type PeerName, type Peers } from './peers.js';
import { differences, normalise } from './normalise.js';
import { explain } from './known-differences.js';

let peers: Peers;
const TOPIC = uniqueName('diff-bad-input');
const BIG_LIMIT = uniqueName('diff-bad-input-small');
before(async () => {
  peers = await startPeers();
  for (const peer of PEERS) {
    const c = await peers.connect(peer);
    try {
      const res = await c.request(apis.CreateTopics, 7, {
        topics: [
          { name: TOPIC, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] },
          { name: BIG_LIMIT, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'max.message.bytes', value: '2000' }] },
        ],
        timeoutMs: 10_000,
        validateOnly: false,
      });
      for (const t of res.topics) assert.equal(t.errorCode, ErrorCode.NONE, `${peer}: ${t.name}: ${t.errorMessage}`);
      await awaitTopics(c, [TOPIC, BIG_LIMIT]);
      // As a client does before group and transaction requests: find the coordinators, waiting
      // while Kafka creates and loads __consumer_offsets and __transaction_state (Brook has them).
      for (const [keyType, keys] of [[0, [GROUP, COMMIT_GROUP]], [1, [TXN, NO_TXN]]] as const) {
        for (let attempt = 0; ; attempt++) {
          const found = await c.request(apis.FindCoordinator, 4, { key: '', keyType, coordinatorKeys: [...keys] });
          if (found.coordinators.every((x) => x.errorCode === ErrorCode.NONE)) break;
          assert.ok(attempt < 200, `${peer}: coordinators for ${keys.join(', ')}: ${JSON.stringify(found.coordinators)}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    } finally {
      c.close();
    }
  }
});
after(async () => {
  await peers?.close();
});

// ------------------------------------------------------------------ framing

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function rawFrame(apiKey: number, apiVersion: number, body: Buffer): Buffer {
  const header = Buffer.alloc(10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(7, 4);
  header.writeInt16BE(-1, 8);
  return Buffer.concat([int32(header.length + body.length), header, body]);
}

/** What a broker does with `bytes` on a fresh connection: closes it, or answers (error code). */
async function outcome(peer: PeerName, bytes: Buffer): Promise<string> {
  const c = await peers.connect(peer);
  try {
    c.writeRaw(bytes);
    const frame = await c.nextFrame();
    if (frame === null) return 'closed';
    return `answered ${frame.length} bytes`;
  } finally {
    c.close();
  }
}

const truncatedDescribeConfigs = (() => {
  const full = encodeRequestFrame({ apiKey: apis.DescribeConfigs.apiKey, apiVersion: 4, correlationId: 1, clientId: 't' }, apis.DescribeConfigs.request, {
    resources: [{ resourceType: 2, resourceName: 'some-topic', configurationKeys: ['retention.ms'] }],
    includeSynonyms: true,
    includeDocumentation: false,
  });
  const cut = full.subarray(0, full.length - 6);
  return Buffer.concat([int32(cut.length - 4), cut.subarray(4)]);
})();

const FRAMING: [string, Buffer][] = [
  ['a negative frame size', int32(-5)],
  ['a frame too short for a request header', Buffer.concat([int32(3), Buffer.from([0, 3, 0])])],
  ['an unknown API key', rawFrame(9999, 0, Buffer.alloc(0))],
  ['Metadata at version 99', rawFrame(apis.Metadata.apiKey, 99, Buffer.from([0]))],
  ['a truncated DescribeConfigs body', truncatedDescribeConfigs],
  ['an array count of two billion in 4 bytes', rawFrame(apis.DescribeConfigs.apiKey, 1, int32(0x7fffffff))],
];

test('framing errors end the same way on both', async (t) => {
  const mismatches: string[] = [];
  for (const [name, bytes] of FRAMING) {
    const [brook, kafka] = [await outcome('brook', bytes), await outcome('kafka', bytes)];
    t.diagnostic(`${name}: Brook ${brook}, Kafka ${kafka}`);
    if (brook !== kafka) mismatches.push(`${name}: Brook ${brook}, Kafka ${kafka}`);
  }
  assert.deepEqual(mismatches, []);
});

test('ApiVersions at an unknown version: both answer v0 UNSUPPORTED_VERSION with their version list (KIP-511)', async () => {
  for (const peer of PEERS) {
    const c = await peers.connect(peer);
    try {
      c.writeRaw(encodeRequestFrame({ apiKey: 18, apiVersion: 99, correlationId: 41, clientId: 'future' }, apis.ApiVersions.request, {}));
      const frame = await c.nextFrame();
      assert.ok(frame, `${peer} answered`);
      const header = decodeResponseHeader(frame, 0);
      assert.equal(header.correlationId, 41);
      const body = apis.ApiVersions.response.read(new ByteReader(frame, header.bodyOffset), 0);
      assert.equal(body.errorCode, ErrorCode.UNSUPPORTED_VERSION, peer);
      assert.ok(body.apiKeys.some((k) => k.apiKey === 18), `${peer} lists ApiVersions`);
    } finally {
      c.close();
    }
  }
});

// ------------------------------------------------------------------ requests with error answers

const ATTRIBUTES = 21;
const CRC = 17;
const MAGIC = 16;
const RECORD_COUNT = 57;

function batch(n = 2, value = 'v'): Buffer {
  return buildRecordBatch(Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(value) })));
}

function fixCrc(buf: Buffer): Buffer {
  buf.writeUInt32BE(crc32cRange(buf, ATTRIBUTES, buf.length), CRC);
  return buf;
}

function produce(records: Buffer, options: { topic?: string; partition?: number; acks?: number } = {}): Request {
  return {
    api: apis.Produce,
    version: 9,
    body: { transactionalId: null, acks: options.acks ?? -1, timeoutMs: 5000, topicData: [{ name: options.topic ?? BIG_LIMIT, partitionData: [{ index: options.partition ?? 0, records }] }] },
  };
}

interface Request {
  api: ApiDefinition<unknown, unknown>;
  version: number;
  body: unknown;
}

function req<Req, Res>(api: ApiDefinition<Req, Res>, version: number, body: MessageInput<Req>): Request {
  return { api: api as unknown as ApiDefinition<unknown, unknown>, version, body };
}

const MISSING = uniqueName('diff-missing-topic');
const GROUP = uniqueName('diff-bad-group');
/** A group nothing else touches: a refused JoinGroup leaves an empty group behind on Kafka, not on Brook. */
const COMMIT_GROUP = uniqueName('diff-commit-group');
const TXN = uniqueName('diff-txn');
const NO_TXN = uniqueName('diff-no-txn');

const REQUESTS: [string, () => Request][] = [
  // Produce (test/broker/bad-input-produce.test.ts)
  ['Produce: wrong CRC', () => {
    const b = batch();
    b[b.length - 1]! ^= 0xff;
    return produce(b);
  }],
  ['Produce: legacy magic 1', () => {
    const b = batch();
    b[MAGIC] = 1;
    return produce(b);
  }],
  ['Produce: lastOffsetDelta inconsistent with the records', () => produce(buildRecordBatch([{ value: Buffer.from('a') }, { value: Buffer.from('b') }], { lastOffsetDelta: 5 }))],
  ['Produce: record count inconsistent with the records', () => {
    const b = batch(2);
    b.writeInt32BE(3, RECORD_COUNT);
    b.writeInt32BE(2, 23);
    return produce(fixCrc(b));
  }],
  ['Produce: batch over max.message.bytes', () => produce(batch(1, 'x'.repeat(3000)))],
  ['Produce: control batch from a client', () => produce(buildRecordBatch([{ key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 0]) }], { control: true }))],
  ['Produce: invalid topic name', () => produce(batch(), { topic: 'bad/name' })],
  ['Produce: unknown topic', () => produce(batch(), { topic: MISSING })],
  ['Produce: unknown partition', () => produce(batch(), { partition: 7 })],
  ['Produce: acks outside -1/0/1', () => produce(batch(), { acks: 2 })],
  ['Produce: gzip batch that does not decompress', () => {
    const b = Buffer.from(buildRecordBatch([{ value: Buffer.from('x') }], { compression: 1 }).subarray(0, 61));
    const junk = Buffer.concat([b, gzipSync(Buffer.from('not records')).subarray(0, 8)]);
    junk.writeInt32BE(junk.length - 12, 8);
    return produce(fixCrc(junk));
  }],
  // Fetch and ListOffsets
  ['Fetch: offset past the end', () =>
    req(apis.Fetch, 11, { replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{ topic: TOPIC, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 1000n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '' })],
  ['Fetch: unknown topic', () =>
    req(apis.Fetch, 11, { replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{ topic: MISSING, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '' })],
  ['ListOffsets: unknown partition and unknown topic', () =>
    req(apis.ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 9, currentLeaderEpoch: -1, timestamp: -1n }] }, { name: MISSING, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }] })],
  // Topic administration
  ['CreateTopics: bad names, counts, factors and configs', () =>
    req(apis.CreateTopics, 7, {
      topics: [
        { name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'bad/name', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        { name: `${MISSING}-zero`, numPartitions: 0, replicationFactor: 1, assignments: [], configs: [] },
        { name: `${MISSING}-rf3`, numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] },
        { name: `${MISSING}-cfg`, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: 'abc' }] },
        { name: `${MISSING}-unknown-cfg`, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'no.such.config', value: '1' }] },
      ],
      timeoutMs: 5000,
      validateOnly: true,
    })],
  ['CreatePartitions: empty assignments, shrinking, unknown topic', () =>
    req(apis.CreatePartitions, 3, {
      topics: [
        { name: TOPIC, count: 3, assignments: [] },
        { name: BIG_LIMIT, count: 1, assignments: null },
        { name: MISSING, count: 2, assignments: null },
      ],
      timeoutMs: 5000,
      validateOnly: true,
    })],
  ['DeleteTopics: unknown topic', () => req(apis.DeleteTopics, 4, { topicNames: [MISSING], timeoutMs: 5000 })],
  ['DescribeConfigs: unknown topic', () => req(apis.DescribeConfigs, 4, { resources: [{ resourceType: 2, resourceName: MISSING, configurationKeys: ['retention.ms'] }], includeSynonyms: false, includeDocumentation: false })],
  ['DeleteRecords: beyond the high watermark', () => req(apis.DeleteRecords, 2, { topics: [{ name: TOPIC, partitions: [{ partitionIndex: 1, offset: 50n }] }], timeoutMs: 5000 })],
  // Groups
  ['JoinGroup: session timeout below the minimum', () =>
    req(apis.JoinGroup, 5, { groupId: GROUP, sessionTimeoutMs: 1, rebalanceTimeoutMs: 1000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], reason: null })],
  ['JoinGroup: no protocols', () =>
    req(apis.JoinGroup, 5, { groupId: GROUP, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 1000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [], reason: null })],
  ['SyncGroup: unknown member', () => req(apis.SyncGroup, 3, { groupId: GROUP, generationId: 1, memberId: 'nobody', groupInstanceId: null, assignments: [] })],
  ['Heartbeat: unknown member', () => req(apis.Heartbeat, 3, { groupId: GROUP, generationId: 1, memberId: 'nobody', groupInstanceId: null })],
  ['LeaveGroup: unknown member', () => req(apis.LeaveGroup, 3, { groupId: GROUP, members: [{ memberId: 'nobody', groupInstanceId: null }] })],
  ['OffsetCommit: unknown member of a generation', () =>
    req(apis.OffsetCommit, 7, { groupId: COMMIT_GROUP, generationIdOrMemberEpoch: 3, memberId: 'nobody', groupInstanceId: null, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }] })],
  ['OffsetFetch: a group with no commits', () => req(apis.OffsetFetch, 7, { groupId: GROUP, topics: [{ name: TOPIC, partitionIndexes: [0, 1] }], requireStable: true })],
  ['DescribeGroups: unknown group', () => req(apis.DescribeGroups, 5, { groups: [uniqueName('diff-no-such-group')], includeAuthorizedOperations: false })],
  ['DeleteGroups: unknown group', () => req(apis.DeleteGroups, 2, { groupsNames: [uniqueName('diff-no-such-group')] })],
  // Transactions
  ['InitProducerId: transaction timeout over the maximum', () => req(apis.InitProducerId, 4, { transactionalId: TXN, transactionTimeoutMs: 2_000_000_000, producerId: -1n, producerEpoch: -1 })],
  ['EndTxn: unknown transactional id', () => req(apis.EndTxn, 3, { transactionalId: NO_TXN, producerId: 77n, producerEpoch: 0, committed: true })],
  ['AddPartitionsToTxn: unknown transactional id', () =>
    req(apis.AddPartitionsToTxn, 3, { v3AndBelowTransactionalId: NO_TXN, v3AndBelowProducerId: 77n, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [{ name: TOPIC, partitions: [0] }], transactions: [] })],
];

/** As a client does: retry while the group or transaction coordinator is being set up (Kafka creates its topic on first use). */
const NOT_READY: ReadonlySet<number> = new Set([ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.NOT_COORDINATOR]);

function topLevelError(res: unknown): number {
  const r = res as { errorCode?: number; groups?: { errorCode?: number }[] };
  return Number(r.errorCode ?? r.groups?.[0]?.errorCode ?? 0);
}

for (const [name, make] of REQUESTS) {
  test(`same answer: ${name}`, async (t) => {
    const r = make();
    if (!peers.bothServe(r.api.apiKey, r.version)) return t.skip(`${r.api.name} v${r.version} is not served by both`);
    const answers = {} as Record<PeerName, unknown>;
    for (const peer of PEERS) {
      const c = await peers.connect(peer);
      try {
        let res: unknown = await c.request(r.api, r.version, r.body as never);
        for (let retry = 0; NOT_READY.has(topLevelError(res)) && retry < 100; retry++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          res = await c.request(r.api, r.version, r.body as never);
        }
        answers[peer] = normalise(res);
      } finally {
        c.close();
      }
    }
    const unexplained: string[] = [];
    for (const d of differences(answers.brook, answers.kafka)) {
      const why = explain(r.api.name, d, answers);
      if (why) t.diagnostic(`${d.path}: known difference (${why})`);
      else unexplained.push(`${d.path}: Brook ${JSON.stringify(d.brook)}, Kafka ${JSON.stringify(d.kafka)}`.slice(0, 600));
    }
    assert.deepEqual(unexplained, [], 'differences not in docs/compatibility.md');
  });
}

