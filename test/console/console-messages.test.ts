// The message browser in headless Chromium against a real broker and gateway: records produced
// over REST appear, filters by key / value / header narrow them (matched by the gateway), reads
// start from an offset or a time on one partition, values switch between JSON, text and hex,
// Avro and JSON Schema values are decoded through the registry, the live tail shows records
// produced after it started, the download is JSON Lines of what is shown, and the produce form
// writes a record with key, headers and partition.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { skipWithoutChromium } from '../helpers/browser.js';
import { http, until } from '../gateway/gateway-harness.js';
import { startConsoleRig, type ConsoleRig } from './console-harness.js';

const skip = skipWithoutChromium();

describe('web console: message browser', { skip }, () => {
  let rig: ConsoleRig;
  let secondBatchAt = 0;
  before(async () => {
    rig = await startConsoleRig();
    await rig.createTopic('orders', 2);
    await rig.produce('orders', [
      { partition: 0, key: 'alice', value: JSON.stringify({ id: 1, customer: 'alice', items: [{ sku: 'pen', qty: 2 }] }), headers: { source: 'web' } },
      { partition: 1, key: 'bob', value: JSON.stringify({ id: 2, customer: 'bob', items: [] }), headers: { source: 'mobile' } },
      { partition: 0, key: 'carol', value: 'plain text order', headers: { source: 'web', priority: 'high' } },
    ]);
    // The next batch is written in a later second than the first, for the "from a time" read.
    const next = Math.ceil((Date.now() + 1) / 1000) * 1000;
    await until('the next second', () => (Date.now() >= next ? true : undefined), 5000);
    secondBatchAt = next;
    await rig.produce('orders', [
      { partition: 1, key: 'dave', value: JSON.stringify({ id: 4, customer: 'dave' }) },
      { partition: 0, key: 'erin', value: JSON.stringify({ id: 5, customer: 'erin' }) },
    ]);
  });
  after(async () => rig?.close());

  const shownOffsets = async (page: Awaited<ReturnType<ConsoleRig['open']>>): Promise<string[]> =>
    Promise.all((await page.locator('[data-testid=records-table] tbody tr').all()).map(async (r) => (await r.getAttribute('data-offset')) ?? ''));

  test('newest records of all partitions, JSON pretty, text and hex', async () => {
    const page = await rig.open('#/topics/orders/messages');
    await page.getByRole('status').filter({ hasText: '5 records shown' }).waitFor();
    assert.deepEqual((await shownOffsets(page)).sort(), ['0:0', '0:1', '0:2', '1:0', '1:1']);
    const first = page.locator('tr[data-offset="0:0"] td.value');
    // JSON: a collapsible tree with the keys.
    await first.locator('details summary').first().waitFor();
    assert.match(await first.innerText(), /"customer": "alice"/);
    await page.getByRole('radio', { name: 'Text' }).click();
    await first.getByText('{"id":1,"customer":"alice"').waitFor();
    await page.getByRole('radio', { name: 'Hex' }).click();
    await first.getByText(/^00000000 {2}7b 22 69 64/).waitFor();
    await page.getByRole('radio', { name: 'JSON' }).click();
    await rig.screenshot(page, 'messages', true);
    await page.close();
  });

  test('filters by key, value and header, matched by the gateway', async () => {
    const page = await rig.open('#/topics/orders/messages');
    await page.getByRole('status').filter({ hasText: '5 records shown' }).waitFor();
    await page.getByLabel('Key contains').fill('car');
    await page.getByRole('button', { name: 'Read' }).click();
    await page.getByRole('status').filter({ hasText: '1 records shown' }).waitFor();
    assert.deepEqual(await shownOffsets(page), ['0:1']);
    await page.getByLabel('Key contains').fill('');
    await page.getByLabel('Value contains').fill('"items"');
    await page.getByRole('button', { name: 'Read' }).click();
    await page.getByRole('status').filter({ hasText: '2 records shown' }).waitFor();
    assert.deepEqual((await shownOffsets(page)).sort(), ['0:0', '1:0']);
    await page.getByLabel('Value contains').fill('');
    await page.getByLabel('Header (name or name=value)').fill('source=web');
    await page.getByRole('button', { name: 'Read' }).click();
    await page.getByRole('status').filter({ hasText: '2 records shown' }).waitFor();
    assert.deepEqual((await shownOffsets(page)).sort(), ['0:0', '0:1']);
    await page.getByLabel('Header (name or name=value)').fill('priority');
    await page.getByRole('button', { name: 'Read' }).click();
    await page.getByRole('status').filter({ hasText: '1 records shown' }).waitFor();
    // A filter expression, read by the gateway: JSON fields, keys, and / or.
    await page.getByLabel('Header (name or name=value)').fill('');
    await page.getByLabel('Filter expression').fill('value.customer == "bob" || key startsWith "car"');
    await page.getByRole('button', { name: 'Read' }).click();
    await page.getByRole('status').filter({ hasText: '2 records shown' }).waitFor();
    assert.deepEqual((await shownOffsets(page)).sort(), ['0:1', '1:0']);
    await page.getByLabel('Filter expression').fill('value.items == ');
    await page.getByRole('button', { name: 'Read' }).click();
    await page.getByRole('alert').filter({ hasText: 'Filter: Expected a value at the end.' }).waitFor();
    await page.getByLabel('Filter expression').fill('');
    // Text that looks like code is only ever a substring to look for.
    await page.getByLabel('Header (name or name=value)').fill('');
    await page.getByLabel('Value contains').fill('process.exit(1)');
    await page.getByRole('button', { name: 'Read' }).click();
    await page.getByRole('status').filter({ hasText: '0 records shown, 5 scanned' }).waitFor();
    const health = await http(rig.gw.url, 'GET', '/health');
    assert.equal(health.status, 200);
    await page.close();
  });

  test('one partition from an offset, and all partitions from a time', async () => {
    const page = await rig.open('#/topics/orders/messages');
    await page.getByRole('status').filter({ hasText: '5 records shown' }).waitFor();
    await page.getByLabel('Partition', { exact: true }).first().selectOption('0');
    await page.getByLabel('Start from').selectOption('offset');
    await page.getByLabel('Offset').fill('1');
    await page.getByRole('button', { name: 'Read' }).click();
    await page.getByRole('status').filter({ hasText: '2 records shown' }).waitFor();
    assert.deepEqual(await shownOffsets(page), ['0:1', '0:2']);

    await page.getByLabel('Partition', { exact: true }).first().selectOption('all');
    await page.getByLabel('Start from').selectOption('timestamp');
    // datetime-local is in the browser's own time zone.
    const local = (await page.evaluate(`(() => { const d = new Date(${secondBatchAt}); const p = (n) => String(n).padStart(2, '0'); return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds()); })()`)) as string;
    await page.getByLabel('Time').fill(local);
    await page.getByRole('button', { name: 'Read' }).click();
    // The previous read also showed 2 records: wait for the rows of this one, not the count.
    await until('the records from the time', async () => ((await shownOffsets(page)).sort().join(',') === '0:2,1:1' ? true : undefined), 30_000);
    await page.close();
  });

  test('Avro and JSON Schema values are decoded through the schema registry', async () => {
    await rig.createTopic('payments', 1);
    const avro = JSON.stringify({ type: 'record', name: 'Payment', fields: [{ name: 'id', type: 'long' }, { name: 'amount', type: 'double' }] });
    const a = await http(rig.gw.url, 'POST', `/v3/clusters/${rig.gw.clusterId}/topics/payments/records`, { body: { value: { type: 'AVRO', schema: avro, data: { id: 7, amount: 12.5 } } } });
    assert.equal(a.status, 200, a.text);
    await rig.createTopic('events', 1);
    const jsonSchema = JSON.stringify({ type: 'object', properties: { kind: { type: 'string' } }, required: ['kind'] });
    const j = await http(rig.gw.url, 'POST', `/v3/clusters/${rig.gw.clusterId}/topics/events/records`, { body: { value: { type: 'JSONSCHEMA', schema: jsonSchema, data: { kind: 'signup' } } } });
    assert.equal(j.status, 200, j.text);

    const page = await rig.open('#/topics/payments/messages');
    const cell = page.locator('tr[data-offset="0:0"] td.value');
    await cell.getByText(/AVRO schema \d+/).waitFor();
    assert.match(await cell.innerText(), /"amount": 12\.5/);
    // The raw bytes are still there: magic byte 0 and the schema id.
    await page.getByRole('radio', { name: 'Hex' }).click();
    await cell.getByText(/^00000000 {2}00 00 00 00/).waitFor();
    await page.close();

    const events = await rig.open('#/topics/events/messages');
    const ev = events.locator('tr[data-offset="0:0"] td.value');
    await ev.getByText(/JSON schema \d+/).waitFor();
    assert.match(await ev.innerText(), /"kind": "signup"/);
    await events.close();
  });

  test('live tail shows records produced after it started', async () => {
    const page = await rig.open('#/topics/orders/messages');
    await page.getByRole('status').filter({ hasText: '5 records shown' }).waitFor();
    await page.getByRole('button', { name: 'Live tail' }).click();
    await page.getByRole('status').filter({ hasText: 'live' }).waitFor();
    await until('the browser subscribed', () => (rig.gw.gateway.context.sse.subscriberCount > 0 ? true : undefined));
    // The stream starts at the end of the log once subscribed; produce until a record shows up.
    let i = 0;
    await until(
      'a live record on the page',
      async () => {
        await rig.produce('orders', [{ partition: 1, key: 'live', value: `live-${i++}` }]);
        return (await page.locator('td.value', { hasText: /^live-\d+$/ }).count()) > 0 ? true : undefined;
      },
      30_000,
    );
    // The newest live record is on top.
    const top = await page.locator('[data-testid=records-table] tbody tr').first().locator('td.value').innerText();
    assert.match(top, /^live-\d+$/);
    await page.getByRole('button', { name: 'Stop live tail' }).click();
    await until('the stream closed', () => (rig.gw.gateway.context.sse.subscriberCount === 0 ? true : undefined));
    await page.close();
  });

  test('download the shown records as JSON Lines', async () => {
    const page = await rig.open('#/topics/orders/messages');
    await page.getByLabel('Key contains').fill('alice');
    await page.getByRole('button', { name: 'Read' }).click();
    await page.getByRole('status').filter({ hasText: '1 records shown' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download JSON lines' }).click()]);
    assert.equal(download.suggestedFilename(), 'orders.jsonl');
    const lines = readFileSync((await download.path())!, 'utf8').trim().split('\n');
    assert.equal(lines.length, 1);
    const rec = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual({ ...rec, timestamp: 0 }, {
      topic: 'orders',
      partition: 0,
      offset: 0,
      timestamp: 0,
      key: 'alice',
      value: JSON.stringify({ id: 1, customer: 'alice', items: [{ sku: 'pen', qty: 2 }] }),
      headers: { source: 'web' },
    });
    await page.close();
  });

  test('produce a record with key, headers and partition', async () => {
    const page = await rig.open('#/topics/orders/messages');
    await page.getByRole('status').filter({ hasText: 'records shown' }).waitFor();
    const form = page.getByRole('group', { name: 'Produce a record' });
    await form.getByLabel('Partition').selectOption('1');
    await form.getByLabel('Key', { exact: true }).fill('frank');
    await form.getByLabel('Value', { exact: true }).fill('{"id": 6}');
    await form.getByLabel('Headers (name=value per line)').fill('source=console\ntrace=abc');
    await form.getByRole('button', { name: 'Produce' }).click();
    const note = await page.getByRole('status').filter({ hasText: /Produced to partition 1 at offset \d+/ }).innerText();
    const offset = Number(/offset (\d+)/.exec(note)![1]);
    const r = await http(rig.gw.url, 'GET', `/console/api/topics/orders/records?partition=1&from=offset&offset=${offset}&limit=1`);
    const rec = (r.json as { records: { key: string; value: string; headers: { key: string; value: string }[] }[] }).records[0]!;
    assert.equal(Buffer.from(rec.key, 'base64').toString(), 'frank');
    assert.equal(Buffer.from(rec.value, 'base64').toString(), '{"id": 6}');
    assert.deepEqual(rec.headers.map((h) => `${h.key}=${Buffer.from(h.value, 'base64').toString()}`), ['source=console', 'trace=abc']);
    // The page read again and shows it.
    await page.locator(`tr[data-offset="1:${offset}"]`).waitFor();
    await page.close();
  });

  test('no page threw', () => {
    assert.deepEqual(rig.pageErrors, []);
  });
});
