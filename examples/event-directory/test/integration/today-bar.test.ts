/**
 * Today in every daily panel, on a fresh deployment, at the real rule intervals: the reference app and a real
 * Prometheus (Debian's 2.42) with the project's prometheus.yml and rules untouched (scrapes every 15 s, the days group
 * every 5 minutes), and the Product usage and per-event panels queried as Grafana sends them (a daily panel's range
 * aligned to UTC midnights, so its last step is today's). Nothing else runs, so the file takes what the rules take:
 * up to 5 minutes until the days group's first evaluation, then one tile (5 minutes) until today's bar shows the
 * traffic sent after it; 6 to 11 minutes in all (and up to 12 more when it starts within 12 minutes of midnight UTC,
 * which it waits out so that "today" stays one day).
 *
 * Why the traffic waits for the first evaluation: a tile is increase() over the 5 minutes before its evaluation, and
 * a new series shows 0 at its first scrape and its count at the next one (zero first). Both scrapes then fall within
 * the tile after that evaluation, which counts the traffic whole.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, utcDayStart } from '../../../../cli/src/days.ts';
import { TODAY_REF_ID } from '../../../../cli/src/generate/dashboards/daily-panels.ts';
import { buildDashboards } from '../../../../cli/src/generate/dashboards/dashboards.ts';
import { dashboardUid } from '../../../../cli/src/generate/dashboards/new-dashboard.ts';
import { dashboardTargets, grafanaRange, interpolate, type DashboardTarget } from '../../../../cli/src/generate/dashboards/targets.ts';
import { DAYS_GROUP } from '../../../../cli/src/generate/rules/recording-rules.ts';
import type { PrometheusServer } from '../../../../test/support/prometheus.ts';
import { ADMIN_TOKEN, startTestApp, usageKey, type TestApp } from '../support/app.ts';
import { referenceModel } from '../support/catalog.ts';
import { startProjectPrometheus } from '../support/project-prometheus.ts';
import { pollUntil, sendBetweenScrapes } from '../support/prometheus-queries.ts';
import { ENDPOINTS, SentTraffic } from '../support/sent-traffic.ts';

const METRICS_TOKEN = 'today-bar-metrics-token-0123456789';
const MINUTE_MS = 60_000;
/** The days group's interval in the project's rules: a tile. */
const TILE_MS = 5 * MINUTE_MS;
/** Rule evaluation and one poll of the queries, past the tile. */
const EVALUATION_SLACK_MS = 10_000;
/** Long enough for the first evaluation and one tile after it, with a scrape or two. */
const MIDNIGHT_MARGIN_MS = 12 * MINUTE_MS;
/** The Product usage dashboard's default range, and Grafana's step for it before the panels' 1d minimum. */
const RANGE_MS = 30 * DAY_MS;
const GRAFANA_STEP_SECONDS = 3_600;
const DAILY_DASHBOARDS = new Set([dashboardUid(referenceModel, 'product-usage'), dashboardUid(referenceModel, 'per-event')]);

const cleanups: (() => Promise<void>)[] = [];
let prometheus: PrometheusServer;
let app: TestApp;
let eventId: number;
const sent = new SentTraffic();
let sentAtMs = 0;

/** A panel query as Grafana sends it for the last 30 days, with the event id variable set to this test's event. */
async function answer(target: DashboardTarget, now: Date): Promise<Map<string, [number, number][]>> {
  const expr = interpolate(target.expr, { event_id: String(eventId), __range: '30d' });
  const range = grafanaRange(target, new Date(now.getTime() - RANGE_MS), now, GRAFANA_STEP_SECONDS);
  const data = target.instant ? await prometheus.query(expr, now) : await prometheus.queryRange(expr, range.start, range.end, range.stepSeconds);
  const series = data.result as { metric: Record<string, string>; values?: [number, string][]; value?: [number, string] }[];
  return new Map(
    series.map(({ metric, values, value }) => [
      metric.event_name ?? '',
      (values ?? (value === undefined ? [] : [value])).map(([time, text]): [number, number] => [time * 1000, Number(text)]),
    ]),
  );
}

/** The event name a panel's query is about: the one it selects, or (for the per-event totals) each row's. */
const eventNameOf = (target: DashboardTarget): string | undefined => /event_name="(\w+)"/.exec(target.expr)?.[1];

const dailyTargets = (): DashboardTarget[] =>
  dashboardTargets(buildDashboards(referenceModel).values()).filter((target) => DAILY_DASHBOARDS.has(target.dashboardUid));

/** The event names this test's traffic counted. */
const sentEventNames = (): string[] => referenceModel.eventNames.filter((eventName) => sent.usage.has(usageKey(eventName, eventId)));

const name = (target: DashboardTarget): string => `${target.dashboardUid} / ${target.panelTitle} / ${target.refId}`;

