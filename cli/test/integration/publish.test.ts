/**
 * `quietcount publish` against a real Prometheus holding known counts (two months of simulated traffic, backfilled
 * with promtool, behind basic auth), and its page opened in a real browser with the network off: the figures are the
 * exact counts through disclosure control, per day, ISO week and calendar month, small counts included; the bytes
 * are the same run after run; the page renders its charts and tables, fetches nothing, and shows no suppressed count.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillInWeeks } from '../../../test/support/backfill-in-weeks.ts';
import { openOffline } from '../../../test/support/browser.ts';
import { freePort, startPrometheus, type PrometheusServer } from '../../../test/support/prometheus.ts';
import { simulateTraffic } from '../../../test/support/simulated-traffic.ts';
import { DAY_MS, formatIsoDay, parseIsoDay } from '../../src/days.ts';
import { protectRow } from '../../src/publish/disclosure/protect.ts';
import { roundToBase } from '../../src/publish/disclosure/rounding.ts';
import { nextPeriodStart, periodsBetween, type Period } from '../../src/publish/periods.ts';
import { FIRST_DAY, LAST_DAY, dailyTotals, publishScenario } from '../fixtures/publish-scenario.ts';
import { runCli, type CliRun } from '../support/cli.ts';

const APP = join(import.meta.dirname, '../fixtures/publish-app');
const WEB_CONFIG = join(import.meta.dirname, '../fixtures/web-config.yml');
const PASSWORD = 'correct horse battery staple';
const PUBLISHED = ['page_viewed', 'signup_completed', 'consent_given'];
const RULES = { minCount: 10, rounding: 5 };

const traffic = simulateTraffic(publishScenario);
const daily = dailyTotals(traffic);

interface Aggregates {
  parameters: { minCount: number; rounding: number; from: string; to: string; period: string; generatedFrom: string };
  events: { event_name: string; title: string; cells: { period: string; count: number | null }[]; total: number | null }[];
}

let prometheus: PrometheusServer;
let workDir: string;
let authFile: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'quietcount-publish-'));
  const dataDir = join(workDir, 'data');
  await backfillInWeeks(traffic.openMetrics, dataDir);
  prometheus = await startPrometheus({
    dataDir,
    extraFlags: [`--web.config.file=${WEB_CONFIG}`],
    basicAuth: { username: 'reporter', password: PASSWORD },
  });
  authFile = join(workDir, 'auth');
  await writeFile(authFile, `reporter:${PASSWORD}\n`);
});

afterAll(async () => {
  await prometheus.close();
  await rm(workDir, { recursive: true, force: true });
});

const day = (text: string): number => parseIsoDay(text) ?? Number.NaN;

/** The exact count of an event in each period of a range, from the simulation's own bookkeeping. */
function exactCounts(eventName: string, period: Period, from: string, to: string): number[] {
  const days = daily.get(eventName) ?? new Map<string, number>();
  return periodsBetween(period, day(from), day(to)).map((start) => {
    let count = 0;
    for (let dayMs = start; dayMs < nextPeriodStart(period, start); dayMs += DAY_MS) count += days.get(formatIsoDay(dayMs)) ?? 0;
    return count;
  });
}

function publish(out: string, args: readonly string[]): Promise<CliRun> {
  return runCli(['publish', '--prometheus', prometheus.url, '--basic-auth-file', authFile, '--out', out, ...args], { cwd: APP });
}

async function publishedJson(out: string): Promise<Aggregates> {
  return JSON.parse(await readFile(join(out, 'aggregates.json'), 'utf8')) as Aggregates;
}

/** Each published figure against the exact counts: suppressed exactly when 1 to 9, otherwise rounded to 5. */
function expectFiguresOf(aggregates: Aggregates, period: Period, from: string, to: string): void {
  expect(aggregates.events.map((event) => event.event_name)).toEqual(PUBLISHED);
  for (const event of aggregates.events) {
    const exact = exactCounts(event.event_name, period, from, to);
    expect(event.cells.map((cell) => cell.period)).toEqual(periodsBetween(period, day(from), day(to)).map(formatIsoDay));
    event.cells.forEach((cell, index) => {
      const count = exact[index] ?? Number.NaN;
      expect(cell.count).toBe(count > 0 && count < RULES.minCount ? null : roundToBase(count, RULES.rounding));
    });
    const total = exact.reduce((sum, count) => sum + count, 0);
    expect(event.total).toBe(protectRow(exact, RULES).total);
    if (event.total !== null) expect(event.total).toBe(roundToBase(total, RULES.rounding));
    if (event.cells.filter((cell) => cell.count === null).length === 1) expect(event.total).toBeNull();
  }
}

