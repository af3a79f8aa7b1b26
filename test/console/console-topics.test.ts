// The Topics pages in headless Chromium against a real broker and gateway: search the list,
// create a topic through the form (refused with a field message when invalid, created with its
// configs when valid), edit a config, add partitions, delete records before an offset, and delete
// the topic only after typing its name. Every change is checked through the gateway's REST API
// too, so the page cannot merely claim it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { skipWithoutChromium } from '../helpers/browser.js';
import { http } from '../gateway/gateway-harness.js';
import { startConsoleRig, type ConsoleRig } from './console-harness.js';

const skip = skipWithoutChromium();

describe('web console: topics', { skip }, () => {
  let rig: ConsoleRig;
  const configOf = async (topic: string, name: string): Promise<string | null> => {
    const r = await http(rig.gw.url, 'GET', `/v3/clusters/${rig.gw.clusterId}/topics/${topic}/configs/${name}`);
    return (r.json as { value: string | null }).value;
  };
  before(async () => {
    rig = await startConsoleRig();
    for (const t of ['payments', 'payments-dlq', 'clicks']) await rig.createTopic(t, 2);
    // The registry's topic (_schemas), an internal topic the list hides unless asked.
    const registered = await http(rig.gw.url, 'POST', '/subjects/clicks-value/versions', { body: { schema: '"string"' }, type: 'application/vnd.schemaregistry.v1+json' });
    assert.equal(registered.status, 200, registered.text);
  });
  after(async () => rig?.close());

  test('the list shows every topic and the search narrows it', async () => {
    const page = await rig.open('#/topics');
    const rows = page.locator('[data-testid=topics-table] tbody tr');
    await page.getByRole('link', { name: 'clicks' }).waitFor();
    assert.equal(await rows.count(), 3);
    await page.getByLabel('Search topics').fill('pay');
    await page.getByRole('status').filter({ hasText: /^2 of \d+ topics$/ }).waitFor();
    assert.deepEqual(await rows.locator('td:first-child').allInnerTexts(), ['payments', 'payments-dlq']);
    await page.getByLabel('Show internal topics').check();
    await page.getByLabel('Search topics').fill('');
    await page.getByRole('link', { name: '_schemas' }).waitFor();
    await rig.screenshot(page, 'topics', true);
    await page.close();
  });

  test('create: invalid input is refused with field messages; a valid topic is created with its configs', async () => {
    const page = await rig.open('#/topics');
    await page.getByRole('button', { name: 'New topic' }).click();
    await page.getByLabel('Name', { exact: true }).fill('bad name!');
    await page.getByLabel('Partitions').fill('0');
    await page.getByRole('button', { name: 'Create topic' }).click();
    await page.getByText('Use 1 to 249 letters').waitFor();
    assert.equal(await page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('Partitions').getAttribute('aria-invalid'), 'true');
    // The broker's own refusal is shown too: the name is taken.
    await page.getByLabel('Name', { exact: true }).fill('clicks');
    await page.getByLabel('Partitions').fill('1');
    await page.getByRole('button', { name: 'Create topic' }).click();
    await page.getByRole('alert').filter({ hasText: 'already exists' }).waitFor();

    await page.getByLabel('Name', { exact: true }).fill('audit');
    await page.getByLabel('Partitions').fill('2');
    await page.getByLabel('Retention (ms)').fill('3600000');
    await page.getByLabel('Other configs').fill('cleanup.policy=compact');
    await page.getByRole('button', { name: 'Create topic' }).click();
    await page.getByRole('heading', { name: 'audit', level: 1 }).waitFor();
    await page.locator('[data-testid=partitions-table] tbody tr').nth(1).waitFor();
    assert.equal(await configOf('audit', 'retention.ms'), '3600000');
    assert.equal(await configOf('audit', 'cleanup.policy'), 'compact');
    await page.close();
  });

  test('edit a config, reset it, and add partitions', async () => {
    const page = await rig.open('#/topics/payments');
    await page.getByRole('button', { name: 'Edit retention.ms' }).click();
    await page.getByLabel('New value of retention.ms').fill('86400000');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('[data-testid="config-retention.ms"]').filter({ hasText: '86400000' }).waitFor();
    assert.equal(await configOf('payments', 'retention.ms'), '86400000');
    await page.getByRole('button', { name: 'Reset retention.ms to default' }).click();
    await page.getByRole('status').filter({ hasText: 'retention.ms reset to its default' }).waitFor();
    assert.notEqual(await configOf('payments', 'retention.ms'), '86400000');
    // A bad value is the broker's to refuse, and the page says why.
    await page.getByRole('button', { name: 'Edit retention.ms' }).click();
    await page.getByLabel('New value of retention.ms').fill('soon');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').waitFor();

    await page.getByLabel('New partition count').fill('4');
    await page.getByRole('button', { name: 'Add partitions' }).click();
    await page.locator('[data-testid=partitions-table] tbody tr').nth(3).waitFor();
    const r = await http(rig.gw.url, 'GET', `/v3/clusters/${rig.gw.clusterId}/topics/payments`);
    assert.equal((r.json as { partitions_count: number }).partitions_count, 4);
    await rig.screenshot(page, 'topic', true);
    await page.close();
  });

  test('delete records before an offset moves the log start offset', async () => {
    await rig.produce('clicks', Array.from({ length: 5 }, (_, i) => ({ partition: 0, value: `c${i}` })));
    const page = await rig.open('#/topics/clicks');
    await page.locator('[data-testid=end-0]').filter({ hasText: /^5$/ }).waitFor();
    await page.getByLabel('Delete records of partition 0 before offset').fill('3');
    await page.getByRole('button', { name: 'Delete records of partition 0' }).click();
    await page.locator('[data-testid=start-0]').filter({ hasText: /^3$/ }).waitFor();
    const offsets = await http(rig.gw.url, 'GET', '/topics/clicks/partitions/0/offsets');
    assert.deepEqual(offsets.json, { beginning_offset: 3, end_offset: 5 });
    await page.close();
  });

  test('delete a topic only after typing its name', async () => {
    const page = await rig.open('#/topics/payments-dlq');
    await page.getByRole('button', { name: 'Delete topic' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete topic payments-dlq?' });
    await dialog.waitFor();
    const confirm = dialog.getByRole('button', { name: 'Delete topic' });
    assert.equal(await confirm.isDisabled(), true);
    await dialog.getByLabel('Type payments-dlq to confirm').fill('payments');
    assert.equal(await confirm.isDisabled(), true);
    await dialog.getByLabel('Type payments-dlq to confirm').fill('payments-dlq');
    await confirm.click();
    await page.getByRole('heading', { name: 'Topics', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'clicks' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'payments-dlq', exact: true }).count(), 0);
    const r = await http(rig.gw.url, 'GET', `/v3/clusters/${rig.gw.clusterId}/topics/payments-dlq`);
    assert.equal(r.status, 404);
    await page.close();
  });

  test('no page threw', () => {
    assert.deepEqual(rig.pageErrors, []);
  });
});
