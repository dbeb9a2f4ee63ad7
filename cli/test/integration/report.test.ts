/**
 * `quietcount report` against the real Prometheus: simulated traffic over several past days (two instances, a
 * restart mid-day, scrapes missed around midnight) is backfilled with promtool, and the report must count exactly
 * the events that were sent, on the day the documented rule says.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventNames } from '../../../test/fixtures/catalog.ts';
import { runCli } from '../support/cli.ts';
import { runReport } from '../support/report-cli.ts';
import { DAY_MS, JOB, cellKey, simulateTraffic } from '../../../test/support/simulated-traffic.ts';
import { reportScenario } from '../fixtures/report-scenario.ts';
import { backfillOpenMetrics, freePort, startPrometheus, type PrometheusServer } from '../../../test/support/prometheus.ts';

const PASSWORD = 'correct horse battery staple';
const WEB_CONFIG = join(import.meta.dirname, '../fixtures/web-config.yml');
const CLI = join(import.meta.dirname, '../../bin/quietcount.js');

const scenario = reportScenario(Date.now());
const traffic = simulateTraffic(scenario);
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const day = (index: number): string => isoDay(scenario.firstFullDayMs + index * DAY_MS);

let prometheus: PrometheusServer;
let guarded: PrometheusServer;
let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'quietcount-report-'));
  const dataDir = join(workDir, 'data');
  await backfillOpenMetrics(traffic.openMetrics, dataDir);
  const guardedDataDir = join(workDir, 'guarded-data');
  await cp(dataDir, guardedDataDir, { recursive: true });
  [prometheus, guarded] = await Promise.all([
    startPrometheus({ dataDir }),
    startPrometheus({
      dataDir: guardedDataDir,
      // Few samples allowed: a report over real data fails inside Prometheus, a query error the CLI must explain.
      extraFlags: [`--web.config.file=${WEB_CONFIG}`, '--query.max-samples=100'],
      basicAuth: { username: 'reporter', password: PASSWORD },
    }),
  ]);
  await writeFile(join(workDir, 'good-auth'), `reporter:${PASSWORD}\n`);
  await writeFile(join(workDir, 'bad-auth'), 'reporter:guess\n');
});

afterAll(async () => {
  await Promise.all([prometheus.close(), guarded.close()]);
  await rm(workDir, { recursive: true, force: true });
});

const report = runReport;

interface JsonRow {
  event_name: string;
  event_id: string;
  event_date: string;
  count: number | null;
  suppressed: boolean;
}
interface JsonReport {
  from: string;
  to: string;
  min_count: number | null;
  suppressed_cells: number;
  rows: JsonRow[];
}

const allDays = (): string[] => ['--from', day(-1), '--to', day(4)];
const expectedWhere = (keep: (eventName: string, eventId: string, eventDate: string) => boolean): Map<string, number> =>
  new Map(
    [...traffic.expected].filter(([key]) => {
      const [eventName = '', eventId = '', eventDate = ''] = key.split('|');
      return keep(eventName, eventId, eventDate);
    }),
  );
const csvCells = (csv: string): Map<string, number> =>
  new Map(
    csv
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => {
        const [eventName = '', eventId = '', eventDate = '', count = ''] = line.split(',');
        return [cellKey(eventName, eventId, eventDate), Number(count)];
      }),
  );

describe('the simulated traffic', () => {
  it('exercises what the report must get right, and every event it sent was scraped', () => {
    expect(traffic.unobserved).toBe(0);
    expect(traffic.undetectableResets).toBe(0);
    const appB = traffic.samples.filter(({ labels }) => labels.instance === 'app-b:9464' && labels.event_name === 'page_viewed');
    const drops = appB.filter((sample, i) => {
      const before = appB.slice(0, i).findLast(({ labels }) => labels.event_id === sample.labels.event_id);
      return before !== undefined && sample.value < before.value;
    });
    expect(drops.length).toBeGreaterThan(0);
    // Events sent before midnight but first scraped after it: the rule under test, not a rounding.
    expect([...traffic.sentByEventDay].some(([key, count]) => traffic.expected.get(key) !== count)).toBe(true);
  });
});

describe('the Prometheus harness', () => {
  it('runs with 180-day retention and serves the backfilled series', async () => {
    expect(await prometheus.get('/api/v1/status/runtimeinfo')).toMatchObject({ storageRetention: '180d' });
    const seriesCount = new Set(traffic.samples.map(({ labels }) => JSON.stringify(labels))).size;
    await prometheus.waitForValue(`count(last_over_time(analytics_events_total{job="${JOB}"}[8d]))`, seriesCount);
  });
});

describe('quietcount report counts', () => {
  it('every event sent, exactly, per event_name, event_id and day (json)', async () => {
    const run = await report(['--prometheus', prometheus.url, '--format', 'json', ...allDays()]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const json = JSON.parse(run.stdout) as JsonReport;
    expect(json).toMatchObject({ from: day(-1), to: day(4), min_count: null, suppressed_cells: 0 });
    const counted = new Map(json.rows.map((row) => [cellKey(row.event_name, row.event_id, row.event_date), row.count]));
    expect(counted).toEqual(traffic.expected);
    expect(json.rows.reduce((sum, row) => sum + (row.count ?? 0), 0)).toBe(traffic.sent);
    const keys = json.rows.map((row) => [row.event_name, row.event_id, row.event_date]);
    expect(keys).toContainEqual(['page_viewed', '__other__', day(1)]);
  });

  it('a range that starts after the data began: the day before sets where each counter stood (csv)', async () => {
    const run = await report(['--prometheus', `${prometheus.url}/`, '--format', 'csv', '--from', day(1), '--to', day(2)]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.split('\n')[0]).toBe('event_name,event_id,event_date,count');
    expect(csvCells(run.stdout)).toEqual(expectedWhere((_name, _id, date) => date === day(1) || date === day(2)));
  });

  it('filters by event name (repeated or comma-separated) and event id, upper-case UUIDs included', async () => {
    const uuid = '0b7e2a54-3c1f-4f7e-9a0d-2b5c6d7e8f90';
    const run = await report([
      '--prometheus', prometheus.url, '--format', 'csv', ...allDays(),
      '--event', 'signup_completed,consent_given', '--event', 'search_run',
      '--event-id', uuid.toUpperCase(), '--event-id', '42',
    ]);
    expect(run.code).toBe(0);
    const names = new Set(['signup_completed', 'consent_given', 'search_run']);
    expect(csvCells(run.stdout)).toEqual(expectedWhere((name, id) => names.has(name) && (id === uuid || id === '42')));
  });

  it('without a catalog, checks --event against the event names Prometheus has', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'quietcount-no-catalog-'));
    try {
      const found = await runCli(['report', '--prometheus', prometheus.url, '--format', 'csv', ...allDays(), '--event', 'search_run'], { cwd: outside });
      expect(found.code).toBe(0);
      expect(csvCells(found.stdout)).toEqual(expectedWhere((name) => name === 'search_run'));
      const unknown = await runCli(['report', '--prometheus', prometheus.url, '--event', 'checkout_started'], { cwd: outside });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('unknown --event "checkout_started": Prometheus (event_name of analytics_events_total) has consent_given, ');
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('hides small cells with --min-count and says how many (table and json)', async () => {
    const minCount = 10;
    const small = [...traffic.expected.values()].filter((count) => count < minCount).length;
    expect(small).toBeGreaterThan(0);

    const table = await report(['--prometheus', prometheus.url, '--min-count', String(minCount), ...allDays()]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^event_name\s+event_id\s+event_date\s+count$/);
    expect(lines.slice(-2)).toEqual(['', `${small} of ${traffic.expected.size} cells hidden: counts below 10 are shown as <10`]);
    const shownCounts = lines.slice(1, -2).map((line) => line.split(/\s+/).at(-1));
    expect(shownCounts).toHaveLength(traffic.expected.size);
    expect(shownCounts.filter((count) => count === '<10')).toHaveLength(small);
    expect(shownCounts.every((count) => count === '<10' || Number(count) >= minCount)).toBe(true);

    const json = JSON.parse((await report(['--prometheus', prometheus.url, '--format', 'json', '--min-count', '10', ...allDays()])).stdout) as JsonReport;
    expect(json.suppressed_cells).toBe(small);
    expect(json.rows.filter((row) => row.suppressed)).toHaveLength(small);
    expect(json.rows.every((row) => (row.suppressed ? row.count === null : (row.count ?? 0) >= minCount))).toBe(true);
  });

  it('says so when nothing was counted', async () => {
    const run = await report(['--prometheus', prometheus.url, '--from', day(-20), '--to', day(-10)]);
    expect(run).toEqual({ code: 0, stdout: `no events counted from ${day(-20)} to ${day(-10)}\n`, stderr: '' });
  });

  it('runs as the real CLI: PROMETHEUS_URL, the last 7 complete days by default, progress on demand', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, 'report', '--format', 'csv', '--progress'], {
      env: { ...process.env, PROMETHEUS_URL: prometheus.url },
    });
    // The fixture lies within the last 7 complete days (it ends 00:30 yesterday).
    expect(csvCells(stdout)).toEqual(traffic.expected);
    expect(stderr).toContain('reading Prometheus');
    // Every event id of every name, for each of the 7 days.
    expect(stderr).toMatch(/ (\d+)\/\1 event id-days/);
  });

  it('counts the same after Prometheus restarts on the same data', async () => {
    await prometheus.restart();
    const run = await report(['--prometheus', prometheus.url, '--format', 'csv', ...allDays()]);
    expect(csvCells(run.stdout)).toEqual(traffic.expected);
  });
});

describe('quietcount report explains what went wrong', () => {
  const fails = async (args: readonly string[], code: number, message: RegExp): Promise<void> => {
    const run = await report(args);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(code);
  };

  it('rejects bad command lines with exit code 2', async () => {
    const url = ['--prometheus', 'http://127.0.0.1:9'];
    await fails([], 2, /--prometheus URL is required \(or set PROMETHEUS_URL\)/);
    await fails([...url, '--from', '2025-02-30'], 2, /--from "2025-02-30" is not a date: expected YYYY-MM-DD/);
    await fails([...url, '--to', 'yesterday'], 2, /--to "yesterday" is not a date/);
    await fails([...url, '--from', '2025-03-02', '--to', '2025-03-01'], 2, /--from 2025-03-02 is after --to 2025-03-01/);
    await fails([...url, '--event', 'page_views'], 2, new RegExp(`unknown --event "page_views": the catalog quietcount.catalog.ts has ${eventNames.join(', ')}`));
    await fails([...url, '--metric', 'page_views'], 2, /Unknown option '--metric'/);
    await fails([...url, '--event', 'Page Views'], 2, /--event "Page Views" is not an event name/);
    await fails([...url, '--event-id', '42abc'], 2, /--event-id "42abc" is not an event id/);
    await fails([...url, '--format', 'xml'], 2, /--format "xml" is not one of table, csv, json/);
    await fails([...url, '--min-count', '0'], 2, /--min-count "0" must be a positive integer/);
    await fails([...url, '--verbose'], 2, /Unknown option '--verbose'/);
    await fails(['--prometheus', 'http://user:pw@127.0.0.1:9'], 2, /must not contain credentials/);
    await fails([...url, '--basic-auth-file', join(workDir, 'missing')], 2, /--basic-auth-file cannot read .*missing \(ENOENT\)/);
  });

  it('prints its help, with the midnight rule', async () => {
    const run = await report(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('usage: quietcount report --prometheus URL');
    expect(run.stdout).toContain('counted on the next day');
  });

  it('an unreachable Prometheus', async () => {
    const closedPort = await freePort();
    await fails(['--prometheus', `http://127.0.0.1:${closedPort}`], 1, new RegExp(`cannot reach Prometheus at http://127.0.0.1:${closedPort}/ \\(ECONNREFUSED\\)`));
  });

  it('a URL that is not the Prometheus API (wrong path prefix)', async () => {
    await fails(['--prometheus', `${prometheus.url}/prometheus`], 1, /is not a Prometheus HTTP API \(HTTP 404 Not Found.*check --prometheus, including any path prefix/);
  });

  it('a 401: which option to use, or that the credentials were refused', async () => {
    await fails(['--prometheus', guarded.url], 1, /answered 401 Unauthorized: it requires credentials, pass --bearer-token-file FILE or --basic-auth-file FILE/);
    await fails(['--prometheus', guarded.url, '--basic-auth-file', join(workDir, 'bad-auth')], 1, /401 Unauthorized: it refused the credentials of --basic-auth-file/);
    const run = await report(['--prometheus', guarded.url, '--basic-auth-file', join(workDir, 'bad-auth')]);
    expect(run.stderr).not.toContain('guess');
  });

  it('passes with the right credentials, and reports a query error of Prometheus', async () => {
    const auth = ['--prometheus', guarded.url, '--basic-auth-file', join(workDir, 'good-auth'), ...allDays()];
    const nothing = await report([...auth, '--event-id', '999999']);
    expect(nothing).toMatchObject({ code: 0, stdout: `no events counted from ${day(-1)} to ${day(4)}\n` });
    await fails(auth, 1, /Prometheus query failed \(execution\): query processing would load too many samples into memory/);
  });
});