describe('the simulated traffic', () => {
  it('was scraped whole, and has what disclosure control must handle in every period', () => {
    expect(traffic.unobserved).toBe(0);
    const row = (eventName: string, period: Period): number[] =>
      exactCounts(eventName, period, FIRST_DAY, period === 'week' ? '2025-10-26' : LAST_DAY);
    const small = (counts: readonly number[]): number => counts.filter((count) => count > 0 && count < RULES.minCount).length;
    // Weeks: signups with small weeks and a total that may be published beside them; consents small, and a week
    // without any.
    expect(small(row('signup_completed', 'week'))).toBeGreaterThanOrEqual(2);
    expect(protectRow(row('signup_completed', 'week'), RULES).total).not.toBeNull();
    expect(small(row('consent_given', 'week'))).toBeGreaterThanOrEqual(2);
    expect(row('consent_given', 'week')).toContain(0);
    // Months: one small month of consents, so its total is suppressed; days: zeros.
    expect(small(row('consent_given', 'month'))).toBe(1);
    expect(row('consent_given', 'day')).toContain(0);
    expect(small(row('page_viewed', 'week'))).toBe(0);
  });
});

describe('quietcount publish', () => {
  let out: string;
  beforeAll(async () => {
    out = join(workDir, 'weeks');
    const run = await publish(out, ['--period', 'week', '--from', FIRST_DAY, '--to', '2025-10-26']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(`quietcount publish: wrote aggregates.json, aggregates.csv, index.html in ${relative(APP, out)}\n`);
  });

  it('writes the exact weekly counts of the published events through disclosure control (aggregates.json)', async () => {
    const aggregates = await publishedJson(out);
    expect(aggregates.parameters).toEqual({
      minCount: 10,
      rounding: 5,
      from: FIRST_DAY,
      to: '2025-10-26',
      period: 'week',
      generatedFrom: 'exact daily counts of analytics_events_total (as quietcount report reads them), summed over event ids and app instances',
    });
    expect(aggregates.events.map(({ event_name, title }) => [event_name, title])).toEqual([
      ['page_viewed', 'Pages shown'],
      ['signup_completed', 'signup_completed'],
      ['consent_given', 'consent_given'],
    ]);
    expectFiguresOf(aggregates, 'week', FIRST_DAY, '2025-10-26');
  });

  it('writes the same cells as CSV, and nothing of a private event or an event id in any file', async () => {
    const aggregates = await publishedJson(out);
    const csv = await readFile(join(out, 'aggregates.csv'), 'utf8');
    expect(csv).toBe(
      [
        'event_name,period,count,suppressed',
        ...aggregates.events.flatMap((event) => event.cells.map((cell) => `${event.event_name},${cell.period},${cell.count ?? ''},${String(cell.count === null)}`)),
        '',
      ].join('\n'),
    );
    for (const file of ['aggregates.json', 'aggregates.csv', 'index.html']) {
      const text = await readFile(join(out, file), 'utf8');
      expect(text).not.toContain('search_run');
      expect(text).not.toContain('0b7e2a54');
      expect(text).not.toContain('event_id');
      expect(text).not.toContain(prometheus.url);
    }
  });

  it('per day and per calendar month too, every period with a cell and a day without events a 0', async () => {
    const days = join(workDir, 'days');
    expect((await publish(days, ['--period', 'day', '--from', '2025-10-01', '--to', '2025-10-14'])).code).toBe(0);
    const byDay = await publishedJson(days);
    expectFiguresOf(byDay, 'day', '2025-10-01', '2025-10-14');
    expect(byDay.events.every((event) => event.cells.length === 14)).toBe(true);
    expect(byDay.events.find((event) => event.event_name === 'consent_given')?.cells.some((cell) => cell.count === 0)).toBe(true);

    const months = join(workDir, 'months');
    expect((await publish(months, ['--period', 'month', '--from', FIRST_DAY, '--to', LAST_DAY])).code).toBe(0);
    const byMonth = await publishedJson(months);
    expectFiguresOf(byMonth, 'month', FIRST_DAY, LAST_DAY);
    expect(byMonth.events.find((event) => event.event_name === 'consent_given')).toMatchObject({ total: null });
  });

  it('gives the same bytes on every run, which --check confirms, and --check finds a changed file', async () => {
    const again = join(workDir, 'weeks-again');
    expect((await publish(again, ['--period', 'week', '--from', FIRST_DAY, '--to', '2025-10-26'])).code).toBe(0);
    for (const file of ['aggregates.json', 'aggregates.csv', 'index.html']) {
      expect(await readFile(join(again, file))).toEqual(await readFile(join(out, file)));
    }
    const check = await publish(again, ['--period', 'week', '--from', FIRST_DAY, '--to', '2025-10-26', '--check']);
    expect(check).toMatchObject({ code: 0, stdout: expect.stringContaining('3 file(s)') as unknown });
    await writeFile(join(again, 'aggregates.csv'), 'edited\n');
    const stale = await publish(again, ['--period', 'week', '--from', FIRST_DAY, '--to', '2025-10-26', '--check']);
    expect(stale).toMatchObject({ code: 1, stderr: expect.stringContaining('out of date in') as unknown });
    expect(stale.stderr).toContain('aggregates.csv');
  });
});

describe('the page in a real browser', () => {
  it('renders a chart and a table per event with the published figures, fetches nothing, and shows no suppressed count', async () => {
    const out = join(workDir, 'browser');
    expect((await publish(out, ['--period', 'week', '--from', FIRST_DAY, '--to', '2025-10-26'])).code).toBe(0);
    const aggregates = await publishedJson(out);
    const file = join(out, 'index.html');
    const browser = await openOffline(file);
    try {
      const { page } = browser;
      await expect(page.title()).resolves.toBe('The test app in numbers');
      for (const event of aggregates.events) {
        const section = page.locator(`section[aria-labelledby="event-${event.event_name}"]`);
        const chart = section.locator('svg.chart');
        const box = await chart.boundingBox();
        expect(box?.width).toBeGreaterThan(600);
        expect(box?.height).toBeGreaterThan(150);
        const published = event.cells.filter((cell) => cell.count !== null && cell.count > 0);
        expect(await chart.locator('rect.bar').count()).toBe(published.length);
        expect(await chart.locator('rect.suppressed').count()).toBe(event.cells.filter((cell) => cell.count === null).length);
        for (const [index, bar] of (await chart.locator('rect.bar').all()).entries()) {
          const barBox = await bar.boundingBox();
          expect(barBox?.height).toBeGreaterThan(0);
          expect(await bar.locator('title').textContent()).toBe(`${published[index]?.period ?? ''}: ${String(published[index]?.count ?? '')}`);
        }
        // The table a reader sees: each period's figure as published, "suppressed" where it is not, and the total.
        const rows = await section.locator('tbody tr').all();
        expect(rows).toHaveLength(event.cells.length);
        const shown = await Promise.all(rows.map(async (row) => [await row.locator('th').innerText(), await row.locator('td').innerText()]));
        expect(shown).toEqual(event.cells.map((cell) => [cell.period, cell.count === null ? 'suppressed' : cell.count.toLocaleString('en')]));
        expect(await section.locator('tfoot td').innerText()).toBe(event.total === null ? 'suppressed' : event.total.toLocaleString('en'));
      }
      // No figure on the page is a count below the threshold other than 0: every suppressed count stays hidden.
      const figures = (await page.locator('td.count').allInnerTexts()).filter((text) => text !== 'suppressed').map((text) => Number(text.replaceAll(',', '')));
      expect(figures.filter((figure) => figure > 0 && figure < RULES.minCount)).toEqual([]);
      expect(await page.getByText('These are counts of events, not of people').count()).toBe(1);

      const screenshot = join(workDir, 'page.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      expect((await readFile(screenshot)).subarray(1, 4).toString()).toBe('PNG');
      expect((await stat(screenshot)).size).toBeGreaterThan(20_000);

      expect(browser.requests).toEqual([`file://${file}`]);
      expect(browser.consoleMessages).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('quietcount publish explains what went wrong', () => {
  it('asks for credentials when Prometheus wants them', async () => {
    const run = await runCli(['publish', '--prometheus', prometheus.url, '--out', join(workDir, 'x'), '--to', '2025-10-26'], { cwd: APP });
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/answered 401 Unauthorized: it requires credentials, pass --bearer-token-file FILE or --basic-auth-file FILE/);
  });

  it('refuses a catalog that publishes nothing, before it reads anything', async () => {
    const closedPort = await freePort();
    // The CLI tests' app: its catalog marks no event publish: true.
    const run = await runCli(['publish', '--prometheus', `http://127.0.0.1:${String(closedPort)}`, '--out', join(workDir, 'y')]);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toBe(
      'quietcount publish: quietcount.catalog.ts marks no event publish: true, so there is nothing to publish (add publish: true to the events the page may show)\n',
    );
  });

  it('prints its help, with the disclosure rules', async () => {
    const run = await runCli(['publish', '--help'], { cwd: APP });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('usage: quietcount publish --prometheus URL --out DIR [options]');
    expect(run.stdout).toContain('a count from 1 to minCount - 1 is suppressed');
  });
});
