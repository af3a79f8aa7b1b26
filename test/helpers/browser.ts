// Headless Chromium (Debian's package, /usr/bin/chromium, installed by scripts/ensure-test-deps.sh)
// driven by playwright-core, for tests that need a real browser: EventSource against the gateway
// now, the web console later. playwright-core never downloads a browser of its own; the flags keep
// Chromium from reaching out to the network (this machine has none) and from needing a sandbox
// (tests run as root).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { skipUnless } from './real-clients.js';

export const CHROMIUM = process.env.BROOK_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

let available: boolean | undefined;
export function hasChromium(): boolean {
  available ??= spawnSync(CHROMIUM, ['--version'], { stdio: 'ignore' }).status === 0;
  return available;
}

/** node:test `skip` value: false when Chromium is here, a reason otherwise (throws under CI). */
export function skipWithoutChromium(): string | false {
  return skipUnless(hasChromium(), 'chromium');
}

export interface TestBrowser {
  browser: Browser;
  context: BrowserContext;
  /** A new page in the shared context. */
  page(): Promise<Page>;
  close(): Promise<void>;
}

/** Launches Chromium with a fresh, temporary profile; close() removes it. */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'brook-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  const browser = context.browser() as Browser;
  return {
    browser,
    context,
    page: () => context.newPage(),
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
