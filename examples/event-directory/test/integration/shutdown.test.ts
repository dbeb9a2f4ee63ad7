/**
 * Graceful shutdown of `node src/main.ts` as a real process: after SIGTERM the app stops taking requests, the
 * metrics listener serves one more scrape with everything counted before the signal, then the process exits 0. A
 * scrape that began before the signal (a slow scraper still reading a large answer) is not that final scrape.
 */
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.ts';
import { REPEATED_SIGNAL_WINDOW_MS } from '../../src/shutdown.ts';
import { startAppProcess } from '../support/app-process.ts';
import { tempDatabasePath } from '../support/app.ts';
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

/**
 * A database whose append-only logs hold `eventIds` ids for each of the five table counters: at a bound that lets
 * them all in, a scrape of several megabytes, more than the loopback socket's buffers take from a scraper that reads
 * nothing.
 */
async function databaseWithLargeHistory(eventIds: number): Promise<string> {
  const path = await tempDatabasePath();
  const { db } = openDatabase(path, undefined);
  db.exec('PRAGMA foreign_keys = OFF; BEGIN');
  const signup = db.prepare("INSERT INTO signups (event_id, day) VALUES (?, '2026-01-01')");
  const visibility = db.prepare("INSERT INTO visibility_changes (event_id, visible, day) VALUES (?, ?, '2026-01-01')");
  const consent = db.prepare("INSERT INTO consent_changes (event_id, granted, day) VALUES (?, ?, '2026-01-01')");
  for (let eventId = 1_000; eventId < 1_000 + eventIds; eventId += 1) {
    signup.run(eventId);
    for (const value of [0, 1]) {
      visibility.run(eventId, value);
      consent.run(eventId, value);
    }
  }
  db.exec('COMMIT');
  db.close();
  return path;
}

it('SIGTERM during a slow scrape: the final scrape is one that began after the last request was answered', async () => {
  const eventIds = 20_000;
  const child = await startMain({
    SHUTDOWN_GRACE_MS: '30000',
    ANALYTICS_MAX_EVENT_IDS: String(eventIds),
    DATABASE_PATH: await databaseWithLargeHistory(eventIds),
  });
  const metrics = new URL(child.metricsUrl);
  // A scraper that reads its first bytes, then nothing for a while: the listener waits on the socket meanwhile.
  const slow = connect({ host: metrics.hostname, port: Number(metrics.port) });
  const slowBody: Buffer[] = [];
  let reading = false;
  const answerBegun = new Promise<void>((resolve) =>
    slow.once('data', () => {
      resolve();
    }),
  );
  slow.on('data', (chunk: Buffer) => {
    slowBody.push(chunk);
    if (!reading) slow.pause();
  });
  const slowDone = new Promise<void>((resolve) =>
    slow.once('end', () => {
      resolve();
    }),
  );
  slow.write(`GET /metrics?scraper=slow HTTP/1.1\r\nHost: ${metrics.host}\r\nConnection: close\r\n\r\n`);
  await answerBegun;

  // Counted after that scrape was collected, and answered before the signal.
  for (let view = 0; view < 30; view += 1) expect((await fetch(`${child.appUrl}/api/events/2/directory`)).status).toBe(200);
  child.process.kill('SIGTERM');
  await child.waitForLog((line) => line.msg === 'stopped taking requests; waiting for a final scrape', 10_000);

  // The slow scrape is read to its end now: written in full, yet begun before the views.
  reading = true;
  slow.resume();
  await slowDone;
  const slowText = Buffer.concat(slowBody).toString('utf8');
  expect(slowText).toContain('event_id="20999"');
  expect(slowText).not.toContain('directory_page_view');
  await sleep(300);
  expect(child.logs().some((line) => line.finalScrape !== undefined)).toBe(false);

  const final = await fetch(`${child.metricsUrl}/metrics`);
  expect(final.status).toBe(200);
  expect(valueOf(await final.text(), 'analytics_events_total', { event_name: 'directory_page_view', event_id: '2' })).toBe(30);
  expect(await child.exited(20_000)).toBe(0);
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
  // Sooner, it would be taken for a copy of the first (signals.test.ts).
  await sleep(REPEATED_SIGNAL_WINDOW_MS + 200);
  child.process.kill('SIGINT');
  expect(await child.exited(5_000)).toBe(1);
  await child.waitForLog((line) => line.msg === 'second signal: exiting now', 1_000);
});

it('a configuration error stops the start with a message naming the variable', async () => {
  await expect(startMain({ PORT: 'eighty' })).rejects.toThrow(/exited with 1 .*PORT must be a whole number/);
});
