// SSE start positions and groups, read with Node's fetch: `partition`, `timestamp`, `offset=N`,
// and `group=G` (start at G's committed offsets; what is delivered is committed, so a new stream
// of the same group continues after it without Last-Event-ID). Plus REST v2 consumer instances
// expiring when idle.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { http, startTestGateway, until, type TestGateway } from './gateway-harness.js';

interface Event {
  id: string;
  partition: number;
  offset: number;
  value: string;
}

/** Reads `count` record events from an SSE URL, then closes the stream. */
async function readEvents(url: string, count: number, headers: Record<string, string> = {}): Promise<Event[]> {
  const controller = new AbortController();
  // A guard against a hang (the test fails instead), not a synchronisation.
  const guard = setTimeout(() => controller.abort(), 30_000);
  const response = await fetch(url, { signal: controller.signal, headers });
  assert.equal(response.status, 200, await (response.status === 200 ? Promise.resolve('') : response.text()));
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: Event[] = [];
  let text = '';
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = text.indexOf('\n\n')) >= 0) {
      const block = text.slice(0, cut);
      text = text.slice(cut + 2);
      const id = /^id: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (id && data) {
        const d = JSON.parse(data) as { partition: number; offset: number; value: string };
        events.push({ id, partition: d.partition, offset: d.offset, value: d.value });
      }
    }
  }
  clearTimeout(guard);
  controller.abort();
  return events.slice(0, count);
}

describe('SSE parameters and groups', () => {
  let gw: TestGateway;
  let stamps: number[] = [];
  before(async () => {
    gw = await startTestGateway({ consumerIdleMs: 300 });
    await http(gw.url, 'POST', `/v3/clusters/${gw.clusterId}/topics`, { body: { topic_name: 'ticks', partitions_count: 2 } });
    const base = Date.parse('2026-01-01T00:00:00Z');
    stamps = Array.from({ length: 10 }, (_, i) => base + i * 60_000);
    for (let i = 0; i < 10; i++) {
      const r = await http(gw.url, 'POST', `/v3/clusters/${gw.clusterId}/topics/ticks/records`, {
        body: { partition_id: i % 2, value: { type: 'STRING', data: `t${i}` }, timestamp: new Date(stamps[i]!).toISOString() },
      });
      assert.equal(r.status, 200);
    }
  });
  after(async () => gw?.close());

  test('partition, offset and timestamp pick where a stream starts', async () => {
    const one = await readEvents(`${gw.url}/sse/topics/ticks?partition=1&offset=earliest`, 5);
    assert.deepEqual(one.map((e) => e.value), ['t1', 't3', 't5', 't7', 't9']);
    assert.deepEqual(one.map((e) => e.id), ['1:0', '1:1', '1:2', '1:3', '1:4'], 'a one-partition stream has plain ids');
    const fromOffset = await readEvents(`${gw.url}/sse/topics/ticks?partition=0&offset=3`, 2);
    const both = await readEvents(`${gw.url}/sse/topics/ticks?offset=earliest&partition=0,1`, 1);
    assert.match(both[0]!.id, /^[01]:0;[01]:-1$/, 'partitions with nothing delivered yet are in the id too');
    assert.deepEqual(fromOffset.map((e) => e.value), ['t6', 't8']);
    const fromTime = await readEvents(`${gw.url}/sse/topics/ticks?timestamp=${new Date(stamps[6]!).toISOString()}`, 4);
    assert.deepEqual(fromTime.map((e) => e.value).sort(), ['t6', 't7', 't8', 't9']);
    // After offset 3 of partition 0 (t8 is next) and offset 4 of partition 1 (its last record).
    const resumed = await readEvents(`${gw.url}/sse/topics/ticks?offset=earliest`, 1, { 'last-event-id': '0:3;1:4' });
    assert.deepEqual(resumed.map((e) => [e.value, e.id]), [['t8', '0:4;1:4']]);
  });

  test('group=G starts at the committed offsets and commits what it delivered', async () => {
    // The whole partition (five records) is written to the stream at once: all five are delivered.
    const first = await readEvents(`${gw.url}/sse/topics/ticks?group=dashboard&partition=0&offset=earliest`, 5);
    assert.deepEqual(first.map((e) => e.value), ['t0', 't2', 't4', 't6', 't8']);
    // The commit follows within a second of delivery (and when the stream closes).
    await until('the group to commit offset 5', async () => {
      const lag = await http(gw.url, 'GET', `/v3/clusters/${gw.clusterId}/consumer-groups/dashboard/lags`);
      const data = (lag.json as { data?: { partition_id: number; current_offset: number }[] } | undefined)?.data ?? [];
      return data.some((l) => l.partition_id === 0 && l.current_offset === 5) ? true : undefined;
    });
    for (const data of ['t10', 't12']) {
      await http(gw.url, 'POST', `/v3/clusters/${gw.clusterId}/topics/ticks/records`, { body: { partition_id: 0, value: { type: 'STRING', data } } });
    }
    // A new stream of the group, without Last-Event-ID, continues after the commit.
    const next = await readEvents(`${gw.url}/sse/topics/ticks?group=dashboard&partition=0&offset=earliest`, 2);
    assert.deepEqual(next.map((e) => e.value), ['t10', 't12']);
  });

  test('REST consumer instances idle past consumerIdleMs are deleted', async () => {
    const type = 'application/vnd.kafka.v2+json';
    assert.equal((await http(gw.url, 'POST', '/consumers/idle', { body: { name: 'sleepy' }, type })).status, 200);
    // Watched through /metrics: a request to the instance itself would keep it alive.
    await until('the idle instance to be deleted', async () => (/^brook_gateway_rest_consumer_instances 0$/m.test((await http(gw.url, 'GET', '/metrics')).text) ? true : undefined));
    const r = await http(gw.url, 'GET', '/consumers/idle/instances/sleepy/subscription');
    assert.deepEqual([r.status, (r.json as { error_code: number }).error_code], [404, 40403]);
  });
});
