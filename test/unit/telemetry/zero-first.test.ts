/**
 * Zero first over real HTTP: a series a process exports for the first time is 0 at the first scrape that includes
 * it and its count from the next one on; two scrapers (an HA pair) both see the 0; a live series never goes back to
 * 0; a 0 counts as seen only once it was written to the scraper in full; a table's history at start is exported as
 * it is; a stopping app exports every count.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { valueOf } from '../../support/exposition.ts';
import { startTelemetry } from '../../support/telemetry.ts';

const view = (eventId: string) => ({ event_name: 'page_viewed', event_id: eventId });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Series enough for a scrape's collection to take several slices of the event loop. */
const MANY = 3_000;

async function scraping(env: Record<string, string> = {}) {
  const started = await startTelemetry(env);
  const scrapeAs = async (scraper?: string): Promise<string> => {
    const response = await fetch(`${started.address.url}/metrics${scraper === undefined ? '' : `?scraper=${scraper}`}`);
    return response.text();
  };
  /**
   * A scraper that sends its request and hangs up at once, as one whose scrape timeout passed does: the listener
   * begins the scrape, and the close reaches it before the answer is written (with a few thousand series, the
   * collection takes several slices of the event loop). Resolves once the connection is closed.
   */
  const hangUpAs = (scraper: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const socket = connect({ host: started.address.host, port: started.address.port }, () => {
        socket.write(`GET /metrics?scraper=${scraper} HTTP/1.1\r\nHost: ${started.address.host}\r\n\r\n`);
        socket.destroy();
      });
      socket.once('error', reject);
      socket.once('close', () => {
        resolve();
      });
    });
  /** Views of ids 1 to `count`, `increment` each. */
  const recordViews = (count: number, increment: number): void => {
    for (let id = 1; id <= count; id += 1) started.telemetry.record('page_viewed', id, increment);
  };
  return { ...started, scrapeAs, hangUpAs, recordViews };
}

