/**
 * Headless Debian Chromium for the console's browser tests, and a page that records script errors
 * (a test fails on any uncaught exception in the console).
 */
import { existsSync, mkdirSync } from 'fs';
import { join } from 'path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const ARTIFACTS_DIR = join(__dirname, '..', '..', '..', 'test-artifacts');

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`browser tests need Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    timeout: 60000,
  });
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console errors seen so far. */
  errors: string[];
}

/**
 * A fresh browser context and page. `lang`: the console language the agent chose before
 * (`ld.lang` in localStorage), as the console remembers it per browser.
 */
export async function openPage(browser: Browser, init?: () => void, lang?: string): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, timezoneId: 'Europe/Vilnius', locale: 'en-GB' });
  context.setDefaultTimeout(5000);
  const page = await context.newPage();
  if (init) await page.addInitScript(init);
  if (lang) await page.addInitScript((l) => localStorage.setItem('ld.lang', l), lang);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // Failed requests the test provokes on purpose (401, 409) are logged by Chromium as console errors.
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) errors.push(`console: ${msg.text()}`);
  });
  return { context, page, errors };
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}
