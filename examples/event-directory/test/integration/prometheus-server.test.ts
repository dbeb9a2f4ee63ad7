/**
 * The reference app and a real Prometheus (Debian's 2.42 here; a missing binary fails, never skips), on loopback and
 * ephemeral ports, with the project's own prometheus.yml and rules: only the targets and secret paths are
 * substituted, so scrapes run every 15 s and the rates and windows rule groups every 1 and 2 minutes. The days group
 * (5-minute tiles, and the UTC day they add up to once a day) runs every minute here instead of every 5, so that a
 * tile covering this test's traffic comes within a minute: its tiles then overlap, which this file never adds up. The
 * day rule is exercised on the backfilled history, which promtool evaluates at the group's real interval, and by the
 * promtool unit tests (prometheus/tests/recording-days.yml). One Prometheus run serves every scenario, in order (each
 * reads the traffic sent before it), to keep the file at about two minutes (up to four when the rule groups' schedule
 * falls badly):
 *
 *   main         METRICS_TOKEN; two identical rounds of traffic on events 1 and 2, each sent between two scrapes
 *   wrongToken   another METRICS_TOKEN, so Prometheus is refused
 *   replicas     three instances, each with its own SQLite file, all counting event 3
 *   restarting   a file database and an event of its own; restarted mid-test on the same ports
 *   overflow     ANALYTICS_MAX_EVENT_IDS=1: views of its second and third event are counted under "__other__"
 *   history      a past instance backfilled up to the last UTC midnight, and the recording rules backfilled over it
 *                (twice: the day rule reads the tiles, which promtool only sees once Prometheus has loaded them), so
 *                that the dashboards' midnight-aligned daily queries have a value to read
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventNames, referenceModel } from '../support/catalog.ts';
import { OTHER } from 'quietcount';
import { DAY_MS, formatIsoDay, utcDayStart } from '../../../../cli/src/days.ts';
import { RULE_STEP } from '../../../../cli/src/generate/dashboards/prometheus-names.ts';
import { DAILY_USAGE, USAGE_TILES } from '../../../../cli/src/generate/rules/rule-names.ts';
import { DAYS_GROUP } from '../../../../cli/src/generate/rules/recording-rules.ts';
import { buildDashboards } from '../../../../cli/src/generate/dashboards/dashboards.ts';
import { dashboardTargets, grafanaRange, interpolate, type DashboardTarget } from '../../../../cli/src/generate/dashboards/targets.ts';
import { ADMIN_TOKEN, restartTestApp, seriesKey, startTestApp, tempDatabasePath, usageKey, type TestApp } from '../support/app.ts';
import { startProjectPrometheus } from '../support/project-prometheus.ts';
import { backfillOpenMetrics, backfillRecordingRules, type PrometheusServer } from '../../../../test/support/prometheus.ts';
import { PROMETHEUS_DIR } from '../../../../test/support/prometheus-config.ts';
import {
  activeTarget,
  pollUntil,
  sameEntries,
  SCRAPE_WAIT_MS,
  sendBetweenScrapes,
  seriesValues,
  valuesByLabel,
  vectorElements,
} from '../support/prometheus-queries.ts';
import { runReport } from '../support/report.ts';
import { ENDPOINTS, profileChange, SentTraffic, signupRequest, summed } from '../support/sent-traffic.ts';
import { HISTORY_EVENT_ID, usageHistoryUntil } from '../support/usage-history.ts';

const METRICS_TOKEN = 'integration-metrics-token-0123456789';
const WRONG_TOKEN = 'a-token-prometheus-does-not-have-9876543210';
const RECORDING_RULES = join(PROMETHEUS_DIR, 'rules', 'recording.yml');
const UNKNOWN_EVENT = 999_999;
const REPLICA_EVENT = 3;
/** Endpoints only `main` serves: the rule's ratio over them is exactly the share sent (see the ratio test). */
const MAIN_ONLY_ENDPOINTS = [ENDPOINTS.search, ENDPOINTS.visibility, ENDPOINTS.consent, ENDPOINTS.unmatched];
/** The 1m rule group evaluates within a minute; a scrape may have to come first. */
const RATES_GROUP_WAIT_MS = 60_000 + SCRAPE_WAIT_MS;
const WINDOWS_GROUP_WAIT_MS = 120_000 + SCRAPE_WAIT_MS;
/** The days group's interval in this test (5m in the project's rules), and a wait for one of its evaluations. */
const DAYS_GROUP_INTERVAL = '1m';
const DAYS_GROUP_WAIT_MS = 60_000 + SCRAPE_WAIT_MS;
/** How far back a tile reaches: its window in the project's rules. */
const TILE_MS = 5 * 60_000;

