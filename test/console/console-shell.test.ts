// The console as a whole, in headless Chromium against a real broker and gateway: the page and
// its assets come from the gateway with nothing loaded from anywhere else (CSP, no foreign
// request), the navigation works from the keyboard alone, every control has an accessible name,
// the theme follows the system's light or dark preference, and the Overview shows the cluster and
// a throughput chart that moves while a producer runs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { skipWithoutChromium } from '../helpers/browser.js';
import { http, until } from '../gateway/gateway-harness.js';
import { startConsoleRig, type ConsoleRig } from './console-harness.js';
import { unnamedControls } from './a11y.js';

const skip = skipWithoutChromium();

describe('web console: shell and overview', { skip }, () => {
  let rig: ConsoleRig;
  before(async () => {
    rig = await startConsoleRig();
    await rig.createTopic('orders', 3);
  });
  after(async () => rig?.close());

  test('the gateway serves the bundle at / with a strict CSP and cacheable assets', async () => {
    const index = await http(rig.gw.url, 'GET', '/');
    assert.equal(index.status, 200);
    assert.match(index.type, /text\/html/);
    const page = await rig.open();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(index.text)?.[1];
    assert.ok(asset, index.text);
    const js = await fetch(`${rig.gw.url}/${asset}`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);
    const html = await fetch(`${rig.gw.url}/`);
    assert.match(html.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    // Unknown API paths keep the gateway's JSON 404, not the console's page.
    const missing = await http(rig.gw.url, 'GET', '/no/such/route');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { error_code: 404, message: 'HTTP 404 Not Found' });
    await page.close();
  });

  test('overview: version, counts, disk, and the throughput chart moves while a producer runs', async () => {
    const page = await rig.open();
    await page.locator('[data-testid=count-topics]').filter({ hasText: /^\d+$/ }).waitFor();
    assert.match(await page.locator('[data-testid=version]').innerText(), /^Brook \d+\.\d+\.\d+/);
    const topics = Number(await page.locator('[data-testid=count-topics]').innerText());
    assert.ok(topics >= 1, `topics: ${topics}`);
    assert.ok(Number(await page.locator('[data-testid=count-partitions]').innerText()) >= 3);
    assert.match(await page.locator('[data-testid=disk-free]').first().innerText(), /(B|KiB|MiB|GiB|TiB)$/);
    // A bounded producer runs until the chart's latest bytes-in sample is above zero.
    const chart = page.locator('figure[aria-label="Bytes per second"] [data-latest]');
    let producing = true;
    const producer = (async () => {
      for (let i = 0; producing && i < 2000; i++) await rig.produce('orders', [{ value: `order-${i}-${'x'.repeat(200)}` }]);
    })();
    try {
      // Five samples while the producer runs, so the chart (and its screenshot) shows a line.
      await until('bytes in above zero on the chart, over five samples', async () => {
        const latest = (await chart.getAttribute('data-latest')) ?? '0';
        return Number(latest.split(',')[0]) > 0 && Number(await chart.getAttribute('data-points')) >= 5 ? true : undefined;
      }, 60_000);
    } finally {
      producing = false;
      await producer;
    }
    await rig.screenshot(page, 'overview', true);
    await page.close();
  });

  test('keyboard only: Tab reaches the navigation, Enter opens a section', async () => {
    const page = await rig.open();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      const focused = (await page.evaluate('document.activeElement && document.activeElement.textContent')) as string;
      seen.push(focused);
      if (focused === 'Topics') break;
    }
    assert.equal(seen.at(-1), 'Topics', `focus went through: ${seen.join(' | ')}`);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Topics', level: 1 }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Topics' }).getAttribute('aria-current'), 'page');
    // Focus moved to the page's content, so the next Tab starts there.
    assert.equal(await page.evaluate('document.activeElement.id'), 'main');
    await page.close();
  });

  test('every control on every page has an accessible name', async () => {
    await rig.produce('orders', [{ value: 'a' }]);
    for (const hash of ['#/', '#/topics', '#/topics/orders', '#/topics/orders/messages', '#/groups', '#/schemas']) {
      const page = await rig.open(hash);
      await page.locator('main h1').waitFor();
      // Every loading message gone (a topic page loads its partitions and its configs at once). A
      // locator count, not waitForFunction: a string predicate is eval'd in the page, which the
      // console's CSP forbids.
      const loading = page.locator('[role=status]:has-text("Loading")');
      await until(`no loading message on ${hash}`, async () => ((await loading.count()) === 0 ? true : undefined));
      assert.deepEqual(await unnamedControls(page), [], hash);
      await page.close();
    }
  });

  test('light and dark themes follow the system preference', async () => {
    const page = await rig.open();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const background = () => page.evaluate('getComputedStyle(document.body).backgroundColor') as Promise<string>;
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();
    assert.equal(light, 'rgb(255, 255, 255)');
    assert.notEqual(dark, light);
    await rig.screenshot(page, 'overview-dark', true);
    await page.close();
  });

  test('nothing was loaded from outside the gateway, and no page threw', () => {
    assert.deepEqual(rig.foreignRequests, []);
    assert.deepEqual(rig.pageErrors, []);
  });
});