describe('zero first', () => {
  it('exports a new memory series as 0 at its first scrape, then its count, losing nothing recorded meanwhile', async () => {
    const { telemetry, scrapeAs } = await scraping();
    telemetry.record('page_viewed', 1, 3);
    expect(valueOf(await scrapeAs(), 'analytics_events_total', view('1'))).toBe(0);
    expect((await scrapeAs()).includes('event_id="1"')).toBe(true);
    telemetry.record('page_viewed', 1, 2);
    telemetry.record('page_viewed', 2);
    const third = await scrapeAs();
    expect(valueOf(third, 'analytics_events_total', view('1'))).toBe(5);
    expect(valueOf(third, 'analytics_events_total', view('2'))).toBe(0);
  });

  it('holds the 0 for every scraper of an HA pair until each has been served it', async () => {
    const { telemetry, scrapeAs } = await scraping();
    telemetry.record('page_viewed', 1, 4);
    expect(valueOf(await scrapeAs('prometheus-a'), 'analytics_events_total', view('1'))).toBe(0);
    // b had not been served the 0 yet: it gets it too, though a has seen it.
    expect(valueOf(await scrapeAs('prometheus-b'), 'analytics_events_total', view('1'))).toBe(0);
    expect(valueOf(await scrapeAs('prometheus-a'), 'analytics_events_total', view('1'))).toBe(4);
    expect(valueOf(await scrapeAs('prometheus-b'), 'analytics_events_total', view('1'))).toBe(4);
  });

  it('releases the 0 after the hold for a scraper that never came, and never shows 0 again once live', async () => {
    const { telemetry, scrapeAs } = await scraping({ ANALYTICS_ZERO_HOLD_MS: '300' });
    telemetry.record('page_viewed', 1, 2);
    expect(valueOf(await scrapeAs('a'), 'analytics_events_total', view('1'))).toBe(0);
    expect(valueOf(await scrapeAs('late'), 'analytics_events_total', view('1'))).toBe(0);
    await sleep(400);
    expect(valueOf(await scrapeAs('later'), 'analytics_events_total', view('1'))).toBe(2);
    // Live for everyone from then on, a scraper never seen before included.
    expect(valueOf(await scrapeAs('new'), 'analytics_events_total', view('1'))).toBe(2);
    expect(valueOf(await scrapeAs('a'), 'analytics_events_total', view('1'))).toBe(2);
  });

  it('counts a 0 as seen only once it was written in full: a scraper that hung up gets the 0 at its next scrape', async () => {
    const { scrapeAs, hangUpAs, recordViews } = await scraping({ ANALYTICS_MAX_EVENT_IDS: String(MANY) });
    recordViews(MANY, 5);
    await hangUpAs('prometheus-a');
    // Its first value is the 0 it never received, not the full count.
    expect(valueOf(await scrapeAs('prometheus-a'), 'analytics_events_total', view('1'))).toBe(0);
    expect(valueOf(await scrapeAs('prometheus-a'), 'analytics_events_total', view('1'))).toBe(5);
  });

  it('starts no hold with a 0 that no scraper received', async () => {
    const { scrapeAs, hangUpAs, recordViews } = await scraping({ ANALYTICS_ZERO_HOLD_MS: '200', ANALYTICS_MAX_EVENT_IDS: String(MANY) });
    recordViews(MANY, 2);
    await hangUpAs('prometheus-a');
    await sleep(300);
    // The hold runs from the first 0 written in full: this one.
    expect(valueOf(await scrapeAs('prometheus-b'), 'analytics_events_total', view('1'))).toBe(0);
    await sleep(300);
    expect(valueOf(await scrapeAs('prometheus-c'), 'analytics_events_total', view('1'))).toBe(2);
  });

  it('tells scrapers apart by address without a scraper parameter', async () => {
    const { telemetry, scrapeAs } = await scraping();
    telemetry.record('page_viewed', 1);
    expect(valueOf(await scrapeAs(), 'analytics_events_total', view('1'))).toBe(0);
    // Same address: the scraper that was served the 0 is back.
    expect(valueOf(await scrapeAs(), 'analytics_events_total', view('1'))).toBe(1);
  });

  it('exports the history a table holds at start as it is, and an event id it first sees later as 0 first', async () => {
    const { telemetry, scrapeAs } = await scraping();
    const rows = [{ eventId: 1, count: 7 }];
    telemetry.observeTable('signup_completed', () => rows);
    const signups = (eventId: string) => ({ event_name: 'signup_completed', event_id: eventId });
    expect(valueOf(await scrapeAs(), 'analytics_events_total', signups('1'))).toBe(7);
    rows.push({ eventId: 2, count: 2 });
    rows[0] = { eventId: 1, count: 8 };
    const next = await scrapeAs();
    expect(valueOf(next, 'analytics_events_total', signups('1'))).toBe(8);
    expect(valueOf(next, 'analytics_events_total', signups('2'))).toBe(0);
    expect(valueOf(await scrapeAs(), 'analytics_events_total', signups('2'))).toBe(2);
  });

  it('applies to HTTP responses and rejections too', async () => {
    const { telemetry, scrapeAs } = await scraping();
    const untyped = telemetry.record as (name: string, id: unknown) => void;
    untyped('page_viewed', 'not-an-id');
    const first = await scrapeAs();
    expect(valueOf(first, 'analytics_rejected_total', { reason: 'invalid_event_id' })).toBe(0);
    expect(valueOf(await scrapeAs(), 'analytics_rejected_total', { reason: 'invalid_event_id' })).toBe(1);
  });

  it('does not count a HEAD as a scrape', async () => {
    const { telemetry, scrapeAs, address } = await scraping();
    telemetry.record('page_viewed', 1);
    for (let head = 0; head < 3; head += 1) expect((await fetch(`${address.url}/metrics`, { method: 'HEAD' })).status).toBe(200);
    expect(valueOf(await scrapeAs(), 'analytics_events_total', view('1'))).toBe(0);
  });

  it('exports every count, new series included, once the app waits for its final scrape', async () => {
    const { telemetry, scrapeAs } = await scraping();
    telemetry.record('page_viewed', 9, 3);
    const finalScrape = telemetry.waitForNextScrape(5_000);
    expect(valueOf(await scrapeAs(), 'analytics_events_total', view('9'))).toBe(3);
    expect(await finalScrape).toBe(true);
  });
});
