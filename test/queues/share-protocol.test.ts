// Share groups through raw wire requests (exact versions, fields and error codes as Kafka 4.4):
// ShareGroupHeartbeat validation and fencing, ShareGroupDescribe, share sessions in ShareFetch and
// ShareAcknowledge, acknowledgement validation, long polls woken by appends, read_committed,
// DeleteRecords moving the start offset, the offsets admin APIs, ListGroups/DescribeGroups/
// DeleteGroups beside classic groups, and GROUP config resources.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { createProducer, TransactionalProducer } from '../../src/client/index.js';
import { topicIdToWire } from '../../src/broker/topics/topic-ids.js';
import type { TestBroker } from '../helpers/broker.js';
import { WireClient } from '../broker/admin-wire.js';
import { appendRecords, seedTopic, setGroupConfig, startShareBroker, until } from './share-helpers.js';

let b: TestBroker;
let c: WireClient;

const MEMBER = 'AAAAAAAAAAAAAAAAAAAAAB';
const OTHER = 'AAAAAAAAAAAAAAAAAAAAAC';

function topicId(topic: string): string {
  return topicIdToWire(b.broker.state.topics.get(topic)!.topicId);
}

function heartbeat(group: string, memberId: string, memberEpoch: number, topics: string[] | null = null) {
  return c.request(apis.ShareGroupHeartbeat, 1, { groupId: group, memberId, memberEpoch, rackId: null, subscribedTopicNames: topics });
}

function fetch(group: string, memberId: string, epoch: number, topic: string, acks: { firstOffset: bigint; lastOffset: bigint; acknowledgeTypes: number[] }[] = [], extra: Record<string, unknown> = {}) {
  return c.request(apis.ShareFetch, 1, {
    groupId: group,
    memberId,
    shareSessionEpoch: epoch,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1 << 20,
    maxRecords: 100,
    batchSize: 100,
    topics: [{ topicId: topicId(topic), partitions: [{ partitionIndex: 0, acknowledgementBatches: acks }] }],
    forgottenTopicsData: [],
    ...extra,
  });
}

function acquired(res: Awaited<ReturnType<typeof fetch>>): [number, number, number][] {
  return res.responses.flatMap((t) => t.partitions.flatMap((p) => p.acquiredRecords.map((a): [number, number, number] => [Number(a.firstOffset), Number(a.lastOffset), a.deliveryCount])));
}

before(async () => {
  b = await startShareBroker();
  c = await WireClient.connect(b.port);
});

after(async () => {
  c.close();
  await b.close();
});

