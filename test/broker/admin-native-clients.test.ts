// Config, partition and deletion admin through librdkafka (python3-confluent-kafka, kcat) and
// kafka-python, run as the Debian system packages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { clients, skipUnless } from '../helpers/real-clients.js';
import { expectSuccess, jsonLines, run, runPython } from '../helpers/processes.js';

let b: TestBroker;
before(async () => {
  b = await startTestBroker();
});
after(async () => {
  await b.close();
});

test('confluent-kafka AdminClient: describe_configs, alter_configs, create_partitions, delete_topics', { skip: skipUnless(clients.confluentKafka(), 'python3-confluent-kafka') }, async () => {
  const program = `
import json, sys
from confluent_kafka.admin import AdminClient, NewTopic, NewPartitions, ConfigResource
admin = AdminClient({'bootstrap.servers': sys.argv[1]})
def wait(futures):
    return {k: f.result(timeout=30) for k, f in futures.items()}
wait(admin.create_topics([NewTopic('ck-cfg', 1, 1, config={'retention.ms': '60000'})]))
res = ConfigResource('topic', 'ck-cfg')
entries = wait(admin.describe_configs([res]))[res]
e = entries['retention.ms']
print(json.dumps({'step': 'describe', 'value': e.value, 'source': int(e.source), 'default': e.is_default,
                  'synonyms': [[s.name, s.value, int(s.source)] for s in e.synonyms.values()],
                  'segment_source': int(entries['segment.bytes'].source)}))
b = ConfigResource('broker', '0')
be = wait(admin.describe_configs([b]))[b]
print(json.dumps({'step': 'broker', 'num.partitions': be['num.partitions'].value, 'readonly': be['socket.request.max.bytes'].is_read_only}))
wait(admin.alter_configs([ConfigResource('topic', 'ck-cfg', set_config={'cleanup.policy': 'compact'})]))
after = wait(admin.describe_configs([res]))[res]
print(json.dumps({'step': 'altered', 'policy': after['cleanup.policy'].value, 'retention_default': after['retention.ms'].is_default}))
try:
    wait(admin.alter_configs([ConfigResource('topic', 'ck-cfg', set_config={'segment.bytes': '3'})]))
    print(json.dumps({'step': 'bad', 'error': None}))
except Exception as ex:
    print(json.dumps({'step': 'bad', 'error': str(ex)}))
wait(admin.create_partitions([NewPartitions('ck-cfg', 3)]))
try:
    wait(admin.create_partitions([NewPartitions('ck-cfg', 2)]))
    print(json.dumps({'step': 'shrink', 'error': None}))
except Exception as ex:
    print(json.dumps({'step': 'shrink', 'error': str(ex)}))
print(json.dumps({'step': 'partitions', 'count': len(admin.list_topics(timeout=10).topics['ck-cfg'].partitions)}))
wait(admin.delete_topics(['ck-cfg']))
print(json.dumps({'step': 'deleted', 'present': 'ck-cfg' in admin.list_topics(timeout=10).topics}))
`;
  const r = await runPython(program, [b.bootstrap], { limitMs: 90_000 });
  expectSuccess(r, 'confluent-kafka admin');
  const steps = new Map(jsonLines<{ step: string } & Record<string, unknown>>(r.stdout).map((x) => [x.step, x]));
  const d = steps.get('describe')!;
  assert.equal(d.value, '60000');
  assert.equal(d.source, 1); // DYNAMIC_TOPIC_CONFIG
  assert.equal(d.default, false);
  assert.deepEqual((d.synonyms as unknown[][])[0], ['retention.ms', '60000', 1]);
  assert.equal(d.segment_source, 5); // DEFAULT_CONFIG
  assert.deepEqual(steps.get('broker'), { step: 'broker', 'num.partitions': '1', readonly: true });
  assert.deepEqual(steps.get('altered'), { step: 'altered', policy: 'compact', retention_default: true });
  assert.match(String(steps.get('bad')!.error), /segment\.bytes must be at least 14/);
  assert.match(String(steps.get('shrink')!.error), /higher than the requested 2/);
  assert.equal(steps.get('partitions')!.count, 3);
  assert.equal(steps.get('deleted')!.present, false);
});

