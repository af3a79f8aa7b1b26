// REST Proxy v3 driven by curl with the request bodies of Confluent's own API reference (the
// examples in kafka-rest's api/v3/openapi.yaml), against a real Brook behind the gateway.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { run, expectSuccess } from '../helpers/processes.js';
import { startTestGateway, type TestGateway } from './gateway-harness.js';

interface CurlAnswer {
  status: number;
  body: string;
  json: unknown;
}

async function curl(args: string[]): Promise<CurlAnswer> {
  const r = await run('curl', ['-sS', '-w', '\n%{http_code}', ...args], { limitMs: 30_000 });
  expectSuccess(r, `curl ${args.join(' ')}`);
  const cut = r.stdout.lastIndexOf('\n');
  const body = r.stdout.slice(0, cut);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: Number(r.stdout.slice(cut + 1)), body, json };
}

const json = ['-H', 'Content-Type: application/json'];

describe('REST Proxy v3 with curl and Confluent example bodies', () => {
  let gw: TestGateway;
  let base: string;
  before(async () => {
    gw = await startTestGateway();
    base = `${gw.url}/v3/clusters/${gw.clusterId}`;
  });
  after(async () => gw?.close());

  test('cluster, brokers and broker configs', async () => {
    const list = await curl([`${gw.url}/v3/clusters`]);
    assert.equal(list.status, 200);
    const clusters = list.json as { kind: string; data: { cluster_id: string; kind: string; metadata: { self: string } }[] };
    assert.equal(clusters.kind, 'KafkaClusterList');
    assert.equal(clusters.data[0]!.cluster_id, gw.clusterId);
    assert.equal(clusters.data[0]!.metadata.self, base);
    const brokers = (await curl([`${base}/brokers`])).json as { data: { broker_id: number; port: number }[] };
    assert.deepEqual(brokers.data.map((b) => b.broker_id), [0]);
    assert.equal(brokers.data[0]!.port, gw.broker.port);
    const configs = (await curl([`${base}/brokers/0/configs`])).json as { data: { name: string; value: string | null }[] };
    assert.ok(configs.data.some((c) => c.name === 'num.partitions'));
    assert.equal((await curl([`${gw.url}/v3/clusters/not-this-one`])).status, 404);
  });

  test('create topic: the uniform_replication example, then its configs', async () => {
    const example = '{"topic_name":"topic-X","partitions_count":64,"replication_factor":3,"configs":[{"name":"cleanup.policy","value":"compact"},{"name":"compression.type","value":"gzip"}]}';
    // A one-broker cluster cannot hold three replicas: Kafka's INVALID_REPLICATION_FACTOR, as 400/40002.
    const refused = await curl(['-X', 'POST', ...json, '--data', example, `${base}/topics`]);
    assert.equal(refused.status, 400, refused.body);
    assert.equal((refused.json as { error_code: number }).error_code, 40002);
    const created = await curl(['-X', 'POST', ...json, '--data', example.replace('"replication_factor":3', '"replication_factor":1'), `${base}/topics`]);
    assert.equal(created.status, 201, created.body);
    const topic = created.json as { kind: string; topic_name: string; partitions_count: number; replication_factor: number };
    assert.deepEqual([topic.kind, topic.topic_name, topic.partitions_count, topic.replication_factor], ['KafkaTopic', 'topic-X', 64, 1]);
    const again = await curl(['-X', 'POST', ...json, '--data', example.replace('"replication_factor":3', '"replication_factor":1'), `${base}/topics`]);
    assert.equal(again.status, 400);
    assert.equal((again.json as { error_code: number }).error_code, 40002);
    const dryRun = await curl(['-X', 'POST', ...json, '--data', '{"topic_name":"topic-Y","partitions_count":64,"replication_factor":1,"validate_only":true}', `${base}/topics`]);
    assert.equal(dryRun.status, 200, dryRun.body);
    assert.equal((await curl([`${base}/topics/topic-Y`])).status, 404);

    const policy = (await curl([`${base}/topics/topic-X/configs/cleanup.policy`])).json as { value: string; source: string; is_default: boolean };
    assert.deepEqual([policy.value, policy.source, policy.is_default], ['compact', 'DYNAMIC_TOPIC_CONFIG', false]);
    assert.equal((await curl(['-X', 'PUT', ...json, '--data', '{"value":"delete"}', `${base}/topics/topic-X/configs/cleanup.policy`])).status, 204);
    assert.equal(((await curl([`${base}/topics/topic-X/configs/cleanup.policy`])).json as { value: string }).value, 'delete');
    const alter = await curl(['-X', 'POST', ...json, '--data', '{"data":[{"name":"cleanup.policy","operation":"DELETE"},{"name":"compression.type","value":"gzip"}]}', `${base}/topics/topic-X/configs:alter`]);
    assert.equal(alter.status, 204, alter.body);
    const reset = (await curl([`${base}/topics/topic-X/configs/cleanup.policy`])).json as { value: string; is_default: boolean };
    assert.deepEqual([reset.value, reset.is_default], ['delete', true]);
    const partitions = (await curl([`${base}/topics/topic-X/partitions`])).json as { data: { partition_id: number }[] };
    assert.equal(partitions.data.length, 64);
    const grown = await curl(['-X', 'PATCH', ...json, '--data', '{"partitions_count":65}', `${base}/topics/topic-X`]);
    assert.equal(grown.status, 200, grown.body);
    assert.equal(((await curl([`${base}/topics/topic-X`])).json as { partitions_count: number }).partitions_count, 65);
    assert.equal((await curl(['-X', 'DELETE', `${base}/topics/topic-X`])).status, 204);
    assert.equal((await curl([`${base}/topics/topic-X`])).status, 404);
  });

  test('produce: the binary_and_json and string examples, streaming and batch forms', async () => {
    await curl(['-X', 'POST', ...json, '--data', '{"topic_name":"topic-1","partitions_count":3,"replication_factor":1}', `${base}/topics`]);
    const example =
      '{"partition_id":1,"headers":[{"name":"Header-1","value":"SGVhZGVyLTE="},{"name":"Header-2","value":"SGVhZGVyLTI="}],"key":{"type":"BINARY","data":"Zm9vYmFy"},"value":{"type":"JSON","data":{"foo":"bar"}},"timestamp":"2021-02-05T19:14:42Z"}';
    const one = await curl(['-X', 'POST', ...json, '--data', example, `${base}/topics/topic-1/records`]);
    assert.equal(one.status, 200, one.body);
    const r = one.json as Record<string, unknown>;
    assert.equal(r.error_code, 200);
    assert.equal(r.partition_id, 1);
    assert.equal(r.offset, 0);
    assert.equal(r.timestamp, '2021-02-05T19:14:42.000Z');
    assert.deepEqual(r.key, { type: 'BINARY', size: 6 });
    assert.deepEqual(r.value, { type: 'JSON', size: 13 });

    // Streaming mode: records concatenated in one chunked body, one result per record, in order.
    const stream = ['{"value":{"type":"STRING","data":"My message"}}', example, '{"value":{"type":"BINARY","data":"%%%"}}', '{"partition_id":1,"value":{"type":"STRING","data":"last"}}'].join('\n');
    const streamed = await curl(['-X', 'POST', ...json, '-H', 'Transfer-Encoding: chunked', '--data-binary', stream, `${base}/topics/topic-1/records`]);
    assert.equal(streamed.status, 200);
    const results = streamed.body.trim().split('\n').map((l) => JSON.parse(l) as { error_code: number; partition_id?: number; offset?: number });
    assert.deepEqual(results.map((x) => x.error_code), [200, 200, 400, 200]);
    assert.equal(results[1]!.partition_id, 1);
    assert.equal(results[3]!.offset, results[1]!.offset! + 1, 'records of one partition keep their order');

    const batch = await curl(['-X', 'POST', ...json, '--data', '{"entries":[{"id":"1","value":{"type":"STRING","data":"My first message"}},{"id":"2","value":{"type":"STRING","data":"My second message"}}]}', `${base}/topics/topic-1/records:batch`]);
    assert.equal(batch.status, 207, batch.body);
    const b = batch.json as { successes: { id: string; error_code: number }[]; failures: unknown[] };
    assert.deepEqual(b.successes.map((s) => [s.id, s.error_code]), [['1', 200], ['2', 200]]);
    assert.deepEqual(b.failures, []);

    const missing = await curl(['-X', 'POST', ...json, '--data', example, `${base}/topics/no-such-topic/records`]);
    assert.equal(missing.status, 404);
    const badPartition = await curl(['-X', 'POST', ...json, '--data', '{"partition_id":7,"value":{"type":"STRING","data":"x"}}', `${base}/topics/topic-1/records`]);
    assert.equal(badPartition.status, 404);
    assert.equal((badPartition.json as { error_code: number }).error_code, 40403);
  });

  test('consumer groups: lag summary and lags after a REST v2 consumer commits', async () => {
    await curl(['-X', 'POST', ...json, '--data', '{"topic_name":"lagged","partitions_count":1,"replication_factor":1}', `${base}/topics`]);
    for (let i = 0; i < 5; i++) await curl(['-X', 'POST', ...json, '--data', `{"value":{"type":"STRING","data":"m${i}"}}`, `${base}/topics/lagged/records`]);
    const v2 = ['-H', 'Content-Type: application/vnd.kafka.v2+json'];
    await curl(['-X', 'POST', ...v2, '--data', '{"name":"c1","format":"binary","auto.offset.reset":"earliest"}', `${gw.url}/consumers/lag-group`]);
    await curl(['-X', 'POST', ...v2, '--data', '{"partitions":[{"topic":"lagged","partition":0}]}', `${gw.url}/consumers/lag-group/instances/c1/assignments`]);
    await curl(['-X', 'POST', ...v2, '--data', '{"offsets":[{"topic":"lagged","partition":0,"offset":2}]}', `${gw.url}/consumers/lag-group/instances/c1/offsets`]);
    const summary = await curl([`${base}/consumer-groups/lag-group/lag-summary`]);
    assert.equal(summary.status, 200, summary.body);
    const s = summary.json as { kind: string; total_lag: number; max_lag: number; max_lag_topic_name: string };
    assert.deepEqual([s.kind, s.total_lag, s.max_lag, s.max_lag_topic_name], ['KafkaConsumerGroupLagSummary', 3, 3, 'lagged']);
    const lags = (await curl([`${base}/consumer-groups/lag-group/lags`])).json as { data: { current_offset: number; log_end_offset: number; lag: number }[] };
    assert.deepEqual(lags.data.map((l) => [l.current_offset, l.log_end_offset, l.lag]), [[2, 5, 3]]);
    const groups = (await curl([`${base}/consumer-groups`])).json as { data: { consumer_group_id: string }[] };
    assert.ok(groups.data.some((g) => g.consumer_group_id === 'lag-group'));
    assert.equal((await curl([`${base}/consumer-groups/nobody`])).status, 404);
    await curl(['-X', 'DELETE', ...v2, `${gw.url}/consumers/lag-group/instances/c1`]);
  });
});
