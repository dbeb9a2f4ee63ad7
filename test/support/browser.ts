/**
 * A real browser for the pages a person reads: Debian's Chromium, headless, driven by playwright-core, with a fresh
 * profile and the network off. Every request the page makes is recorded, and any that is not the page's own file is
 * failed, so a test can assert that a page needs nothing from anywhere else. Never a mock, never a skip: a missing
 * binary is an error that says how to install it.
 */
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const VIEWPORT = { width: 1000, height: 800 };

export interface OfflinePage {
  readonly page: Page;
  /** Every URL the page asked for, its own file first; one refused by the Content-Security-Policy included. */
  readonly requests: readonly string[];
  /** What the browser printed to the page's console (a refused fetch, a script error). */
  readonly consoleMessages: readonly string[];
  close(): Promise<void>;
}

async function chromiumBinary(): Promise<string> {
  const path = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
  try {
    await access(path, constants.X_OK);
  } catch {
    throw new Error(`${path} is not an executable: apt-get install chromium, or set CHROMIUM_BIN`);
  }
  return path;
}

/** Opens a local HTML file in headless Chromium with every request other than the file's own failed. */
export async function openOffline(file: string): Promise<OfflinePage> {
  const profile = await mkdtemp(join(tmpdir(), 'quietcount-chromium-'));
  const context = await chromium
    .launchPersistentContext(profile, { executablePath: await chromiumBinary(), args: CHROMIUM_ARGS, headless: true, offline: true, viewport: VIEWPORT })
    .catch(async (error: unknown) => {
      await rm(profile, { recursive: true, force: true });
      throw error;
    });
  const own = pathToFileURL(file).href;
  const requests: string[] = [];
  const consoleMessages: string[] = [];
  await context.route('**/*', (route) => (route.request().url() === own ? route.continue() : route.abort('blockedbyclient')));
  const page = await context.newPage();
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => consoleMessages.push(message.text()));
  page.on('pageerror', (error) => consoleMessages.push(error.message));
  await page.goto(own, { waitUntil: 'load' });
  return {
    page,
    requests,
    consoleMessages,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
