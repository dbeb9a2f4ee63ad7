/**
 * Graceful shutdown of `node src/app/main.ts` as a real process: after SIGTERM the app stops taking requests, the
 * metrics listener serves one more scrape with everything counted before the signal, then the process exits 0.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { REPEATED_SIGNAL_WINDOW_MS } from '../../src/shutdown.ts';
import { startAppProcess } from '../support/app-process.ts';
import { valueOf } from '../../../../test/support/exposition.ts';

const startMain = (env: Record<string, string>) => startAppProcess('node', env);

it('SIGTERM: stops taking requests, serves the final scrape with the last increments, then exits 0', async () => {
  const child = await startMain({ SHUTDOWN_GRACE_MS: '30000' });
  expect((await fetch(`${child.appUrl}/healthz`)).status).toBe(200);
  // Recorded in memory and never scraped before the signal.
  expect((await fetch(`${child.appUrl}/api/events/2/directory`)).status).toBe(200);

  child.process.kill('SIGTERM');
  await child.waitForLog((line) => line.msg === 'stopped taking requests; waiting for a final scrape', 10_000);
  await expect(fetch(`${child.appUrl}/healthz`)).rejects.toThrow();

  const scrape = await fetch(`${child.metricsUrl}/metrics`);
  expect(scrape.status).toBe(200);
  const text = await scrape.text();
  expect(valueOf(text, 'analytics_events_total', { event_name: 'directory_page_view', event_id: '2' })).toBe(1);

  // Well within the 30 s grace: it left because the scrape was served.
  expect(await child.exited(10_000)).toBe(0);
  await child.waitForLog((line) => line.finalScrape === true, 1_000);
});

it('SIGTERM without a scrape: exits 0 once the grace period ends', async () => {
  const child = await startMain({ SHUTDOWN_GRACE_MS: '300' });
  child.process.kill('SIGTERM');
  expect(await child.exited(10_000)).toBe(0);
  await child.waitForLog((line) => line.finalScrape === false, 1_000);
});

it('a second signal exits at once, without waiting for the grace period', async () => {
  const child = await startMain({ SHUTDOWN_GRACE_MS: '60000' });
  child.process.kill('SIGTERM');
  await child.waitForLog((line) => line.msg === 'stopped taking requests; waiting for a final scrape', 10_000);
  // Sooner, it would be taken for a copy of the first (test/app-signals.test.ts).
  await sleep(REPEATED_SIGNAL_WINDOW_MS + 200);
  child.process.kill('SIGINT');
  expect(await child.exited(5_000)).toBe(1);
  await child.waitForLog((line) => line.msg === 'second signal: exiting now', 1_000);
});

it('a configuration error stops the start with a message naming the variable', async () => {
  await expect(startMain({ PORT: 'eighty' })).rejects.toThrow(/exited with 1 .*PORT must be a whole number/);
});