/** The dashboards' variables, as Grafana fills them in for a dashboard showing the last 24 hours. */
const DASHBOARD_VARIABLES: Readonly<Record<string, string>> = {
  // The event_id variable's "All".
  event_id: '.*',
  // 4 x the data source's 15s scrape interval, Grafana's minimum.
  __rate_interval: '1m',
  // The panels' minimum step.
  __interval: RULE_STEP,
  __range: '1d',
};
const RANGE_STEP_SECONDS = 60;
/**
 * Panel queries that cannot have data on an older Prometheus, with the reason. The dashboards declare the same
 * (`minimumPrometheusVersion`); the test checks both agree and that these return nothing there rather than an error.
 */
const NEEDS_NEWER_PROMETHEUS: Readonly<Record<string, { readonly since: string; readonly why: string }>> = {
  'quietcount-telemetry-health / Retention in force / A': {
    since: '2.48.0',
    why: 'prometheus_tsdb_retention_limit_seconds first appears in 2.48; the retention test above reads /api/v1/status/runtimeinfo',
  },
};

/**
 * How many series a panel query returns over the last 24 hours, as Grafana would send it: a daily panel's range
 * aligned to UTC midnights (yesterday's and today's), the others' to their step.
 */
async function seriesAnswered(target: DashboardTarget): Promise<number> {
  const expr = interpolate(target.expr, DASHBOARD_VARIABLES);
  const now = new Date();
  const range = grafanaRange(target, new Date(now.getTime() - DAY_MS), now, RANGE_STEP_SECONDS);
  const data = target.instant ? await prometheus.query(expr, now) : await prometheus.queryRange(expr, range.start, range.end, range.stepSeconds);
  return (data.result as unknown[]).length;
}

const targetName = (target: DashboardTarget): string => `${target.dashboardUid} / ${target.panelTitle} / ${target.refId}`;

/** `2.42.0+ds` older than `2.48.0`? */
function olderThan(version: string, minimum: string): boolean {
  const parts = (text: string): number[] => (text.split('+')[0] ?? '').split('.').map(Number);
  const [have, need] = [parts(version), parts(minimum)];
  for (let index = 0; index < need.length; index++) {
    const difference = (have[index] ?? 0) - (need[index] ?? 0);
    if (difference !== 0) return difference < 0;
  }
  return false;
}

const instance = (app: TestApp): string => new URL(app.metricsUrl).host;
const appTargets = (): string[] => [main, wrongToken, ...replicas, restarting, overflow].map(instance);
const usageQuery = (selector: string): string => `sum by (event_name, event_id) (analytics_events_total{${selector}})`;
const usageOf = (prometheus: PrometheusServer, selector: string): Promise<Map<string, number>> =>
  seriesValues(prometheus, usageQuery(selector), 'analytics_events_total');

const cleanups: (() => Promise<void>)[] = [];
let workDir: string;
let dataDir: string;
let lastMidnightMs: number;
let testStartMs: number;
let prometheus: PrometheusServer;
let main: TestApp;
let wrongToken: TestApp;
let replicas: TestApp[];
let restarting: TestApp;
let restartingEventId: number;
let overflow: TestApp;
/** When the last replica was first scraped: its series' first samples hold the warm-up, nothing sent after it. */
let replicasFirstScrapedMs: number;