describe('ShareGroupHeartbeat (key 76)', () => {
  it('validates, joins, assigns, fences stale epochs, and leaves', async () => {
    await seedTopic(b, 'hb', 0, { partitions: 2 });
    assert.equal((await heartbeat('g-hb', '', 0, ['hb'])).errorCode, ErrorCode.INVALID_REQUEST, 'empty member id');
    assert.equal((await heartbeat('g-hb', MEMBER, 0, null)).errorCode, ErrorCode.INVALID_REQUEST, 'first request without topics');
    assert.equal((await heartbeat('g-hb', MEMBER, -2, ['hb'])).errorCode, ErrorCode.INVALID_REQUEST, 'epoch below -1');
    assert.equal((await heartbeat('g-unknown', MEMBER, 3)).errorCode, ErrorCode.GROUP_ID_NOT_FOUND, 'no such group');
    const joined = await heartbeat('g-hb', MEMBER, 0, ['hb']);
    assert.equal(joined.errorCode, ErrorCode.NONE);
    assert.equal(joined.memberId, MEMBER);
    assert.ok(joined.memberEpoch > 0);
    assert.deepEqual(joined.assignment?.topicPartitions.map((t) => [t.topicId, t.partitions]), [[topicId('hb'), [0, 1]]]);
    assert.equal((await heartbeat('g-hb', OTHER, 5)).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal((await heartbeat('g-hb', MEMBER, joined.memberEpoch + 1)).errorCode, ErrorCode.FENCED_MEMBER_EPOCH, 'a greater epoch is fenced');
    // A second member: the two partitions are split, one each (SimpleAssignor, no sharing needed).
    const second = await heartbeat('g-hb', OTHER, 0, ['hb']);
    const first = await heartbeat('g-hb', MEMBER, joined.memberEpoch);
    assert.equal(first.memberEpoch, second.memberEpoch);
    const parts = [...(first.assignment?.topicPartitions[0]?.partitions ?? []), ...(second.assignment?.topicPartitions[0]?.partitions ?? [])].sort();
    assert.deepEqual(parts, [0, 1]);
    const described = await c.request(apis.ShareGroupDescribe, 1, { groupIds: ['g-hb', 'g-none', ''], includeAuthorizedOperations: false });
    assert.equal(described.groups[0]!.groupState, 'Stable');
    assert.equal(described.groups[0]!.members.length, 2);
    assert.deepEqual(described.groups[0]!.members.map((m) => m.subscribedTopicNames), [['hb'], ['hb']]);
    assert.equal(described.groups[1]!.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
    assert.equal(described.groups[2]!.errorCode, ErrorCode.INVALID_GROUP_ID);
    assert.equal((await heartbeat('g-hb', OTHER, -1)).memberEpoch, -1);
    assert.equal((await heartbeat('g-hb', MEMBER, -1)).memberEpoch, -1);
    const empty = await c.request(apis.ShareGroupDescribe, 1, { groupIds: ['g-hb'], includeAuthorizedOperations: false });
    assert.equal(empty.groups[0]!.groupState, 'Empty');
  });

  it('a classic group id is not a share group, and the other way round', async () => {
    await c.request(apis.JoinGroup, 5, { groupId: 'g-classic', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] });
    const hb = await heartbeat('g-classic', MEMBER, 0, ['hb']);
    assert.equal(hb.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
    assert.match(hb.errorMessage ?? '', /not a share group/);
    await heartbeat('g-share-only', MEMBER, 0, ['hb']);
    const dg = await c.request(apis.DescribeGroups, 6, { groups: ['g-share-only', 'g-nothing'], includeAuthorizedOperations: false });
    assert.deepEqual(dg.groups.map((g) => g.errorCode), [ErrorCode.GROUP_ID_NOT_FOUND, ErrorCode.GROUP_ID_NOT_FOUND]);
    assert.match(dg.groups[0]!.errorMessage ?? '', /not a classic group/);
    const dg5 = await c.request(apis.DescribeGroups, 5, { groups: ['g-share-only'], includeAuthorizedOperations: false });
    assert.deepEqual([dg5.groups[0]!.errorCode, dg5.groups[0]!.groupState], [ErrorCode.NONE, 'Dead']);
    const listed = await c.request(apis.ListGroups, 5, { statesFilter: [], typesFilter: ['Share'] });
    assert.ok(listed.groups.some((g) => g.groupId === 'g-share-only' && g.groupType === 'share' && g.protocolType === 'share'));
    assert.ok(!listed.groups.some((g) => g.groupId === 'g-classic'));
    const classicOnly = await c.request(apis.ListGroups, 5, { statesFilter: [], typesFilter: ['classic'] });
    assert.ok(!classicOnly.groups.some((g) => g.groupType === 'share'));
    const deleted = await c.request(apis.DeleteGroups, 3, { groupsNames: ['g-share-only'] });
    assert.equal(deleted.results[0]!.errorCode, ErrorCode.NON_EMPTY_GROUP);
    await heartbeat('g-share-only', MEMBER, -1);
    assert.equal((await c.request(apis.DeleteGroups, 3, { groupsNames: ['g-share-only'] })).results[0]!.errorCode, ErrorCode.NONE);
    assert.equal((await c.request(apis.DeleteGroups, 3, { groupsNames: ['g-share-only'] })).results[0]!.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
  });
});

describe('ShareFetch (key 78) and ShareAcknowledge (key 79)', () => {
  it('share sessions: open with epoch 0, continue with the next epoch, errors otherwise', async () => {
    await seedTopic(b, 'sess', 20, { batch: 5 });
    await setGroupConfig(b.port, 'g-sess', { 'share.auto.offset.reset': 'earliest' });
    assert.equal((await fetch('g-sess', MEMBER, 3, 'sess')).errorCode, ErrorCode.SHARE_SESSION_NOT_FOUND);
    assert.equal((await fetch('g-sess', MEMBER, 0, 'sess', [{ firstOffset: 0n, lastOffset: 0n, acknowledgeTypes: [1] }])).errorCode, ErrorCode.INVALID_REQUEST, 'acknowledgements in an opening request');
    assert.equal((await fetch('g-sess', '', 0, 'sess')).errorCode, ErrorCode.INVALID_REQUEST, 'empty member id');
    const opened = await fetch('g-sess', MEMBER, 0, 'sess', [], { maxRecords: 5 });
    assert.equal(opened.errorCode, ErrorCode.NONE);
    assert.equal(opened.acquisitionLockTimeoutMs, 30_000);
    assert.deepEqual(acquired(opened), [[0, 4, 1]]);
    assert.equal((await fetch('g-sess', MEMBER, 5, 'sess')).errorCode, ErrorCode.INVALID_SHARE_SESSION_EPOCH);
    const ack = await c.request(apis.ShareAcknowledge, 2, { groupId: 'g-sess', memberId: MEMBER, shareSessionEpoch: 0, isRenewAck: false, topics: [] });
    assert.equal(ack.errorCode, ErrorCode.INVALID_SHARE_SESSION_EPOCH, 'ShareAcknowledge cannot open a session');
    // Epoch 1: accept 0-4 on the way, get the next five.
    const next = await fetch('g-sess', MEMBER, 1, 'sess', [{ firstOffset: 0n, lastOffset: 4n, acknowledgeTypes: [1] }], { maxRecords: 5 });
    assert.equal(next.responses[0]!.partitions[0]!.acknowledgeErrorCode, ErrorCode.NONE);
    assert.deepEqual(acquired(next), [[5, 9, 1]]);
    // ShareAcknowledge with epoch 2: release 5-6, reject 7, gap 8, accept 9 (one type per offset).
    const acked = await c.request(apis.ShareAcknowledge, 2, {
      groupId: 'g-sess',
      memberId: MEMBER,
      shareSessionEpoch: 2,
      isRenewAck: false,
      topics: [{ topicId: topicId('sess'), partitions: [{ partitionIndex: 0, acknowledgementBatches: [{ firstOffset: 5n, lastOffset: 9n, acknowledgeTypes: [2, 2, 3, 0, 1] }] }] }],
    });
    assert.equal(acked.errorCode, ErrorCode.NONE);
    assert.equal(acked.responses[0]!.partitions[0]!.errorCode, ErrorCode.NONE);
    const again = await fetch('g-sess', MEMBER, 3, 'sess', [], { maxRecords: 2 });
    assert.deepEqual(acquired(again), [[5, 6, 2]], 'released records come back first, with delivery count 2');
    // Final request (epoch -1): acknowledgements only; the session closes, the rest is released.
    const final = await fetch('g-sess', MEMBER, -1, 'sess', [{ firstOffset: 5n, lastOffset: 5n, acknowledgeTypes: [1] }]);
    assert.equal(final.errorCode, ErrorCode.NONE);
    assert.deepEqual(acquired(final), []);
    assert.equal((await fetch('g-sess', MEMBER, 4, 'sess')).errorCode, ErrorCode.SHARE_SESSION_NOT_FOUND);
    const reopened = await fetch('g-sess', OTHER, 0, 'sess', [], { maxRecords: 1 });
    assert.deepEqual(acquired(reopened), [[6, 6, 3]], 'offset 6, released by the closed session');
  });

  it('acknowledgement validation: malformed batches are INVALID_REQUEST, foreign records INVALID_RECORD_STATE, nothing applied', async () => {
    await seedTopic(b, 'val', 10, { batch: 10 });
    await setGroupConfig(b.port, 'g-val', { 'share.auto.offset.reset': 'earliest' });
    assert.deepEqual(acquired(await fetch('g-val', MEMBER, 0, 'val')), [[0, 9, 1]]);
    const ackWith = async (epoch: number, memberId: string, batches: { firstOffset: bigint; lastOffset: bigint; acknowledgeTypes: number[] }[], version = 1, isRenewAck = false) =>
      (await c.request(apis.ShareAcknowledge, version, { groupId: 'g-val', memberId, shareSessionEpoch: epoch, isRenewAck, topics: [{ topicId: topicId('val'), partitions: [{ partitionIndex: 0, acknowledgementBatches: batches }] }] })).responses[0]!.partitions[0]!.errorCode;
    assert.equal(await ackWith(1, MEMBER, [{ firstOffset: 3n, lastOffset: 2n, acknowledgeTypes: [1] }]), ErrorCode.INVALID_REQUEST, 'last before first');
    assert.equal(await ackWith(2, MEMBER, [{ firstOffset: 0n, lastOffset: 3n, acknowledgeTypes: [1] }, { firstOffset: 3n, lastOffset: 4n, acknowledgeTypes: [1] }]), ErrorCode.INVALID_REQUEST, 'overlap');
    assert.equal(await ackWith(3, MEMBER, [{ firstOffset: 0n, lastOffset: 3n, acknowledgeTypes: [1, 1] }]), ErrorCode.INVALID_REQUEST, 'two types for four offsets');
    assert.equal(await ackWith(4, MEMBER, [{ firstOffset: 0n, lastOffset: 0n, acknowledgeTypes: [4] }]), ErrorCode.INVALID_REQUEST, 'Renew in version 1');
    assert.equal(await ackWith(5, MEMBER, [{ firstOffset: 0n, lastOffset: 0n, acknowledgeTypes: [4] }], 2, false), ErrorCode.INVALID_REQUEST, 'Renew without IsRenewAck');
    assert.equal(await ackWith(6, MEMBER, [{ firstOffset: 0n, lastOffset: 0n, acknowledgeTypes: [4] }], 2, true), ErrorCode.NONE, 'Renew');
    assert.equal(await ackWith(7, MEMBER, [{ firstOffset: 8n, lastOffset: 12n, acknowledgeTypes: [1] }]), ErrorCode.INVALID_REQUEST, 'past the acquired records');
    // The other member has no session yet; open one (it gets nothing: all ten are locked), then try.
    assert.deepEqual(acquired(await fetch('g-val', OTHER, 0, 'val')), []);
    assert.equal(await ackWith(1, OTHER, [{ firstOffset: 0n, lastOffset: 1n, acknowledgeTypes: [1] }]), ErrorCode.INVALID_RECORD_STATE, 'records of another member');
    // Nothing above changed anything: the owner accepts all ten.
    assert.equal(await ackWith(8, MEMBER, [{ firstOffset: 0n, lastOffset: 9n, acknowledgeTypes: [1] }]), ErrorCode.NONE);
    assert.equal(await ackWith(9, MEMBER, [{ firstOffset: 0n, lastOffset: 0n, acknowledgeTypes: [1] }]), ErrorCode.NONE, 'below the start offset: already done, ignored as Kafka does');
  });

  it('a long poll parks until records are appended', async () => {
    await seedTopic(b, 'poll', 0);
    await setGroupConfig(b.port, 'g-poll', { 'share.auto.offset.reset': 'earliest' });
    const parked = fetch('g-poll', MEMBER, 0, 'poll', [], { maxWaitMs: 60_000 });
    const key = { groupId: 'g-poll', topicId: topicId('poll'), partition: 0 };
    await until('the fetch to park', () => b.broker.state.shareGroups.engine.waiting(key) > 0);
    await appendRecords(b, 'poll', 0, 3, 3);
    const res = await parked;
    assert.deepEqual(acquired(res), [[0, 2, 1]]);
  });

  it('read_committed: aborted transactions are archived unseen, open ones wait for their marker', async () => {
    await seedTopic(b, 'txn', 0);
    await setGroupConfig(b.port, 'g-txn', { 'share.auto.offset.reset': 'earliest', 'share.isolation.level': 'read_committed' });
    const client = { brokers: [b.bootstrap], clientId: 'share-txn' };
    const lib = createProducer(client);
    const rec = (v: string) => ({ value: Buffer.from(v) });
    try {
      const p = new TransactionalProducer(lib, { transactionalId: 'share-txn-1' });
      await p.init();
      await p.send([{ topic: 'txn', partition: 0, records: [rec('a0'), rec('a1')] }]);
      await p.abort();
      await p.send([{ topic: 'txn', partition: 0, records: [rec('c0'), rec('c1')] }]);
      const open = await fetch('g-txn', MEMBER, 0, 'txn');
      assert.deepEqual(acquired(open), [], 'nothing committed yet: the aborted records are archived, the open transaction waits');
      await p.commit({ groupId: 'unused', generationId: -1, memberId: '', groupInstanceId: null }, []);
      const res = await fetch('g-txn', MEMBER, 1, 'txn');
      const ranges = acquired(res);
      const delivered = ranges.flatMap(([first, last]) => Array.from({ length: last - first + 1 }, (_, k) => first + k));
      // Offsets: 0-1 aborted, 2 ABORT marker, 3-4 committed, 5 COMMIT marker.
      assert.deepEqual(delivered, [3, 4]);
    } finally {
      await lib.close();
    }
  });

  it('DeleteRecords moves the share-partition start offset', async () => {
    await seedTopic(b, 'trim', 10, { batch: 2 });
    await setGroupConfig(b.port, 'g-trim', { 'share.auto.offset.reset': 'earliest' });
    assert.deepEqual(acquired(await fetch('g-trim', MEMBER, 0, 'trim', [], { maxRecords: 2 })), [[0, 1, 1]]);
    const dr = await c.request(apis.DeleteRecords, 2, { topics: [{ name: 'trim', partitions: [{ partitionIndex: 0, offset: 6n }] }], timeoutMs: 1000 });
    assert.equal(dr.topics[0]!.partitions[0]!.errorCode, ErrorCode.NONE);
    assert.deepEqual(acquired(await fetch('g-trim', MEMBER, 1, 'trim', [])), [[6, 9, 1]]);
    const d = await c.request(apis.DescribeShareGroupOffsets, 1, { groups: [{ groupId: 'g-trim', topics: [{ topicName: 'trim', partitions: [0] }] }] });
    assert.equal(Number(d.groups[0]!.topics[0]!.partitions[0]!.startOffset), 6);
  });
});

describe('share-group offsets and configs', () => {
  it('DescribeShareGroupOffsets, AlterShareGroupOffsets and DeleteShareGroupOffsets', async () => {
    await seedTopic(b, 'offs', 10, { batch: 10 });
    const alter = await c.request(apis.AlterShareGroupOffsets, 0, { groupId: 'g-offs', topics: [{ topicName: 'offs', partitions: [{ partitionIndex: 0, startOffset: 4n }] }, { topicName: 'nope', partitions: [{ partitionIndex: 0, startOffset: 0n }] }] });
    assert.equal(alter.errorCode, ErrorCode.NONE);
    assert.deepEqual(alter.responses.map((t) => t.partitions[0]!.errorCode), [ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    const described = await c.request(apis.DescribeShareGroupOffsets, 1, { groups: [{ groupId: 'g-offs', topics: null }, { groupId: 'g-missing', topics: null }] });
    const p = described.groups[0]!.topics[0]!.partitions[0]!;
    assert.deepEqual([described.groups[0]!.topics[0]!.topicName, Number(p.startOffset), Number(p.lag)], ['offs', 4, 6]);
    assert.equal(described.groups[1]!.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
    assert.deepEqual(acquired(await fetch('g-offs', MEMBER, 0, 'offs')), [[4, 9, 1]], 'fetching starts at the altered offset');
    assert.equal((await heartbeat('g-offs', MEMBER, 0, ['offs'])).errorCode, ErrorCode.NONE);
    assert.equal((await c.request(apis.AlterShareGroupOffsets, 0, { groupId: 'g-offs', topics: [{ topicName: 'offs', partitions: [{ partitionIndex: 0, startOffset: 0n }] }] })).errorCode, ErrorCode.NON_EMPTY_GROUP);
    assert.equal((await c.request(apis.DeleteShareGroupOffsets, 0, { groupId: 'g-offs', topics: [{ topicName: 'offs' }] })).errorCode, ErrorCode.NON_EMPTY_GROUP);
    await heartbeat('g-offs', MEMBER, -1);
    const del = await c.request(apis.DeleteShareGroupOffsets, 0, { groupId: 'g-offs', topics: [{ topicName: 'offs' }, { topicName: 'nope' }] });
    assert.deepEqual(del.responses.map((t) => t.errorCode), [ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    const after = await c.request(apis.DescribeShareGroupOffsets, 0, { groups: [{ groupId: 'g-offs', topics: [{ topicName: 'offs', partitions: [0] }] }] });
    assert.equal(Number(after.groups[0]!.topics[0]!.partitions[0]!.startOffset), -1, 'no position any more');
  });

  it('GROUP config resources: described with sources, validated against the broker bounds, persisted', async () => {
    const describe = async (group: string) =>
      (await c.request(apis.DescribeConfigs, 4, { resources: [{ resourceType: 32, resourceName: group, configurationKeys: null }], includeSynonyms: true, includeDocumentation: false })).results[0]!;
    const before = await describe('g-cfg');
    const lock = before.configs.find((x) => x.name === 'share.record.lock.duration.ms')!;
    assert.deepEqual([lock.value, lock.configSource], ['30000', 5]);
    const alter = async (name: string, value: string) =>
      (await c.request(apis.IncrementalAlterConfigs, 1, { resources: [{ resourceType: 32, resourceName: 'g-cfg', configs: [{ name, configOperation: 0, value }] }], validateOnly: false })).responses[0]!;
    assert.equal((await alter('share.record.lock.duration.ms', '500')).errorCode, ErrorCode.INVALID_CONFIG, 'below group.share.min.record.lock.duration.ms');
    assert.equal((await alter('share.auto.offset.reset', 'sometimes')).errorCode, ErrorCode.INVALID_CONFIG);
    assert.equal((await alter('share.isolation.level', 'read_committed')).errorCode, ErrorCode.NONE);
    assert.equal((await alter('share.auto.offset.reset', 'by_duration:PT1H')).errorCode, ErrorCode.NONE);
    assert.equal((await alter('no.such.config', '1')).errorCode, ErrorCode.INVALID_CONFIG);
    const after = await describe('g-cfg');
    const iso = after.configs.find((x) => x.name === 'share.isolation.level')!;
    assert.deepEqual([iso.value, iso.configSource], ['read_committed', 8], 'GROUP_CONFIG source');
    assert.equal((await c.request(apis.DescribeConfigs, 4, { resources: [{ resourceType: 32, resourceName: '', configurationKeys: null }], includeSynonyms: false, includeDocumentation: false })).results[0]!.errorCode, ErrorCode.INVALID_REQUEST);
  });
});
