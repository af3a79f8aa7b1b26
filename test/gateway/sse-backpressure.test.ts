// A browser that stops reading must not make the gateway buffer without bound: its stream is
// paused once its socket holds subscriberBufferBytes, and disconnected when it stays paused past
// maxPausedMs — while a subscriber that reads keeps receiving every record of the same topic.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { http, startTestGateway, until, type TestGateway } from './gateway-harness.js';

const RECORDS = 600;
const VALUE = 'v'.repeat(10_000);

describe('SSE backpressure', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({ sse: { subscriberBufferBytes: 32 * 1024, maxPausedMs: 300, heartbeatMs: 100 } });
    await http(gw.url, 'POST', `/v3/clusters/${gw.clusterId}/topics`, { body: { topic_name: 'firehose', partitions_count: 1 } });
    // ~6 MB of events: more than the loopback socket buffers of a client that never reads.
    for (let i = 0; i < RECORDS; i += 100) {
      const entries = Array.from({ length: 100 }, (_, n) => ({ id: String(i + n), value: { type: 'STRING', data: `${i + n}:${VALUE}` } }));
      const r = await http(gw.url, 'POST', `/v3/clusters/${gw.clusterId}/topics/firehose/records:batch`, { body: { entries } });
      assert.equal(r.status, 207);
    }
  });
  after(async () => gw?.close());

  test('a reader that stops reading is paused, then dropped; a reading one gets everything', async () => {
    const { port } = new URL(gw.url);
    const slow: Socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
    slow.pause(); // never reads a byte
    let slowClosed = false;
    slow.on('close', () => (slowClosed = true));
    slow.on('error', () => undefined);
    slow.write(`GET /sse/topics/firehose?offset=earliest HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);

    // A reading subscriber on the same topic, counting record events.
    const controller = new AbortController();
    const response = await fetch(`${gw.url}/sse/topics/firehose?offset=earliest`, { signal: controller.signal });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const reader = response.body!.getReader();
    let text = '';
    let events = 0;
    const decoder = new TextDecoder();
    while (events < RECORDS) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = text.indexOf('\n\n')) >= 0) {
        if (text.slice(0, cut).includes('event: record')) events++;
        text = text.slice(cut + 2);
      }
    }
    controller.abort();
    assert.equal(events, RECORDS, 'the reading subscriber got every record');

    await until('the slow subscriber to be dropped', () => (gw.gateway.context.sse.dropped >= 1 ? true : undefined));
    await until('no subscriber left on the gateway', () => (gw.gateway.context.sse.subscriberCount === 0 ? true : undefined));
    // Reading now drains what the kernel held and then meets the end the server sent.
    slow.resume();
    await until('its connection to close', () => (slowClosed ? true : undefined));
    const metrics = await http(gw.url, 'GET', '/metrics');
    assert.match(metrics.text, /^brook_gateway_sse_dropped_total 1$/m);
    slow.destroy();
  });
});