test('kafka-python KafkaAdminClient: describe_configs, alter_configs, create_partitions, delete_topics', { skip: skipUnless(clients.kafkaPython(), 'python3-kafka') }, async () => {
  const program = `
import json, sys
from kafka.admin import KafkaAdminClient, NewTopic, NewPartitions, ConfigResource, ConfigResourceType
admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], client_id='kp-admin')
admin.create_topics([NewTopic('kp-cfg', 1, 1, topic_configs={'retention.ms': '120000'})])
def describe(kind, name):
    resp = admin.describe_configs([ConfigResource(kind, name)])[0]
    (error_code, error_message, rtype, rname, entries) = resp.resources[0]
    return error_code, {e[0]: e[1] for e in entries}
code, cfg = describe(ConfigResourceType.TOPIC, 'kp-cfg')
print(json.dumps({'step': 'describe', 'code': code, 'retention': cfg['retention.ms'], 'policy': cfg['cleanup.policy']}))
code, bcfg = describe(ConfigResourceType.BROKER, '0')
print(json.dumps({'step': 'broker', 'code': code, 'max': bcfg['message.max.bytes']}))
code, _ = describe(ConfigResourceType.TOPIC, 'kp-missing')
print(json.dumps({'step': 'missing', 'code': code}))
resp = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, 'kp-cfg', configs={'retention.ms': '240000'})])
print(json.dumps({'step': 'alter', 'codes': [r[0] for r in resp.resources]}))
code, cfg = describe(ConfigResourceType.TOPIC, 'kp-cfg')
print(json.dumps({'step': 'altered', 'retention': cfg['retention.ms']}))
resp = admin.create_partitions({'kp-cfg': NewPartitions(total_count=4)})
print(json.dumps({'step': 'grow', 'codes': [t[1] for t in resp.topic_errors]}))
resp = admin.delete_topics(['kp-cfg'])
print(json.dumps({'step': 'delete', 'codes': [t[1] for t in resp.topic_error_codes]}))
print(json.dumps({'step': 'after', 'topics': admin.list_topics()}))
admin.close()
`;
  const r = await runPython(program, [b.bootstrap], { limitMs: 90_000 });
  expectSuccess(r, 'kafka-python admin');
  const steps = new Map(jsonLines<{ step: string } & Record<string, unknown>>(r.stdout).map((x) => [x.step, x]));
  assert.deepEqual(steps.get('describe'), { step: 'describe', code: 0, retention: '120000', policy: 'delete' });
  assert.deepEqual(steps.get('broker'), { step: 'broker', code: 0, max: '1048588' });
  assert.deepEqual(steps.get('missing'), { step: 'missing', code: 3 });
  assert.deepEqual(steps.get('alter')!.codes, [0]);
  assert.equal(steps.get('altered')!.retention, '240000');
  assert.deepEqual(steps.get('grow')!.codes, [0]);
  assert.equal(b.broker.state.topics.get('kp-cfg'), undefined);
  assert.deepEqual(steps.get('delete')!.codes, [0]);
  assert.ok(!(steps.get('after')!.topics as string[]).includes('kp-cfg'));
});

test('kcat -L sees partitions added and topics deleted through the admin APIs', { skip: skipUnless(clients.kcat(), 'kcat') }, async () => {
  const kafka = await import('kafkajs');
  const admin = new kafka.default.Kafka({ clientId: 'kcat-admin', brokers: [b.bootstrap], logLevel: kafka.default.logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: 'kcat-grown', numPartitions: 1 }, { topic: 'kcat-gone', numPartitions: 1 }] });
    await admin.createPartitions({ topicPartitions: [{ topic: 'kcat-grown', count: 5 }] });
    await admin.deleteTopics({ topics: ['kcat-gone'] });
  } finally {
    await admin.disconnect();
  }
  const r = await run('kcat', ['-b', b.bootstrap, '-L', '-J'], { limitMs: 30_000 });
  expectSuccess(r, 'kcat -L');
  const md = JSON.parse(r.stdout) as { topics: { topic: string; partitions: unknown[] }[] };
  assert.equal(md.topics.find((t) => t.topic === 'kcat-grown')?.partitions.length, 5);
  assert.equal(md.topics.find((t) => t.topic === 'kcat-gone'), undefined);
});
