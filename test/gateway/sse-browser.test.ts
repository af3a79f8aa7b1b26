// Server-Sent Events in a real browser: headless Chromium's EventSource reads a topic through
// /sse/topics/{topic}, the server drops the connection mid-stream, records keep arriving while
// the browser is away, and the browser's automatic reconnect (with Last-Event-ID) resumes exactly
// after the last event it saw: every record once, none missing, none repeated.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, skipWithoutChromium, type TestBrowser } from '../helpers/browser.js';
import { http, startTestGateway, until, type TestGateway } from './gateway-harness.js';

interface SeenEvent {
  id: string;
  partition: number;
  offset: number;
  value: string;
}

const skip = skipWithoutChromium();

describe('SSE with a browser EventSource', { skip }, () => {
  let gw: TestGateway;
  let browser: TestBrowser;
  before(async () => {
    gw = await startTestGateway();
    browser = await launchBrowser();
    await http(gw.url, 'POST', `/v3/clusters/${gw.clusterId}/topics`, { body: { topic_name: 'clicks', partitions_count: 2 } });
  });
  after(async () => {
    await browser?.close();
    await gw?.close();
  });

  const produce = async (from: number, to: number): Promise<void> => {
    for (let i = from; i < to; i++) {
      const r = await http(gw.url, 'POST', `/v3/clusters/${gw.clusterId}/topics/clicks/records`, { body: { partition_id: i % 2, value: { type: 'STRING', data: `click-${i}` } } });
      assert.equal(r.status, 200, r.text);
    }
  };

  test('resumes exactly after the last event when the server drops the connection', async () => {
    const page = await browser.page();
    await page.goto(`${gw.url}/health`);
    // Browser code as text: the test project compiles without DOM types.
    await page.evaluate(`
      window.seen = [];
      window.opens = 0;
      const source = new EventSource('/sse/topics/clicks?offset=earliest');
      source.onopen = () => window.opens++;
      source.addEventListener('record', (e) => {
        const data = JSON.parse(e.data);
        window.seen.push({ id: e.lastEventId, partition: data.partition, offset: data.offset, value: data.value });
      });
    `);
    const seen = () => page.evaluate('window.seen') as Promise<SeenEvent[]>;
    const opens = () => page.evaluate('window.opens') as Promise<number>;

    await produce(0, 6);
    await until('6 events in the browser', async () => ((await seen()).length >= 6 ? true : undefined));
    assert.equal(await opens(), 1);

    gw.gateway.context.sse.disconnectAll();
    // Written while the browser is disconnected (or reconnecting): must arrive after the resume.
    await produce(6, 12);
    await until('the browser reconnected', async () => ((await opens()) >= 2 ? true : undefined));
    await until('12 events in the browser', async () => ((await seen()).length >= 12 ? true : undefined));

    const events = await seen();
    const keys = events.map((e) => `${e.partition}:${e.offset}`);
    assert.equal(new Set(keys).size, keys.length, `no event twice: ${keys.join(' ')}`);
    assert.deepEqual(
      events.map((e) => e.value).sort(),
      Array.from({ length: 12 }, (_, i) => `click-${i}`).sort(),
      'every record exactly once',
    );
    for (const p of [0, 1]) {
      assert.deepEqual(events.filter((e) => e.partition === p).map((e) => e.offset), [0, 1, 2, 3, 4, 5], `partition ${p} in order`);
    }
    // Ids encode the event's own partition and offset first.
    for (const e of events) assert.ok(e.id.startsWith(`${e.partition}:${e.offset}`), e.id);
    await page.close();
  });
});
