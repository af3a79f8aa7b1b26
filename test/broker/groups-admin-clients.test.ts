// Group administration from each client's admin API: list (with state filters), describe (members,
// assignments, state, protocol) and delete (only Empty groups; NON_EMPTY_GROUP otherwise), plus
// kcat's balanced consumer (-G) and metadata listing (-L).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Admin } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { expectSuccess, jsonLines, run, runPython } from '../helpers/processes.js';
import { clients, skipUnless } from '../helpers/real-clients.js';
import { createTopic, produceRange, until } from './groups/fixtures.js';
import { KafkaJsMember } from './groups/node-members.js';

let b: TestBroker;
let live: KafkaJsMember;
const TOPIC = 'adm';
before(async () => {
  b = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0' } });
  await createTopic(b.bootstrap, TOPIC, 3);
  await produceRange(b.bootstrap, TOPIC, 3, 0, 30);
  // One group with a live member (Stable), and one Empty group per client to delete.
  live = await KafkaJsMember.start(b.bootstrap, 'adm-live', TOPIC, 'adm-live-member');
  await until([live], () => live.records().length >= 30, 'live member consumes');
  for (const name of ['kafkajs', 'platformatic', 'ck', 'kp']) {
    const m = await KafkaJsMember.start(b.bootstrap, `adm-empty-${name}`, TOPIC, `adm-${name}`);
    await until([m], () => m.records().length >= 30, 'member consumes');
    await m.stop();
  }
});
after(async () => {
  await live.stop();
  await b.close();
});