const mainSent = new SentTraffic();
const replicaWarmUp = new SentTraffic();
const replicaSent = new SentTraffic();
const restartingSent = new SentTraffic();
const overflowSent = new SentTraffic();

/** One round of the main app's traffic: every usage event, and 4xx on every endpoint. Sent twice, identically. */
async function mainRound(app: TestApp): Promise<void> {
  const sent = mainSent;
  const ada = await sent.signUp(app, 1);
  const bob = await sent.signUp(app, 1);
  await sent.signUpAgain(app, 1, ada.email);
  await sent.send(app, { ...signupRequest(1, { name: 'No Email' }), status: 400 });
  await sent.send(app, { ...signupRequest(UNKNOWN_EVENT, { name: 'Too Early', email: 'early@example.test' }), status: 404 });
  await sent.setVisibility(app, 1, ada, true);
  await sent.setVisibility(app, 1, ada, false);
  await sent.setVisibility(app, 1, ada, false, false);
  await sent.send(app, { ...profileChange(1, ada, 'visibility', { visible: true }), token: bob.editToken, status: 403 });
  await sent.send(app, { ...profileChange(1, ada, 'visibility', { visible: 'yes' }), status: 400 });
  await sent.setConsent(app, 1, bob, true);
  await sent.setConsent(app, 1, bob, false);
  await sent.send(app, { ...profileChange(1, bob, 'consent', { granted: true }), token: ada.editToken, status: 403 });
  for (let view = 0; view < 3; view++) await sent.view(app, 1);
  const directory = { method: 'GET', endpoint: ENDPOINTS.directory };
  await sent.send(app, { ...directory, path: `/api/events/${String(UNKNOWN_EVENT)}/directory`, status: 404 });
  await sent.send(app, { ...directory, path: '/api/events/first/directory', status: 400 });
  await sent.search(app, 1, 'Person');
  await sent.search(app, 1, 'nobody by that name');
  const search = { method: 'GET', endpoint: ENDPOINTS.search };
  await sent.send(app, { ...search, path: '/api/events/1/directory/search', status: 400 });
  await sent.send(app, { ...search, path: `/api/events/${String(UNKNOWN_EVENT)}/directory/search?q=x`, status: 404 });
  const cyd = await sent.signUp(app, 2);
  await sent.view(app, 2);
  await sent.search(app, 2, 'Person');
  await sent.setVisibility(app, 2, cyd, true);
  await sent.setConsent(app, 2, cyd, true);
  for (let miss = 0; miss < 2; miss++) {
    await sent.send(app, { method: 'GET', path: '/api/no-such-route', endpoint: ENDPOINTS.unmatched, status: 404 });
  }
}

