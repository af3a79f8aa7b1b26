// REST Proxy v2 driven by curl with the exact commands of Confluent's REST Proxy quick start
// (JSON, binary and Avro: produce, create a consumer, subscribe, read, commit, delete).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { expectSuccess, run } from '../helpers/processes.js';
import { startTestGateway, until, type TestGateway } from './gateway-harness.js';

interface CurlAnswer {
  status: number;
  type: string;
  json: unknown;
  body: string;
}

async function curl(args: string[]): Promise<CurlAnswer> {
  const r = await run('curl', ['-sS', '-w', '\n%{http_code}\n%{content_type}', ...args], { limitMs: 30_000 });
  expectSuccess(r, `curl ${args.join(' ')}`);
  const lines = r.stdout.split('\n');
  const type = (lines.pop() ?? '').split(';')[0]!.trim();
  const status = lines.pop();
  const body = lines.join('\n');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: Number(status), type: type ?? '', json, body };
}

/** GET .../records until the consumer (which joins its group first) returns something. */
async function readRecords(url: string, accept: string): Promise<unknown[]> {
  return until(`records from ${url}`, async () => {
    const r = await curl(['-X', 'GET', '-H', `Accept: ${accept}`, url]);
    assert.equal(r.status, 200, r.body);
    assert.equal(r.type, accept);
    const list = r.json as unknown[];
    return list.length > 0 ? list : undefined;
  });
}