/** The days group's last evaluation, or undefined before its first. */
async function lastDaysEvaluationMs(): Promise<number | undefined> {
  const { groups } = (await prometheus.get('/api/v1/rules')) as { groups: { name: string; lastEvaluation: string }[] };
  const evaluated = Date.parse(groups.find((group) => group.name === DAYS_GROUP)?.lastEvaluation ?? '');
  // Before its first evaluation Prometheus reports the zero time, year 1.
  return Number.isFinite(evaluated) && evaluated > 0 ? evaluated : undefined;
}

beforeAll(async () => {
  // Out of the last minutes of a UTC day: the test's traffic and its bar must fall on the same day.
  const untilMidnight = utcDayStart(Date.now()) + DAY_MS - Date.now();
  if (untilMidnight < MIDNIGHT_MARGIN_MS) await new Promise((resolve) => setTimeout(resolve, untilMidnight + 30_000));

  const workDir = await mkdtemp(join(tmpdir(), 'quietcount-today-bar-'));
  cleanups.push(() => rm(workDir, { recursive: true, force: true }));
  app = await startTestApp({ METRICS_TOKEN });
  const created = await sent.send(app, { method: 'POST', path: '/api/events', body: { name: 'Opening Night' }, token: ADMIN_TOKEN, endpoint: ENDPOINTS.createEvent, status: 201 });
  eventId = created.json.id as number;
  prometheus = await startProjectPrometheus({ workDir, metricsToken: METRICS_TOKEN, appTargets: [new URL(app.metricsUrl).host] });
  cleanups.push(() => prometheus.close());

  const firstEvaluationMs = await pollUntil(lastDaysEvaluationMs, (ms) => ms !== undefined, TILE_MS + 30_000);
  expect(firstEvaluationMs, `the ${DAYS_GROUP} group did not evaluate within a tile`).toBeDefined();
  await sendBetweenScrapes(prometheus, new URL(app.metricsUrl).host, async () => {
    sentAtMs = Date.now();
    for (let signup = 0; signup < 3; signup++) await sent.signUp(app, eventId);
    for (let view = 0; view < 2; view++) await sent.view(app, eventId);
  });
}, MIDNIGHT_MARGIN_MS + TILE_MS + 2 * MINUTE_MS);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('today in every daily panel, on a fresh Prometheus at the real rule intervals', () => {
  it('shows today\'s bar and totals within one tile of the traffic, and nothing as a whole day yet', { timeout: TILE_MS + 2 * MINUTE_MS }, async () => {
    const todayMs = utcDayStart(sentAtMs);
    const counted = (key: string): number => sent.usage.get(key) ?? 0;
    const targets = dailyTargets();
    // Each panel's value for this test's event at today's step (bars) or now (totals), per event name.
    const todayValues = async (): Promise<{ target: DashboardTarget; values: Map<string, number> }[]> => {
      const now = new Date();
      return Promise.all(
        targets.map(async (target) => {
          const series = await answer(target, now);
          const values = new Map<string, number>();
          for (const [eventName, points] of series) {
            const point = target.instant ? points.at(-1) : points.find(([time]) => time === todayMs);
            if (point !== undefined) values.set(eventName === '' ? (eventNameOf(target) ?? '') : eventName, point[1]);
          }
          return { target, values };
        }),
      );
    };
    const signups = usageKey('event_signup', eventId);
    const isToday = (target: DashboardTarget): boolean => target.instant || target.refId === TODAY_REF_ID;
    const shown = await pollUntil(
      todayValues,
      (answers) => answers.filter(({ target }) => isToday(target) && eventNameOf(target) === 'event_signup').every(({ values }) => (values.get('event_signup') ?? 0) >= counted(signups)),
      TILE_MS + EVALUATION_SLACK_MS,
    );
    const seenAfterMs = Date.now() - sentAtMs;
    expect(seenAfterMs).toBeLessThanOrEqual(TILE_MS + EVALUATION_SLACK_MS);

    for (const { target, values } of shown) {
      if (!isToday(target)) {
        // Whole days come from the day rule, which records today just before midnight: none yet.
        expect(values, name(target)).toEqual(new Map());
        continue;
      }
      for (const [eventName, value] of values) {
        const sentCount = counted(usageKey(eventName, eventId));
        // A tile is increase() over its 5 minutes: the traffic whole, extrapolated past the tile's last scrape by at
        // most 1.1 scrape intervals of the about 19 it holds. The panels show whole numbers.
        expect(value, `${name(target)}: ${eventName}`).toBeGreaterThanOrEqual(sentCount);
        expect(value, `${name(target)}: ${eventName}`).toBeLessThanOrEqual(sentCount * 1.1);
        expect(Math.round(value), `${name(target)}: ${eventName}`).toBe(sentCount);
      }
      // Every event this test sent shows on its panels; the others have nothing to show for this event id.
      const expected = sentEventNames().filter((eventName) => eventNameOf(target) === undefined || eventName === eventNameOf(target));
      expect([...values.keys()].sort(), name(target)).toEqual(expected.sort());
    }
  });
});