/** `quietcount report --format json` over one event, from the test's first day to today, summed over days. */
async function reportedTotals(eventId: number): Promise<Map<string, number>> {
  const run = await runReport([
    `--prometheus=${prometheus.url}`,
    `--from=${formatIsoDay(testStartMs)}`,
    `--to=${formatIsoDay(Date.now())}`,
    `--event-id=${String(eventId)}`,
    '--format=json',
  ]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const { rows } = JSON.parse(run.stdout) as { rows: { event_name: string; event_id: string; count: number }[] };
  const totals = new Map<string, number>();
  for (const row of rows) {
    const key = usageKey(row.event_name, Number(row.event_id));
    totals.set(key, (totals.get(key) ?? 0) + row.count);
  }
  return totals;
}

beforeAll(async () => {
  testStartMs = Date.now();
  workDir = await mkdtemp(join(tmpdir(), 'quietcount-integration-'));
  cleanups.push(() => rm(workDir, { recursive: true, force: true }));
  dataDir = join(workDir, 'data');
  lastMidnightMs = utcDayStart(testStartMs);
  await backfillOpenMetrics(usageHistoryUntil(lastMidnightMs).openMetrics, dataDir);

  const scraped = { METRICS_TOKEN };
  main = await startTestApp(scraped);
  wrongToken = await startTestApp({ METRICS_TOKEN: WRONG_TOKEN });
  replicas = [];
  for (let replica = 0; replica < 3; replica++) {
    replicas.push(await startTestApp({ ...scraped, DATABASE_PATH: await tempDatabasePath() }));
  }
  restarting = await startTestApp({ ...scraped, DATABASE_PATH: await tempDatabasePath() });
  overflow = await startTestApp({ ...scraped, ANALYTICS_MAX_EVENT_IDS: '1' });

  // Before Prometheus starts: what the first scrape of these apps sees.
  for (const replica of replicas) {
    await replicaWarmUp.signUp(replica, REPLICA_EVENT);
    await replicaWarmUp.view(replica, REPLICA_EVENT);
  }
  const created = await restartingSent.send(restarting, {
    method: 'POST',
    path: '/api/events',
    body: { name: 'Restart Night' },
    token: ADMIN_TOKEN,
    endpoint: ENDPOINTS.createEvent,
    status: 201,
  });
  restartingEventId = created.json.id as number;
  for (let signup = 0; signup < 2; signup++) await restartingSent.signUp(restarting, restartingEventId);
  for (let view = 0; view < 3; view++) await restartingSent.view(restarting, restartingEventId);
  await overflowSent.view(overflow, 1);
  await overflowSent.view(overflow, 2);

  prometheus = await startProjectPrometheus({
    workDir: join(workDir, 'config'),
    metricsToken: METRICS_TOKEN,
    appTargets: appTargets(),
    dataDir,
    tuning: { groupIntervals: { [DAYS_GROUP]: DAYS_GROUP_INTERVAL } },
  });
  cleanups.push(() => prometheus.close());

  // The rest lands after each app's first scrape, so every series has a first sample before it.
  const replicaFirstScrapes = Promise.all(
    replicas.map((replica, index) =>
      sendBetweenScrapes(prometheus, instance(replica), async () => {
        for (let signup = 0; signup <= index; signup++) await replicaSent.signUp(replica, REPLICA_EVENT);
        for (let view = 0; view < 2 * (index + 1); view++) await replicaSent.view(replica, REPLICA_EVENT);
      }),
    ),
  );
  const overflowAgain = sendBetweenScrapes(prometheus, instance(overflow), async () => {
    await overflowSent.view(overflow, 2);
    await overflowSent.view(overflow, 2);
    await overflowSent.view(overflow, 3);
  });
  const mainRounds = (async () => {
    await sendBetweenScrapes(prometheus, instance(main), () => mainRound(main));
    await sendBetweenScrapes(prometheus, instance(main), () => mainRound(main));
  })();
  const [replicaScrapes] = await Promise.all([replicaFirstScrapes, overflowAgain, mainRounds]);
  replicasFirstScrapedMs = Math.max(...replicaScrapes);
}, 120_000);

afterAll(async () => {
  // In reverse, and only what beforeAll got to start (the apps stop themselves: support/app.ts).
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('the app scraped by the real Prometheus, with the project configuration', () => {
  it('scrapes every app with the bearer token from its file, and shows an app with another token down (401)', async () => {
    const scraped = [main, ...replicas, restarting, overflow].map(instance);
    const expected = new Map([...scraped.map((target): [string, number] => [target, 1]), [instance(wrongToken), 0]]);
    const up = await pollUntil(
      () => valuesByLabel(prometheus, 'up{job="quietcount"}', 'instance'),
      (values) => sameEntries(values, expected),
      SCRAPE_WAIT_MS,
    );
    expect(up).toEqual(expected);

    const refused = await activeTarget(prometheus, instance(wrongToken));
    expect(refused?.health).toBe('down');
    expect(refused?.lastError).toMatch(/401/);
  });

  it("keeps samples as long as the catalog says (TELEMETRY.md and the dashboards state it), as the command line says", async () => {
    const runtime = (await prometheus.get('/api/v1/status/runtimeinfo')) as { storageRetention: string };
    expect(runtime.storageRetention).toBe(`${String(referenceModel.monitoring.retentionDays)}d`);
  });

  it('stores exactly what each app counted, per event_name and event_id and per endpoint and status code', { timeout: 60_000 }, async () => {
    const mainUsage = await pollUntil(
      () => usageOf(prometheus, `instance="${instance(main)}"`),
      (usage) => sameEntries(usage, mainSent.usage),
      SCRAPE_WAIT_MS,
    );
    expect(mainUsage).toEqual(mainSent.usage);
    const mainResponses = await seriesValues(
      prometheus,
      `sum by (endpoint, status_code) (http_responses_total{instance="${instance(main)}"})`,
      'http_responses_total',
    );
    expect(mainResponses).toEqual(mainSent.responses);

    // Summed over the three replicas, each of which counts its own signups from its own database.
    const replicaSelector = `instance=~"${replicas.map(instance).join('|')}"`;
    const replicaTotals = summed([replicaWarmUp.usage, replicaSent.usage]);
    const replicaUsage = await pollUntil(
      () => usageOf(prometheus, replicaSelector),
      (usage) => sameEntries(usage, replicaTotals),
      SCRAPE_WAIT_MS,
    );
    expect(replicaUsage).toEqual(replicaTotals);

    // The first event id keeps its series; the views of the two others are counted under __other__.
    const overflowUsage = await usageOf(prometheus, `instance="${instance(overflow)}"`);
    const views = (eventId: number): number => overflowSent.usage.get(usageKey('directory_page_view', eventId)) ?? 0;
    expect(overflowUsage).toEqual(
      new Map([
        [usageKey('directory_page_view', 1), views(1)],
        [seriesKey('analytics_events_total', { event_id: OTHER, event_name: 'directory_page_view' }), views(2) + views(3)],
      ]),
    );
  });

  it('keeps every sample already scraped when Prometheus restarts on its data dir, and loads blocks added to it', { timeout: 90_000 }, async () => {
    // The recording rules over the backfilled history, for the dashboards below: blocks a (re)start loads.
    const backfilledRange = { start: new Date(lastMidnightMs - 10 * 60_000), end: new Date(lastMidnightMs) };
    await backfillRecordingRules(prometheus.url, [RECORDING_RULES], backfilledRange, dataDir);
    // Older than any scrape or evaluation still in flight (scrape_timeout is 10s), so the read below is complete.
    const before = new Date(Date.now() - 15_000);
    const scrapedSamples = async (): Promise<unknown[]> => {
      const data = await prometheus.query('{job="quietcount"}[10m]', before);
      return (data.result as { metric: Record<string, string> }[]).sort((a, b) =>
        JSON.stringify(a.metric).localeCompare(JSON.stringify(b.metric)),
      );
    };
    const kept = await scrapedSamples();
    expect(kept.length).toBeGreaterThan(100);

    const restartedAtSeconds = Math.floor(Date.now() / 1000);
    await prometheus.restart();

    expect(await scrapedSamples()).toEqual(kept);
    const historyAtMidnight = async (expr: string): Promise<string | undefined> =>
      vectorElements(await prometheus.query(`count(${expr})`, new Date(lastMidnightMs)))[0]?.value[1];
    expect(await historyAtMidnight(`${USAGE_TILES}{event_id="${HISTORY_EVENT_ID}"}`)).toBe(String(eventNames.length));
    // And it scrapes every target again.
    const scrapedSinceRestart = `count(timestamp(up{job="quietcount"}) > ${String(restartedAtSeconds)})`;
    await prometheus.waitForValue(scrapedSinceRestart, appTargets().length, SCRAPE_WAIT_MS);

    // The day rule adds up the tiles, which promtool sees now that Prometheus has them: its sample just before the
    // midnight is the one the daily bars read there.
    await backfillRecordingRules(prometheus.url, [RECORDING_RULES], backfilledRange, dataDir);
    await prometheus.restart();
    expect(await historyAtMidnight(`last_over_time(${DAILY_USAGE}{event_id="${HISTORY_EVENT_ID}"}[1d])`)).toBe(String(eventNames.length));
  });

  it('counts across an app restart on the same ports: in-memory counters reset, table-derived ones carry on', { timeout: 90_000 }, async () => {
    const target = instance(restarting);
    const before = restartingSent.usage;
    restarting = await restartTestApp(restarting);
    expect(instance(restarting)).toBe(target);
    const after = new SentTraffic();
    await after.signUp(restarting, restartingEventId);
    // Fewer views than before the restart: a counter that climbs back past its old value between two scrapes is a
    // reset no reader of the samples can see.
    await after.view(restarting, restartingEventId);
    await after.view(restarting, restartingEventId);

    const signups = usageKey('event_signup', restartingEventId);
    const views = usageKey('directory_page_view', restartingEventId);
    const exported = new Map([
      [signups, (before.get(signups) ?? 0) + (after.usage.get(signups) ?? 0)],
      [views, after.usage.get(views) ?? 0],
    ]);
    const current = await pollUntil(
      () => usageOf(prometheus, `instance="${target}"`),
      (usage) => sameEntries(usage, exported),
      SCRAPE_WAIT_MS,
    );
    expect(current).toEqual(exported);
    const resets = await valuesByLabel(prometheus, `resets(analytics_events_total{instance="${target}"}[15m])`, 'event_name');
    expect(resets).toEqual(new Map([['event_signup', 0], ['directory_page_view', 1]]));

    // The report reads the raw samples: every event sent, before and after the restart.
    expect(await reportedTotals(restartingEventId)).toEqual(summed([before, after.usage]));
  });

  it('records per endpoint the share of 4xx sent, and no 5xx, in the 1m rule group', { timeout: RATES_GROUP_WAIT_MS + 10_000 }, async () => {
    // Both rounds of main were identical and each fell between two scrapes, so every series of one of its endpoints
    // has the same samples times the same factor: rate()'s extrapolation cancels out of the ratio, which is exact.
    const expected = new Map(MAIN_ONLY_ENDPOINTS.map((endpoint) => [endpoint, mainSent.clientErrorShare(endpoint)]));
    const ratios = await pollUntil(
      () => valuesByLabel(prometheus, 'endpoint:http_client_errors_per_responses:ratio_rate5m', 'endpoint'),
      (values) => MAIN_ONLY_ENDPOINTS.every((endpoint) => values.has(endpoint)),
      RATES_GROUP_WAIT_MS,
    );
    for (const [endpoint, share] of expected) expect(ratios.get(endpoint), endpoint).toBeCloseTo(share, 12);

    const serverErrors = await valuesByLabel(prometheus, 'endpoint:http_server_errors_per_responses:ratio_rate5m', 'endpoint');
    expect([...serverErrors.keys()].sort()).toEqual([...ratios.keys()].sort());
    expect(new Set(serverErrors.values())).toEqual(new Set([0]));

    const overflowRate = await valuesByLabel(prometheus, 'event_name:analytics_events_overflow:rate5m', 'event_name');
    expect(overflowRate.get('directory_page_view')).toBeGreaterThan(0);
  });

  it('sums three replicas: the raw counters and the report exactly, the 5-minute tiles within increase()\'s extrapolation', { timeout: DAYS_GROUP_WAIT_MS + 90_000 }, async () => {
    const sent = summed([replicaWarmUp.usage, replicaSent.usage]);
    expect(await reportedTotals(REPLICA_EVENT)).toEqual(sent);

    // increase() counts every increment after a series' first sample, here everything but the warm-up, and then
    // extrapolates: towards zero before the first sample (at most its value, the warm-up) and past the last one
    // (at most 1.1 average intervals' worth: 1.1/3 of the increase once a series has 4 samples in the window).
    // A tile evaluated 75 s or more after the replicas' first scrape sees 5 scrapes or more (4 if the Prometheus
    // restart cost one), and one evaluated within 5 minutes of it still holds the first scrape: the first
    // evaluation after those 75 s (the days group runs every minute here) is both.
    const settledMs = replicasFirstScrapedMs + 75_000;
    const rule = `${USAGE_TILES}{event_id="${String(REPLICA_EVENT)}"}`;
    const firstEvaluationAfterSettled = async (): Promise<number | undefined> => {
      if (Date.now() < settledMs + 1_000) return undefined;
      const until = new Date(Math.min(Date.now(), settledMs + 2 * 60_000));
      // At each step, the time of the rule's latest evaluation: the first one at or after settledMs is the tile.
      const data = await prometheus.queryRange(`min(timestamp(${rule}))`, new Date(settledMs), until, 5);
      const times = ((data.result as { values: [number, string][] }[])[0]?.values ?? []).map(([, value]) => Number(value) * 1000);
      return times.find((ms) => ms >= settledMs);
    };
    const evaluatedMs = await pollUntil(firstEvaluationAfterSettled, (ms) => ms !== undefined, DAYS_GROUP_WAIT_MS + 60_000);
    expect(evaluatedMs).toBeDefined();
    expect(evaluatedMs).toBeLessThan(replicasFirstScrapedMs + TILE_MS);
    const elements = vectorElements(await prometheus.query(rule, new Date(evaluatedMs ?? 0)));
    // Summed over instances: one series per event_name and event_id, without instance or job.
    expect(elements.map(({ metric }) => Object.keys(metric).sort())).toEqual(
      elements.map(() => ['__name__', 'event_id', 'event_name']),
    );
    const tile = new Map(
      elements.map(({ metric, value }) => [usageKey(metric.event_name ?? '', Number(metric.event_id)), Number(value[1])]),
    );
    expect([...tile.keys()].sort()).toEqual([...sent.keys()].sort());
    for (const [key, total] of sent) {
      const afterFirstSample = replicaSent.usage.get(key) ?? 0;
      expect(tile.get(key), key).toBeGreaterThanOrEqual(afterFirstSample);
      expect(tile.get(key), key).toBeLessThanOrEqual(total + (afterFirstSample * 1.1) / 3);
    }
  });

  it('answers every dashboard panel query, its variables filled in, with data from this traffic', { timeout: WINDOWS_GROUP_WAIT_MS + 30_000 }, async () => {
    const { version } = (await prometheus.get('/api/v1/status/buildinfo')) as { version: string };
    const targets = dashboardTargets(buildDashboards(referenceModel).values());
    expect(targets.length).toBeGreaterThan(0);
    const expectsData = (target: DashboardTarget): boolean =>
      target.minimumPrometheusVersion === undefined || !olderThan(version, target.minimumPrometheusVersion);
    const answers = await pollUntil(
      () => Promise.all(targets.map(async (target) => ({ target, series: await seriesAnswered(target) }))),
      (all) => all.every(({ target, series }) => series > 0 === expectsData(target)),
      WINDOWS_GROUP_WAIT_MS,
    );

    const names = (wanted: boolean, answered: boolean): string[] =>
      answers.filter(({ target, series }) => expectsData(target) === wanted && series > 0 === answered).map(({ target }) => targetName(target));
    expect(names(true, false)).toEqual([]);
    expect(names(false, true)).toEqual([]);
    const listed = Object.entries(NEEDS_NEWER_PROMETHEUS).filter(([, { since }]) => olderThan(version, since));
    expect(names(false, false).sort()).toEqual(listed.map(([name]) => name).sort());
  });
});
