// Consumer groups, share groups and the schema registry in headless Chromium against a real broker
// and gateway, with a real kafkajs consumer group and a share consumer: state, members and lag,
// the lag chart moving while the consumer is paused and a producer writes, an offset reset
// previewed, refused while the member is active (in the page and by the gateway), and applied
// once it left; then schema subjects, a version diff and the compatibility level.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Consumer as PlatformaticConsumer, stringDeserializers } from '@platformatic/kafka';
import { ShareConsumer } from '../../src/client/index.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { closeConsumer } from '../helpers/close-consumer.js';
import { http, until } from '../gateway/gateway-harness.js';
import { startConsoleRig, type ConsoleRig } from './console-harness.js';

const skip = skipWithoutChromium();

describe('web console: consumer groups and schema registry', { skip }, () => {
  let rig: ConsoleRig;
  let consumer: Consumer | null = null;
  let share: ShareConsumer | null = null;
  let consumed = 0;
  const committedTotal = async (): Promise<number> => {
    const r = await http(rig.gw.url, 'GET', `/v3/clusters/${rig.gw.clusterId}/consumer-groups/billing/lags`);
    if (r.status !== 200) return -1;
    return (r.json as { data: { current_offset: number }[] }).data.reduce((s, l) => s + l.current_offset, 0);
  };
  before(async () => {
    rig = await startConsoleRig();
    await rig.createTopic('orders', 2);
    await rig.produce('orders', Array.from({ length: 6 }, (_, i) => ({ partition: i % 2, value: `order-${i}` })));
    const kafka = new Kafka({ clientId: 'billing-app', brokers: [rig.gw.broker.bootstrap], logLevel: logLevel.NOTHING });
    consumer = kafka.consumer({ groupId: 'billing', sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    await consumer.run({
      autoCommitThreshold: 1,
      eachMessage: async () => {
        consumed++;
      },
    });
    await until('billing committed all 6', async () => ((await committedTotal()) === 6 ? true : undefined), 60_000);
  });
  after(async () => {
    await consumer?.disconnect().catch(() => undefined);
    await share?.close().catch(() => undefined);
    await rig?.close();
  });

  test('the list and the group page show state, members and lag; the lag chart moves', async () => {
    const list = await rig.open('#/groups');
    await list.locator('tr[data-group=billing]').filter({ hasText: 'STABLE' }).waitFor();
    assert.match(await list.locator('tr[data-group=billing]').innerText(), /STABLE\s+1\s+0/);
    await list.close();

    const page = await rig.open('#/groups/billing');
    await page.locator('[data-testid=group-state]').filter({ hasText: 'STABLE' }).waitFor();
    assert.equal(await page.locator('[data-testid=group-members]').innerText(), '1');
    await page.locator('[data-testid=lag-table] tbody tr').nth(1).waitFor();
    assert.match(await page.getByRole('table', { name: 'Members' }).innerText(), /billing-app\s+orders-\d/);
    // Paused, the consumer stops committing; what the producer writes becomes lag on the chart.
    consumer!.pause([{ topic: 'orders' }]);
    await rig.produce('orders', Array.from({ length: 4 }, (_, i) => ({ partition: i % 2, value: `later-${i}` })));
    const chart = page.locator('figure[aria-label="Total lag"] [data-latest]');
    await until('lag 4 on the chart', async () => ((await chart.getAttribute('data-latest')) === '4' ? true : undefined), 30_000);
    await page.locator('[data-testid=group-lag]').filter({ hasText: /^4$/ }).waitFor();
    await rig.screenshot(page, 'group', true);
    await page.close();
  });

  test('an offset reset is previewed, refused while the member is active, applied once it left', async () => {
    const page = await rig.open('#/groups/billing');
    await page.locator('[data-testid=group-state]').filter({ hasText: 'STABLE' }).waitFor();
    const form = page.getByRole('group', { name: 'Reset offsets' });
    await form.getByLabel('Topic').fill('orders');
    await form.getByLabel('Reset to').selectOption('earliest');
    await form.getByRole('button', { name: 'Preview' }).click();
    const preview = page.locator('[data-testid=reset-preview]');
    await preview.locator('tbody tr').nth(1).waitFor();
    assert.match(await preview.locator('tr[data-partition="0"]').innerText(), /orders\s+0\s+3\s+0\s+5/);
    assert.match(await preview.locator('tr[data-partition="1"]').innerText(), /orders\s+1\s+3\s+0\s+5/);
    assert.equal(await form.getByRole('button', { name: 'Apply reset' }).isDisabled(), true);
    await form.getByText('The group has 1 active member(s)').waitFor();
    // The gateway refuses it too, whatever a client sends.
    const refused = await http(rig.gw.url, 'POST', '/console/api/groups/billing/reset-offsets', { body: { topic: 'orders', to: 'earliest' } });
    assert.equal(refused.status, 409, refused.text);
    assert.equal(await committedTotal(), 6);
    await rig.screenshot(page, 'group-reset-preview');

    await consumer!.disconnect();
    consumer = null;
    await page.locator('[data-testid=group-state]').filter({ hasText: 'EMPTY' }).waitFor({ timeout: 30_000 });
    await form.getByLabel('Reset to').selectOption('offset');
    await form.getByLabel('Offset').fill('1');
    await form.getByRole('button', { name: 'Preview' }).click();
    // The table's text content has no separators between cells; its rendered text has tabs.
    await until('the new preview', async () => (/orders\s+0\s+3\s+1\s+4/.test(await preview.locator('tr[data-partition="0"]').innerText()) ? true : undefined));
    await form.getByRole('button', { name: 'Apply reset' }).click();
    await form.getByRole('status').filter({ hasText: 'Offsets of billing on orders reset.' }).waitFor();
    assert.equal(await committedTotal(), 2);
    await page.locator('[data-testid=group-lag]').filter({ hasText: /^8$/ }).waitFor();
    await page.close();
  });

  test('a KIP-848 consumer group (group.protocol=consumer) is listed and described beside the classic one', async () => {
    const modern = new PlatformaticConsumer({
      clientId: 'ledger-app',
      groupId: 'ledger',
      groupProtocol: 'consumer',
      bootstrapBrokers: [rig.gw.broker.bootstrap],
      deserializers: stringDeserializers,
    });
    try {
      const stream = await modern.consume({ topics: ['orders'], mode: 'earliest', autocommit: false });
      let read = 0;
      for await (const message of stream) {
        await message.commit();
        if (++read === 6) break;
      }
      await stream.close();
      const listed = await until('ledger in the v3 group list', async () => {
        const r = await http(rig.gw.url, 'GET', `/v3/clusters/${rig.gw.clusterId}/consumer-groups`);
        return (r.json as { data: { consumer_group_id: string; type: string }[] }).data.find((g) => g.consumer_group_id === 'ledger');
      });
      assert.equal(listed.type, 'CONSUMER');
      const lags = await http(rig.gw.url, 'GET', `/v3/clusters/${rig.gw.clusterId}/consumer-groups/ledger/lags`);
      assert.equal(lags.status, 200, lags.text);
      assert.equal((lags.json as { data: { current_offset: number }[] }).data.reduce((s, l) => s + l.current_offset, 0), 6);

      const list = await rig.open('#/groups');
      await list.locator('tr[data-group=ledger]').waitFor();
      assert.match(await list.locator('tr[data-group=ledger]').innerText(), /^ledger\s+consumer\s/);
      assert.match(await list.locator('tr[data-group=billing]').innerText(), /^billing\s+classic\s/);
      await list.close();
      const page = await rig.open('#/groups/ledger');
      await page.locator('[data-testid=group-protocol]').filter({ hasText: 'consumer (KIP-848)' }).waitFor();
      await page.close();
    } finally {
      await closeConsumer(modern);
    }
  });

  test('share groups are listed with their members and partitions', async () => {
    share = new ShareConsumer({ brokers: [rig.gw.broker.bootstrap], clientId: 'share-worker', groupId: 'workers', maxWaitMs: 100 });
    await share.subscribe(['orders']);
    const page = await rig.open('#/groups');
    const article = page.getByRole('article', { name: 'Share group workers' });
    // The member shows once its heartbeat has joined it; polling keeps the membership alive.
    await until(
      'the share member on the page',
      async () => {
        await share!.poll();
        return (await article.getByText('share-worker').count()) > 0 ? true : undefined;
      },
      30_000,
    );
    await page.close();
  });

  test('schema subjects, a diff between versions, and the compatibility level', async () => {
    const type = 'application/vnd.schemaregistry.v1+json';
    const v1 = { type: 'record', name: 'Order', fields: [{ name: 'id', type: 'long' }] };
    const v2 = { type: 'record', name: 'Order', fields: [{ name: 'id', type: 'long' }, { name: 'note', type: 'string', default: '' }] };
    for (const s of [v1, v2]) {
      const r = await http(rig.gw.url, 'POST', '/subjects/orders-value/versions', { body: { schema: JSON.stringify(s) }, type });
      assert.equal(r.status, 200, r.text);
    }
    const page = await rig.open('#/schemas');
    await page.getByRole('link', { name: 'orders-value' }).click();
    // The page shows the latest version once the subject's versions have loaded: wait for that state.
    await page.getByRole('tab', { name: 'Version 2', selected: true }).waitFor();
    await page.locator('[data-testid=schema-text]', { hasText: '"note"' }).waitFor();
    const diff = page.locator('[data-testid=schema-diff]');
    assert.match(await diff.locator('.diff-add').innerText(), /\+ .*"name": "note"/);
    await page.getByRole('tab', { name: 'Version 1' }).click();
    await page.getByRole('tab', { name: 'Version 1', selected: true }).waitFor();
    await until('version 1 without the note field', async () => (!(await page.locator('[data-testid=schema-text]').innerText()).includes('"note"') ? true : undefined), 30_000);
    await page.getByLabel('Compatibility', { exact: true }).selectOption('FULL');
    await page.getByRole('status').filter({ hasText: 'Compatibility set to FULL.' }).waitFor();
    const config = await http(rig.gw.url, 'GET', '/config/orders-value');
    assert.deepEqual(config.json, { compatibilityLevel: 'FULL' });
    await rig.screenshot(page, 'schemas', true);
    await page.close();
  });

  test('no page threw', () => {
    assert.ok(consumed >= 6);
    assert.deepEqual(rig.pageErrors, []);
  });
});
