/**
 * The framework apps of test/fixtures/frameworks/, each installed as a new user has it: copied into a fresh folder
 * outside this repository with the shared JavaScript catalog (common/quietcount.catalog.cjs), the packed quietcount
 * and the framework's version from the npm registry installed, started with METRICS_PORT=0. Each app has the same two
 * routes, `POST /plans/:planId/checkout` (201, records plan_checkout) and `GET /plans/:planId/compare` (200, records
 * plans_compared), and prints `{"appPort":…,"metricsPort":…}` once listening; every test sends it the same traffic.
 */
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect } from 'vitest';
import { valueOf } from '../../support/exposition.ts';
import { REPO_ROOT } from '../../support/paths.ts';
import { createTempApp, type TempApp, type TempAppOptions } from '../../support/temp-app.ts';

export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'frameworks');
const START_TIMEOUT_MS = 60_000;

/** `name@version` as this repository pins it in its devDependencies (the frameworks' current majors). */
export async function pinned(name: string): Promise<string> {
  const { devDependencies } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const version = devDependencies[name];
  if (version === undefined) throw new Error(`${name} is not a devDependency of the repository`);
  return `${name}@${version}`;
}

/** Installs the fixture folder `fixture` as the app `name`, with the shared catalog beside it. */
export async function installFrameworkApp(fixture: string, options: Omit<TempAppOptions, 'from'>): Promise<TempApp> {
  const app = await createTempApp({ ...options, from: join(FIXTURES, fixture) });
  await copyFile(join(FIXTURES, 'common', 'quietcount.catalog.cjs'), join(app.dir, 'quietcount.catalog.cjs'));
  return app;
}

export interface ServedApp {
  readonly appUrl: string;
  readonly metricsUrl: string;
  /** What the app has written to stderr so far: a framework's deprecation warning would be there. */
  stderr(): string;
}

/** Starts `node <entry> [args]` in the app's folder and waits for its ports; fails with its stderr if it exits. */
export function startFrameworkApp(app: TempApp, entry: string, args: readonly string[] = []): Promise<ServedApp> {
  const child = app.start(process.execPath, [entry, ...args], { NODE_ENV: 'production', METRICS_PORT: '0' });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${entry} ${args.join(' ')} did not print its ports within ${String(START_TIMEOUT_MS)} ms:\n${stderr}`));
    }, START_TIMEOUT_MS);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{"appPort"')) return;
      clearTimeout(timer);
      const { appPort, metricsPort } = JSON.parse(line) as { appPort: number; metricsPort: number };
      resolve({ appUrl: `http://127.0.0.1:${String(appPort)}`, metricsUrl: `http://127.0.0.1:${String(metricsPort)}/metrics`, stderr: () => stderr });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} ${args.join(' ')} exited (${String(code)}) before listening:\n${stderr}`));
    });
  });
}

async function status(served: ServedApp, method: string, path: string): Promise<number> {
  const response = await fetch(`${served.appUrl}${path}`, { method });
  await response.arrayBuffer();
  return response.status;
}

/**
 * The same traffic for every app: 3 × POST /plans/7/checkout, 2 × GET /plans/9/compare, one GET /nope. Then two
 * scrapes: the first shows each new series at 0 (zero first), the second the exact counts by route template.
 */
export async function expectPlansTrafficCounted(served: ServedApp): Promise<void> {
  for (let index = 0; index < 3; index += 1) expect(await status(served, 'POST', '/plans/7/checkout')).toBe(201);
  for (let index = 0; index < 2; index += 1) expect(await status(served, 'GET', '/plans/9/compare')).toBe(200);
  expect(await status(served, 'GET', '/nope')).toBe(404);

  const scrape = async (): Promise<string> => (await fetch(served.metricsUrl)).text();
  const responses = (text: string, endpoint: string, statusCode: string) => valueOf(text, 'http_responses_total', { endpoint, status_code: statusCode });
  const events = (text: string, eventName: string, eventId: string) => valueOf(text, 'analytics_events_total', { event_name: eventName, event_id: eventId });

  const first = await scrape();
  expect(responses(first, 'POST /plans/:planId/checkout', '201')).toBe(0);
  expect(responses(first, 'unmatched', '404')).toBe(0);
  expect(events(first, 'plan_checkout', '7')).toBe(0);

  const second = await scrape();
  expect(responses(second, 'POST /plans/:planId/checkout', '201')).toBe(3);
  expect(responses(second, 'GET /plans/:planId/compare', '200')).toBe(2);
  expect(responses(second, 'unmatched', '404')).toBe(1);
  const endpoints = new Set(second.split('\n').filter((line) => line.startsWith('http_responses_total{')).map((line) => /endpoint="([^"]*)"/.exec(line)?.[1]));
  expect([...endpoints].sort()).toEqual(['GET /plans/:planId/compare', 'POST /plans/:planId/checkout', 'unmatched']);
  expect(events(second, 'plan_checkout', '7')).toBe(3);
  expect(events(second, 'plans_compared', '9')).toBe(2);
  expect(valueOf(second, 'analytics_rejected_total', { reason: 'invalid_endpoint' })).toBe(0);
  expect(second).not.toMatch(/\/plans\/7|\/plans\/9|nope/);
  // Nothing to say: no warning (Fastify's deprecation of routerPath, say), no error.
  expect(served.stderr()).toBe('');
}
