// Fetch under a consumer_byte_rate quota as Kafka answers it (KIP-219, KafkaApis.handleFetchRequest):
// a Fetch whose response would take the client over its quota is answered EMPTY, carrying only
// throttle_time_ms, its bytes are not counted, and the connection reads nothing more for that long.
// A real consumer (confluent-kafka) is held near the quota; the wire shows the empty answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { Admin } from '@platformatic/kafka';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { clients, skipUnless } from '../helpers/real-clients.js';
import { expectSuccess, jsonLines, runPython } from '../helpers/processes.js';
import { WireClient } from '../broker/admin-wire.js';
import { apis } from '../../src/protocol/messages/index.js';

let b: TestBroker;
const RECORDS = 600;
const VALUE = 1000;

before(async () => {
  // Short windows so a throttled consumer converges within seconds (Kafka's defaults are 11 x 1 s).
  b = await startTestBroker({ config: { 'quota.window.num': '4', 'quota.window.size.seconds': '1' } });
  const producer = new Kafka({ clientId: 'loader', brokers: [b.bootstrap], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  for (const topic of ['fetch-quota', 'fetch-quota-wire']) {
    for (let i = 0; i < RECORDS; i += 100) {
      await producer.send({ topic, messages: Array.from({ length: 100 }, () => ({ value: Buffer.alloc(VALUE, 0x61) })) });
    }
  }
  await producer.disconnect();
});
after(async () => {
  await b?.close();
});

async function setQuota(clientId: string, value: number): Promise<void> {
  const a = new Admin({ clientId: 'quota-admin', bootstrapBrokers: [b.bootstrap] });
  try {
    await a.alterClientQuotas({ entries: [{ entities: [{ entityType: 'client-id', entityName: clientId }], ops: [{ key: 'consumer_byte_rate', value, remove: false }] }] });
  } finally {
    await a.close();
  }
}

const fetchBody = (topic: string, offset: bigint) => ({
  replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
  topics: [{ topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 16_384 }] }],
  forgottenTopicsData: [], rackId: '',
});

test('wire: a Fetch over consumer_byte_rate is answered empty with throttle_time_ms; after the throttle the data comes again', async () => {
  // Each answer is one 100-record batch (~100 KB; a first batch is sent whole whatever partitionMaxBytes says).
  await setQuota('wire-test', 60_000);
  const wire = await WireClient.connect(Number(b.bootstrap.split(':')[1]));
  let offset = 0n;
  let withData = 0;
  let throttled: { throttleTimeMs: number; responses: unknown[] } | null = null;
  for (let i = 0; i < 200 && throttled === null; i++) {
    const r = await wire.request(apis.Fetch, 11, fetchBody('fetch-quota-wire', offset));
    if (r.throttleTimeMs > 0) {
      throttled = r;
      break;
    }
    const p = r.responses[0]!.partitions[0]!;
    assert.equal(p.errorCode, 0);
    assert.ok(p.records && p.records.length > 0, 'an unthrottled Fetch carries data');
    withData++;
    offset = BigInt(Number(offset) + 1); // any progress will do; the point is the size of each answer
  }
  assert.ok(throttled !== null, 'the quota throttles a client fetching faster than it');
  assert.ok(withData > 0, 'fetches within the quota carry data');
  assert.deepEqual(throttled.responses, [], 'the throttled Fetch is empty (KIP-219)');
  // Muted for the throttle time, then served again with data: the quota delays, never starves.
  let served = false;
  for (let i = 0; i < 60 && !served; i++) {
    const again = await wire.request(apis.Fetch, 11, fetchBody('fetch-quota-wire', offset));
    if (again.throttleTimeMs > 0) assert.deepEqual(again.responses, [], 'every throttled Fetch is empty');
    else served = (again.responses[0]?.partitions[0]?.records?.length ?? 0) > 0;
  }
  assert.ok(served, 'data flows again once the rate is back under the quota');
  wire.close();
});

// argv: bootstrap topic client.id count
const THROTTLED_CONSUMER = `
import json, sys, time
from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING
bootstrap, topic, client_id, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
throttles = []
c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'fq', 'client.id': client_id, 'enable.auto.commit': False,
              'max.partition.fetch.bytes': 16384, 'throttle_cb': lambda e: throttles.append(e.throttle_time)})
c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
got, size, start = 0, 0, None
deadline = time.time() + 150
while got < count and time.time() < deadline:
    m = c.poll(1)
    if m is None or m.error(): continue
    if start is None: start = time.time()
    got += 1
    size += len(m.value())
elapsed = time.time() - start
c.close()
print(json.dumps({'got': got, 'bytes': size, 'elapsed': elapsed, 'throttles': throttles}))
`;

test('confluent-kafka consumer over consumer_byte_rate: throttled (throttle_cb fires) and its average rate stays near the quota', { skip: skipUnless(clients.confluentKafka(), 'confluent-kafka') }, async () => {
  const quota = 50_000;
  await setQuota('throttled-consumer', quota);
  const r = await runPython(THROTTLED_CONSUMER, [b.bootstrap, 'fetch-quota', 'throttled-consumer', String(RECORDS)], { limitMs: 180_000 });
  expectSuccess(r, 'throttled consumer');
  const out = jsonLines<{ got: number; bytes: number; elapsed: number; throttles: number[] }>(r.stdout)[0]!;
  assert.equal(out.got, RECORDS, 'every record is consumed');
  assert.ok(out.throttles.some((t) => t > 0), 'librdkafka reports throttling');
  // Unthrottled this is tens of MB/s; the window's burst (4 x 1 s of quota) and record overhead make
  // the bound generous. A slow machine can only lower the rate.
  const rate = out.bytes / Math.max(out.elapsed, 0.001);
  console.log(`# throttled consumer: ${Math.round(rate)} B/s against ${quota} B/s, ${out.throttles.length} throttle events`);
  assert.ok(rate < quota * 3, `average ${Math.round(rate)} B/s against a quota of ${quota} B/s`);
});
