// GET /metrics: Prometheus text with Kafka's metric names, from the broker's own registry (inside
// `brook start`) and from what the gateway measures itself; and the same gateway alone against a
// cluster (no broker registry) still serving lag, partitions and sizes over the Kafka protocol.
// The Grafana dashboard in docs/ only queries metrics that exist here.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Gateway } from '../../src/gateway/server.js';
import { repoRoot } from '../helpers/paths.js';
import { http, startTestGateway, type TestGateway } from './gateway-harness.js';

/** sample name{labels} -> value */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

function families(text: string): Set<string> {
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
}

describe('/metrics', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({ lagRefreshMs: 0 });
    await http(gw.url, 'POST', `/v3/clusters/${gw.clusterId}/topics`, { body: { topic_name: 'metered', partitions_count: 2 } });
    const entries = Array.from({ length: 10 }, (_, i) => ({ id: String(i), partition_id: i % 2, value: { type: 'STRING', data: `m${i}` } }));
    assert.equal((await http(gw.url, 'POST', `/v3/clusters/${gw.clusterId}/topics/metered/records:batch`, { body: { entries } })).status, 207);
    const v2 = 'application/vnd.kafka.v2+json';
    await http(gw.url, 'POST', '/consumers/metered-group', { body: { name: 'c' }, type: v2 });
    await http(gw.url, 'POST', '/consumers/metered-group/instances/c/assignments', { body: { partitions: [{ topic: 'metered', partition: 0 }, { topic: 'metered', partition: 1 }] }, type: v2 });
    await http(gw.url, 'POST', '/consumers/metered-group/instances/c/offsets', { body: { offsets: [{ topic: 'metered', partition: 0, offset: 1 }, { topic: 'metered', partition: 1, offset: 5 }] }, type: v2 });
    await http(gw.url, 'DELETE', '/consumers/metered-group/instances/c', { headers: { 'content-type': v2 } });
  });
  after(async () => gw?.close());

  test('broker and gateway metrics with Kafka names', async () => {
    const r = await http(gw.url, 'GET', '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.type, /^text\/plain; version=0\.0\.4/);
    const m = parse(r.text);
    assert.equal(m.get('kafka_server_brokertopicmetrics_messagesin_total{topic="metered"}'), 10);
    assert.ok(m.get('kafka_server_brokertopicmetrics_bytesin_total{topic="metered"}')! > 0);
    assert.ok(m.get('kafka_network_requestmetrics_requests_total{request="Produce"}')! >= 1);
    assert.equal(
      m.get('kafka_network_requestmetrics_totaltimems_bucket{request="Produce",le="+Inf"}'),
      m.get('kafka_network_requestmetrics_totaltimems_count{request="Produce"}'),
    );
    assert.ok(m.get('kafka_log_logflushstats_logflushrateandtimems_count')! >= 1, 'acks=all produce fsyncs');
    assert.equal(m.get('kafka_server_delayedoperationpurgatory_purgatorysize{delayedOperation="Produce"}'), 0);
    assert.ok(m.has('kafka_server_delayedoperationpurgatory_purgatorysize{delayedOperation="Fetch"}'));
    assert.ok(m.get('kafka_server_socketservermetrics_connection_count')! >= 1);
    assert.ok(m.get('kafka_server_replicamanager_partitioncount')! >= 2);
    assert.ok(m.get('kafka_log_log_size{topic="metered",partition="0"}')! > 0);
    assert.equal(m.get('kafka_log_log_logendoffset{topic="metered",partition="1"}'), 5);
    assert.equal(m.get('kafka_consumergroup_lag{consumergroup="metered-group",topic="metered",partition="0"}'), 4);
    assert.equal(m.get('kafka_consumergroup_lag{consumergroup="metered-group",topic="metered",partition="1"}'), 0);
    assert.equal(m.get('kafka_consumergroup_lag_sum{consumergroup="metered-group"}'), 4);
    assert.ok(m.get('process_resident_memory_bytes')! > 0);
    assert.ok(m.has('nodejs_eventloop_lag_p99_seconds'));
    assert.ok(m.get('brook_http_requests_total{method="POST",route="/v3/clusters/:cluster_id/topics/:topic_name/records:batch",status="207"}')! >= 1);
  });

  test('the gateway alone against a cluster serves what it can measure', async () => {
    const alone = await Gateway.start({ brokers: [gw.broker.bootstrap], port: 0, lagRefreshMs: 0, schemasTopic: false });
    try {
      const r = await http(alone.url, 'GET', '/metrics');
      const m = parse(r.text);
      assert.ok(!families(r.text).has('kafka_server_brokertopicmetrics_bytesin_total'), 'no broker registry here');
      assert.equal(m.get('kafka_topic_partitions{topic="metered"}'), 2);
      assert.ok(m.get('kafka_log_log_size{topic="metered",partition="0"}')! > 0);
      assert.equal(m.get('kafka_consumergroup_lag{consumergroup="metered-group",topic="metered",partition="0"}'), 4);
      assert.equal((await http(alone.url, 'GET', '/subjects')).status, 404, 'the registry can be turned off');
    } finally {
      await alone.close();
    }
  });

  test('the Grafana dashboard queries only metrics that exist', async () => {
    const text = (await http(gw.url, 'GET', '/metrics')).text;
    const known = families(text);
    for (const name of [...known]) for (const suffix of ['_bucket', '_sum', '_count']) known.add(`${name}${suffix}`);
    const dashboard = JSON.parse(readFileSync(join(repoRoot, 'docs', 'grafana-dashboard.json'), 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
    let queries = 0;
    for (const panel of dashboard.panels) {
      for (const t of panel.targets ?? []) {
        queries++;
        for (const [name] of t.expr.matchAll(/\b(kafka|brook|process|nodejs)_[a-z0-9_]+/g)) assert.ok(known.has(name), `panel "${panel.title}" queries ${name}, which /metrics does not expose`);
      }
    }
    assert.ok(queries >= 10);
  });
});
