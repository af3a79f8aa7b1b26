// The console with 1,000 topics, in headless Chromium against a real broker and gateway: the
// Topics page lists them all, the search finds one, a topic's page opens, and the Overview counts
// them. (How fast it loads is measured by `npm run bench -- console`, not asserted here.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { skipWithoutChromium } from '../helpers/browser.js';
import { startConsoleRig, type ConsoleRig } from './console-harness.js';

const skip = skipWithoutChromium();
const COUNT = 1000;

export const manyTopicNames = (count: number): string[] => Array.from({ length: count }, (_, i) => `topic-${String(i).padStart(4, '0')}`);

describe('web console: 1,000 topics', { skip }, () => {
  let rig: ConsoleRig;
  before(async () => {
    rig = await startConsoleRig();
    const admin = new Kafka({ clientId: 'many-topics', brokers: [rig.gw.broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      assert.equal(await admin.createTopics({ topics: manyTopicNames(COUNT).map((topic) => ({ topic, numPartitions: 1 })), timeout: 120_000 }), true);
    } finally {
      await admin.disconnect();
    }
  });
  after(async () => rig?.close());

  test('the Topics page lists all of them a page at a time and the search finds one', async () => {
    const page = await rig.open('#/topics');
    await page.getByRole('status').filter({ hasText: new RegExp(`^${COUNT} of \\d+ topics$`) }).waitFor({ timeout: 60_000 });
    // Drawn 100 rows at a time; the last page holds the last topics.
    assert.equal(await page.locator('[data-testid=topics-table] tbody tr').count(), 100);
    await page.getByText('Page 1 of 10').waitFor();
    for (let i = 0; i < 9; i++) await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('Page 10 of 10').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Next page' }).isDisabled(), true);
    await page.getByRole('link', { name: 'topic-0999' }).waitFor();
    assert.equal(await page.locator('[data-testid=topics-table] tbody tr').count(), 100);
    await page.getByLabel('Search topics').fill('topic-0999');
    await page.getByRole('status').filter({ hasText: /^1 of \d+ topics$/ }).waitFor();
    await page.getByRole('link', { name: 'topic-0999' }).click();
    await page.getByRole('heading', { name: 'topic-0999', level: 1 }).waitFor();
    await page.locator('[data-testid=partitions-table] tbody tr').first().waitFor();
    await page.close();
  });

  test('the Overview counts them', async () => {
    const page = await rig.open('#/');
    await page.locator('[data-testid=count-topics]').filter({ hasText: /^\d+$/ }).waitFor({ timeout: 60_000 });
    assert.ok(Number(await page.locator('[data-testid=count-topics]').innerText()) >= COUNT);
    await page.close();
  });
});