describe('REST Proxy v2 quick start with curl', () => {
  let gw: TestGateway;
  let url: string;
  before(async () => {
    gw = await startTestGateway();
    url = gw.url;
  });
  after(async () => gw?.close());

  test('JSON messages', async () => {
    const produced = await curl(['-X', 'POST', '-H', 'Content-Type: application/vnd.kafka.json.v2+json', '--data', '{"records":[{"value":{"foo":"bar"}}]}', `${url}/topics/jsontest`]);
    assert.equal(produced.status, 200, produced.body);
    assert.deepEqual(produced.json, { key_schema_id: null, value_schema_id: null, offsets: [{ partition: 0, offset: 0, error_code: null, error: null }] });
    const created = await curl(['-X', 'POST', '-H', 'Content-Type: application/vnd.kafka.v2+json', '--data', '{"name": "my_consumer_instance", "format": "json", "auto.offset.reset": "earliest"}', `${url}/consumers/my_json_consumer`]);
    assert.equal(created.status, 200, created.body);
    assert.deepEqual(created.json, { instance_id: 'my_consumer_instance', base_uri: `${url}/consumers/my_json_consumer/instances/my_consumer_instance` });
    const base = `${url}/consumers/my_json_consumer/instances/my_consumer_instance`;
    const subscribed = await curl(['-X', 'POST', '-H', 'Content-Type: application/vnd.kafka.v2+json', '--data', '{"topics":["jsontest"]}', `${base}/subscription`]);
    assert.equal(subscribed.status, 204);
    const records = await readRecords(`${base}/records`, 'application/vnd.kafka.json.v2+json');
    assert.deepEqual(records, [{ topic: 'jsontest', key: null, value: { foo: 'bar' }, partition: 0, offset: 0 }]);
    assert.deepEqual((await curl([`${base}/subscription`])).json, { topics: ['jsontest'] });
    // Commit everything read (empty body), then read the committed offset back.
    assert.equal((await curl(['-X', 'POST', '-H', 'Content-Type: application/vnd.kafka.v2+json', `${base}/offsets`])).status, 200);
    const committed = await curl(['-X', 'GET', '-H', 'Content-Type: application/vnd.kafka.v2+json', '--data', '{"partitions":[{"topic":"jsontest","partition":0}]}', `${base}/offsets`]);
    assert.deepEqual(committed.json, { offsets: [{ topic: 'jsontest', partition: 0, offset: 1, metadata: '' }] });
    const wrongFormat = await curl(['-X', 'GET', '-H', 'Accept: application/vnd.kafka.binary.v2+json', `${base}/records`]);
    assert.equal(wrongFormat.status, 406);
    assert.equal((wrongFormat.json as { error_code: number }).error_code, 40601);
    assert.equal((await curl(['-X', 'DELETE', '-H', 'Content-Type: application/vnd.kafka.v2+json', base])).status, 204);
    const gone = await curl(['-X', 'GET', '-H', 'Accept: application/vnd.kafka.json.v2+json', `${base}/records`]);
    assert.equal(gone.status, 404);
    assert.equal((gone.json as { error_code: number }).error_code, 40403);
  });

  test('binary messages, assignment and seeking', async () => {
    const produced = await curl(['-X', 'POST', '-H', 'Content-Type: application/vnd.kafka.binary.v2+json', '-H', 'Accept: application/vnd.kafka.v2+json', '--data', '{"records":[{"value":"S2Fma2E="}]}', `${url}/topics/binarytest`]);
    assert.equal(produced.status, 200, produced.body);
    await curl(['-X', 'POST', '-H', 'Content-Type: application/vnd.kafka.binary.v2+json', '--data', '{"records":[{"key":"a2V5","value":"Y29uZmx1ZW50"}]}', `${url}/topics/binarytest`]);
    await curl(['-X', 'POST', '-H', 'Content-Type: application/vnd.kafka.v2+json', '--data', '{"name": "my_consumer_instance", "format": "binary", "auto.offset.reset": "earliest"}', `${url}/consumers/my_binary_consumer`]);
    const base = `${url}/consumers/my_binary_consumer/instances/my_consumer_instance`;
    assert.equal((await curl(['-X', 'POST', '-H', 'Content-Type: application/vnd.kafka.v2+json', '--data', '{"partitions":[{"topic":"binarytest","partition":0}]}', `${base}/assignments`])).status, 204);
    assert.deepEqual((await curl([`${base}/assignments`])).json, { partitions: [{ topic: 'binarytest', partition: 0 }] });
    const records = (await readRecords(`${base}/records`, 'application/vnd.kafka.binary.v2+json')) as { key: string | null; value: string; offset: number }[];
    assert.deepEqual(records.map((r) => [r.key, r.value, r.offset]), [[null, 'S2Fma2E=', 0], ['a2V5', 'Y29uZmx1ZW50', 1]]);
    assert.equal((await curl(['-X', 'POST', '-H', 'Content-Type: application/vnd.kafka.v2+json', '--data', '{"offsets":[{"topic":"binarytest","partition":0,"offset":1}]}', `${base}/positions`])).status, 204);
    const again = (await readRecords(`${base}/records`, 'application/vnd.kafka.binary.v2+json')) as { offset: number }[];
    assert.deepEqual(again.map((r) => r.offset), [1]);
    assert.equal((await curl(['-X', 'POST', '-H', 'Content-Type: application/vnd.kafka.v2+json', '--data', '{"partitions":[{"topic":"binarytest","partition":0}]}', `${base}/positions/beginning`])).status, 204);
    assert.equal(((await readRecords(`${base}/records`, 'application/vnd.kafka.binary.v2+json')) as unknown[]).length, 2);
    const subscribeToo = await curl(['-X', 'POST', '-H', 'Content-Type: application/vnd.kafka.v2+json', '--data', '{"topics":["binarytest"]}', `${base}/subscription`]);
    assert.equal(subscribeToo.status, 409);
    await curl(['-X', 'DELETE', '-H', 'Content-Type: application/vnd.kafka.v2+json', base]);
  });

  test('Avro messages with an inline schema (registered with the schema registry)', async () => {
    const produced = await curl([
      '-X',
      'POST',
      '-H',
      'Content-Type: application/vnd.kafka.avro.v2+json',
      '-H',
      'Accept: application/vnd.kafka.v2+json',
      '--data',
      '{"value_schema": "{\\"type\\": \\"record\\", \\"name\\": \\"User\\", \\"fields\\": [{\\"name\\": \\"name\\", \\"type\\": \\"string\\"}]}", "records": [{"value": {"name": "testUser"}}]}',
      `${url}/topics/avrotest`,
    ]);
    assert.equal(produced.status, 200, produced.body);
    const answer = produced.json as { value_schema_id: number; offsets: { offset: number }[] };
    assert.equal(typeof answer.value_schema_id, 'number');
    assert.equal(answer.offsets[0]!.offset, 0);
    const subject = await curl([`${url}/subjects/avrotest-value/versions/latest`]);
    assert.equal((subject.json as { id: number }).id, answer.value_schema_id);
    await curl(['-X', 'POST', '-H', 'Content-Type: application/vnd.kafka.v2+json', '--data', '{"name": "my_consumer_instance", "format": "avro", "auto.offset.reset": "earliest"}', `${url}/consumers/my_avro_consumer`]);
    const base = `${url}/consumers/my_avro_consumer/instances/my_consumer_instance`;
    await curl(['-X', 'POST', '-H', 'Content-Type: application/vnd.kafka.v2+json', '--data', '{"topics":["avrotest"]}', `${base}/subscription`]);
    const records = await readRecords(`${base}/records`, 'application/vnd.kafka.avro.v2+json');
    assert.deepEqual(records, [{ topic: 'avrotest', key: null, value: { name: 'testUser' }, partition: 0, offset: 0 }]);
    await curl(['-X', 'DELETE', '-H', 'Content-Type: application/vnd.kafka.v2+json', base]);
    // Values without a schema in an avro request: kafka-rest's 42202.
    const noSchema = await curl(['-X', 'POST', '-H', 'Content-Type: application/vnd.kafka.avro.v2+json', '--data', '{"records":[{"value":{"name":"x"}}]}', `${url}/topics/avrotest`]);
    assert.equal(noSchema.status, 422);
    assert.equal((noSchema.json as { error_code: number }).error_code, 42202);
  });

  test('metadata: topics, partitions, offsets, brokers', async () => {
    assert.ok(((await curl([`${url}/topics`])).json as string[]).includes('jsontest'));
    const topic = (await curl([`${url}/topics/jsontest`])).json as { name: string; partitions: { partition: number; leader: number; replicas: unknown[] }[]; configs: Record<string, string> };
    assert.equal(topic.name, 'jsontest');
    assert.deepEqual(topic.partitions, [{ partition: 0, leader: 0, replicas: [{ broker: 0, leader: true, in_sync: true }] }]);
    assert.equal(topic.configs['cleanup.policy'], 'delete');
    assert.deepEqual((await curl([`${url}/topics/jsontest/partitions/0/offsets`])).json, { beginning_offset: 0, end_offset: 1 });
    assert.deepEqual((await curl([`${url}/brokers`])).json, { brokers: [0] });
    const missing = await curl([`${url}/topics/nope`]);
    assert.deepEqual([missing.status, (missing.json as { error_code: number }).error_code], [404, 40401]);
    const noPartition = await curl([`${url}/topics/jsontest/partitions/9`]);
    assert.deepEqual([noPartition.status, (noPartition.json as { error_code: number }).error_code], [404, 40402]);
  });
});