test('kafkajs admin lists, describes and deletes groups', async () => {
  const admin = new Kafka({ clientId: 'adm-kjs', brokers: [b.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const listed = (await admin.listGroups()).groups.map((g) => g.groupId);
    assert.ok(listed.includes('adm-live') && listed.includes('adm-empty-kafkajs'), JSON.stringify(listed));
    const [d] = (await admin.describeGroups(['adm-live'])).groups;
    assert.equal(d!.state, 'Stable');
    assert.equal(d!.protocolType, 'consumer');
    assert.equal(d!.protocol, 'RoundRobinAssigner');
    assert.equal(d!.members.length, 1);
    assert.equal(d!.members[0]!.clientId, 'adm-live-member');
    assert.equal(d!.members[0]!.clientHost, '/127.0.0.1');
    assert.ok(d!.members[0]!.memberAssignment.length > 0);
    await assert.rejects(admin.deleteGroups(['adm-live']), (e: { groups?: { groupId: string; error?: { type?: string } }[] }) => {
      assert.equal(e.groups?.[0]?.error?.type, 'NON_EMPTY_GROUP');
      return true;
    });
    const deleted = await admin.deleteGroups(['adm-empty-kafkajs']);
    assert.equal(deleted[0]!.errorCode, 0);
    const offsets = await admin.fetchOffsets({ groupId: 'adm-empty-kafkajs', topics: [TOPIC] });
    assert.ok(offsets[0]!.partitions.every((p) => p.offset === '-1'));
    assert.ok(!(await admin.listGroups()).groups.some((g) => g.groupId === 'adm-empty-kafkajs'));
  } finally {
    await admin.disconnect();
  }
});

test('@platformatic/kafka Admin lists (with a state filter), describes and deletes groups', async () => {
  const admin = new Admin({ clientId: 'adm-pt', bootstrapBrokers: [b.bootstrap] });
  try {
    const all = await admin.listGroups();
    assert.equal(all.get('adm-live')?.state, 'STABLE');
    const empty = await admin.listGroups({ states: ['EMPTY'] });
    assert.ok(empty.has('adm-empty-platformatic') && !empty.has('adm-live'));
    const described = await admin.describeGroups({ groups: ['adm-live'] });
    const g = described.get('adm-live')!;
    assert.equal(g.protocol, 'RoundRobinAssigner');
    assert.equal(g.members.size, 1);
    await assert.rejects(admin.deleteGroups({ groups: ['adm-live'] }));
    await admin.deleteGroups({ groups: ['adm-empty-platformatic'] });
    assert.ok(!(await admin.listGroups()).has('adm-empty-platformatic'));
  } finally {
    await admin.close();
  }
});

// confluent-kafka 2.0.2 (Debian) has only the legacy list_groups (ListGroups + DescribeGroups); its
// newer group admin calls are not in this build.
test('confluent-kafka AdminClient list_groups shows states, protocols, members and assignments', { skip: skipUnless(clients.confluentKafka(), 'confluent-kafka') }, async () => {
  const program = `
import json, sys
from confluent_kafka.admin import AdminClient
a = AdminClient({'bootstrap.servers': sys.argv[1]})
for g in a.list_groups(timeout=20):
    print(json.dumps({'id': g.id, 'state': g.state, 'protocol_type': g.protocol_type, 'protocol': g.protocol,
                      'members': [[m.client_id, m.client_host, len(m.assignment)] for m in g.members]}))
`;
  const r = await runPython(program, [b.bootstrap], { limitMs: 60_000 });
  expectSuccess(r, 'confluent-kafka admin');
  const groups = new Map(jsonLines<{ id: string; state: string; protocol_type: string; protocol: string; members: [string, string, number][] }>(r.stdout).map((g) => [g.id, g]));
  const liveGroup = groups.get('adm-live')!;
  assert.equal(liveGroup.state, 'Stable');
  assert.equal(liveGroup.protocol_type, 'consumer');
  assert.equal(liveGroup.protocol, 'RoundRobinAssigner');
  assert.equal(liveGroup.members.length, 1);
  assert.equal(liveGroup.members[0]![0], 'adm-live-member');
  assert.ok(liveGroup.members[0]![2] > 0);
  assert.equal(groups.get('adm-empty-ck')?.state, 'Empty');
});

test('kafka-python KafkaAdminClient lists, describes and deletes groups', { skip: skipUnless(clients.kafkaPython(), 'python3-kafka') }, async () => {
  const program = `
import json, sys
from kafka.admin import KafkaAdminClient
a = KafkaAdminClient(bootstrap_servers=sys.argv[1], client_id='adm-kp')
print(json.dumps({'listed': sorted(g[0] for g in a.list_consumer_groups())}))
d = a.describe_consumer_groups(['adm-live'])[0]
print(json.dumps({'state': d.state, 'protocol': d.protocol, 'members': [m.client_id for m in d.members]}))
offsets = a.list_consumer_group_offsets('adm-empty-kp')
print(json.dumps({'offsets': sorted([tp.partition, o.offset] for tp, o in offsets.items())}))
res = dict(a.delete_consumer_groups(['adm-live', 'adm-empty-kp']))
print(json.dumps({'deleted': {k: v.__name__ for k, v in res.items()}}))
a.close()
`;
  const r = await runPython(program, [b.bootstrap], { limitMs: 60_000 });
  expectSuccess(r, 'kafka-python admin');
  const [listed, described, offsets, deleted] = jsonLines<Record<string, unknown>>(r.stdout);
  assert.ok((listed!.listed as string[]).includes('adm-live'));
  assert.equal(described!.state, 'Stable');
  assert.equal(described!.protocol, 'RoundRobinAssigner');
  assert.deepEqual(described!.members, ['adm-live-member']);
  assert.deepEqual(offsets!.offsets, [[0, 10], [1, 10], [2, 10]]);
  assert.deepEqual(deleted!.deleted, { 'adm-live': 'NonEmptyGroupError', 'adm-empty-kp': 'NoError' });
});

test('kcat -G consumes as a group member and commits; kcat -L lists __consumer_offsets (50 partitions)', { skip: skipUnless(clients.kcat(), 'kcat') }, async () => {
  const g = await run('kcat', ['-b', b.bootstrap, '-G', 'adm-kcat', '-o', 'beginning', '-c', '30', '-f', '%p:%o\\n', '-X', 'auto.commit.interval.ms=100', TOPIC], { limitMs: 60_000 });
  expectSuccess(g, 'kcat -G');
  assert.equal(g.stdout.trim().split('\n').length, 30);
  const admin = new Kafka({ clientId: 'adm-kcat-check', brokers: [b.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchOffsets({ groupId: 'adm-kcat', topics: [TOPIC] });
    assert.deepEqual(offsets[0]!.partitions.map((p) => p.offset).sort(), ['10', '10', '10']);
  } finally {
    await admin.disconnect();
  }
  const l = await run('kcat', ['-b', b.bootstrap, '-L', '-J'], { limitMs: 30_000 });
  expectSuccess(l, 'kcat -L');
  const md = JSON.parse(l.stdout) as { topics: { topic: string; partitions: unknown[] }[] };
  assert.equal(md.topics.find((t) => t.topic === '__consumer_offsets')?.partitions.length, 50);
});
