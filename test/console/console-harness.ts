// A real broker and gateway (test/gateway/gateway-harness.ts) with headless Chromium pointed at
// the console the gateway serves. Screenshots go to an artifact folder (BROOK_ARTIFACTS_DIR, or a
// folder under the system's temp dir, printed once); with BROOK_UPDATE_SCREENSHOTS=1 the main
// ones are also written to docs/console/ for the README.
import { mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { http, startTestGateway, type TestGateway } from '../gateway/gateway-harness.js';
import type { GatewayOptions } from '../../src/gateway/options.js';
import type { TestBroker } from '../helpers/broker.js';
import { repoRoot } from '../helpers/paths.js';

export const ARTIFACTS = process.env.BROOK_ARTIFACTS_DIR ?? join(tmpdir(), 'brook-console-screenshots');

export interface ConsoleRig {
  gw: TestGateway;
  browser: TestBrowser;
  /** A new page on the console, at `hash` (e.g. '#/topics'), with its failures collected. */
  open(hash?: string): Promise<Page>;
  /** Every request any page made that left the gateway's origin. */
  foreignRequests: string[];
  /** Uncaught errors and console.error lines from the pages. */
  pageErrors: string[];
  screenshot(page: Page, name: string, forDocs?: boolean): Promise<void>;
  createTopic(name: string, partitions?: number): Promise<void>;
  produce(topic: string, records: { partition?: number; key?: string; value: string; headers?: Record<string, string> }[]): Promise<void>;
  close(): Promise<void>;
}

/** `options` and `broker` as startTestGateway takes them (e.g. a broker with AMQP and its management view). */
export async function startConsoleRig(options: Partial<GatewayOptions> = {}, broker?: TestBroker): Promise<ConsoleRig> {
  const gw = await startTestGateway(options, broker);
  const browser = await launchBrowser();
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];
  mkdirSync(ARTIFACTS, { recursive: true });
  const rig: ConsoleRig = {
    gw,
    browser,
    foreignRequests,
    pageErrors,
    open: async (hash = '') => {
      const page = await browser.page();
      page.on('request', (r) => {
        if (!r.url().startsWith(gw.url) && !r.url().startsWith('data:')) foreignRequests.push(r.url());
      });
      page.on('pageerror', (e) => pageErrors.push(e.message));
      page.on('console', (m) => {
        // The browser logs failed fetches (4xx answers the page shows on purpose) as errors too.
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
      });
      await page.goto(`${gw.url}/${hash}`);
      return page;
    },
    screenshot: async (page, name, forDocs = false) => {
      const file = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      if (forDocs && process.env.BROOK_UPDATE_SCREENSHOTS === '1') {
        mkdirSync(join(repoRoot, 'docs', 'console'), { recursive: true });
        copyFileSync(file, join(repoRoot, 'docs', 'console', `${name}.png`));
      }
    },
    createTopic: async (name, partitions = 1) => {
      const r = await http(gw.url, 'POST', `/v3/clusters/${gw.clusterId}/topics`, { body: { topic_name: name, partitions_count: partitions } });
      if (r.status !== 201) throw new Error(`creating ${name}: ${r.status} ${r.text}`);
    },
    produce: async (topic, records) => {
      for (const rec of records) {
        const body: Record<string, unknown> = { value: { type: 'STRING', data: rec.value } };
        if (rec.partition !== undefined) body.partition_id = rec.partition;
        if (rec.key !== undefined) body.key = { type: 'STRING', data: rec.key };
        if (rec.headers) body.headers = Object.entries(rec.headers).map(([name, value]) => ({ name, value: Buffer.from(value).toString('base64') }));
        const r = await http(gw.url, 'POST', `/v3/clusters/${gw.clusterId}/topics/${topic}/records`, { body });
        if (r.status !== 200) throw new Error(`producing to ${topic}: ${r.status} ${r.text}`);
      }
    },
    close: async () => {
      await browser.close();
      await gw.close();
    },
  };
  return rig;
}
