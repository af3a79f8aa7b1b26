// Metadata and CreateTopics through unmodified real clients.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { clients, skipUnless } from '../helpers/real-clients.js';
import { expectSuccess, run, runPython } from '../helpers/processes.js';

let b: TestBroker;
before(async () => {
  b = await startTestBroker();
});
after(async () => {
  await b.close();
});

test('kafkajs admin creates topics and lists them with their partitions', async () => {
  const kafka = new Kafka({ clientId: 'meta-test', brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    assert.equal(await admin.createTopics({ topics: [{ topic: 'kjs-orders', numPartitions: 3 }] }), true);
    const md = await admin.fetchTopicMetadata({ topics: ['kjs-orders'] });
    assert.equal(md.topics[0]!.partitions.length, 3);
    assert.ok((await admin.listTopics()).includes('kjs-orders'));
    await assert.rejects(admin.createTopics({ topics: [{ topic: 'bad/name' }] }));
    const cluster = await admin.describeCluster();
    assert.equal(cluster.brokers.length, 1);
    assert.equal(cluster.brokers[0]!.port, b.port);
  } finally {
    await admin.disconnect();
  }
});

test('kcat -L lists the broker and an auto-created topic', { skip: skipUnless(clients.kcat(), 'kcat') }, async () => {
  // -t asks for one topic, which auto-creation makes with num.partitions (1).
  const r = await run('kcat', ['-b', b.bootstrap, '-L', '-J', '-t', 'kcat-auto'], { limitMs: 30_000 });
  expectSuccess(r, 'kcat -L');
  const md = JSON.parse(r.stdout) as { brokers: { id: number; name: string }[]; topics: { topic: string; partitions: unknown[] }[] };
  assert.deepEqual(md.brokers.map((x) => x.id), [0]);
  assert.equal(md.brokers[0]!.name, b.bootstrap);
  const t = md.topics.find((x) => x.topic === 'kcat-auto');
  assert.ok(t, r.stdout);
  assert.equal(t.partitions.length, 1);
});

test('kafka-python sees the cluster and creates a topic', { skip: skipUnless(clients.kafkaPython(), 'python3-kafka') }, async () => {
  const program = `
import json, sys
from kafka.admin import KafkaAdminClient, NewTopic
from kafka import KafkaConsumer
admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], client_id='kp-meta')
admin.create_topics([NewTopic('kp-topic', 4, 1)])
c = KafkaConsumer(bootstrap_servers=sys.argv[1])
print(json.dumps({'topics': sorted(c.topics()), 'parts': sorted(c.partitions_for_topic('kp-topic'))}))
c.close(); admin.close()
`;
  const r = await runPython(program, [b.bootstrap], { limitMs: 60_000 });
  expectSuccess(r, 'kafka-python');
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { topics: string[]; parts: number[] };
  assert.ok(out.topics.includes('kp-topic'));
  assert.deepEqual(out.parts, [0, 1, 2, 3]);
});
