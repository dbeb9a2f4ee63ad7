/**
 * VictoriaMetrics as the central store, run for real: Debian's single-node victoria-metrics behind basic auth, fed by
 * two edge Prometheus servers (Debian's 2.42) with the project's prometheus.yml and its scale-out blocks switched on,
 * each next to its own app. To tell what is VictoriaMetrics' own from what the data holds, each edge also writes the
 * same samples to a central Prometheus (the receiver of ./remote-write.test.ts), and every answer is compared with it.
 *
 * What the test changes, and only in its copies: targets, ports, secret files, the stores' URLs, the edges' `cluster`
 * values, and, to keep the file to about two minutes, 5 s scrapes and rule groups every 10 s and 20 s (expressions
 * untouched). The rules run on the edges (docs/operating.md, "Beyond one Prometheus", says why); vmalert checks that
 * it could run them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIsoDay } from '../../../../cli/src/days.ts';
import { buildDashboards } from '../../../../cli/src/generate/dashboards/dashboards.ts';
import { RULE_STEP } from '../../../../cli/src/generate/dashboards/prometheus-names.ts';
import { dashboardTargets, grafanaRange, interpolate, type DashboardTarget } from '../../../../cli/src/generate/dashboards/targets.ts';
import { USAGE_TILES } from '../../../../cli/src/generate/rules/rule-names.ts';
import { DEVELOPMENT_PASSWORD } from '../../../../test/support/alertmanager.ts';
import { PROMETHEUS_DIR, type TestTuning } from '../../../../test/support/prometheus-config.ts';
import { startPrometheus, type PrometheusServer, type QueryData } from '../../../../test/support/prometheus.ts';
import { yamlFilesIn } from '../../../../test/support/rules/rule-files.ts';
import { checkRulesWithVmalert, startVictoriaMetrics } from '../../../../test/support/victoria-metrics.ts';
import { responseKey, startTestApp, usageKey, type TestApp } from '../support/app.ts';
import { referenceModel } from '../support/catalog.ts';
import { startProjectPrometheus } from '../support/project-prometheus.ts';
import { pollUntil, sendBetweenScrapes, vectorElements } from '../support/prometheus-queries.ts';
import { runReport } from '../support/report.ts';
import { ENDPOINTS, SentTraffic } from '../support/sent-traffic.ts';

const METRICS_TOKEN = 'victoria-metrics-token-0123456789';
/** The stores' user (prometheus/web.yml's, and VictoriaMetrics' -httpAuth.username); the edges send its password. */
const STORE_USER = 'quietcount';
const TUNING: TestTuning = {
  scrapeInterval: '5s',
  scrapeTimeout: '5s',
  groupIntervals: { 'quietcount-rates': '10s', 'quietcount-windows': '20s', 'quietcount-days': '20s', 'quietcount-alerts': '10s' },
};
const UNKNOWN_EVENT = 999_999;
/** Scrapes, rule groups and remote_write's sends (at most 5 s apart) after the traffic, with room. */
const CATCH_UP_MS = 60_000;
/** The dashboards' variables, as Grafana fills them in for the last hour. */
const DASHBOARD_VARIABLES: Readonly<Record<string, string>> = { event_id: '.*', __rate_interval: '1m', __interval: RULE_STEP, __range: '1h' };
const RANGE_MS = 3_600_000;
const STEP_SECONDS = 15;
/** Floating-point sums may add their terms in another order in another engine: equal to this relative precision. */
const RELATIVE_PRECISION = 1e-9;
/**
 * Panels that read a raw counter through rate() or increase(): VictoriaMetrics computes those without Prometheus'
 * extrapolation to the window's edges (and from the sample before the window), so their values differ by design.
 * Every other panel reads recording rules the edges computed, or gauges, and must answer exactly the same.
 */
const readsRawCounter = (target: DashboardTarget): boolean => /\b(rate|increase)\(\w+_total\{?/.test(target.expr);
/**
 * Panels that fall back to 0 with `… or on() vector(0)`: where the left side has nothing, Prometheus adds a series of
 * its own (no labels) holding 0, and VictoriaMetrics fills the left side's series with 0 instead. The same line at 0,
 * under other labels: such panels are compared on their values other than 0.
 */
const fallsBackToZero = (target: DashboardTarget): boolean => target.expr.includes('or on() vector(0)');

/** `labels → values` without the points that are 0, and without the series left empty. */
function withoutZeros(answer: Map<string, number[]>): Map<string, number[]> {
  const kept = new Map<string, number[]>();
  for (const [key, numbers] of answer) {
    const points: number[] = [];
    for (let index = 0; index + 1 < numbers.length; index += 2) if (numbers[index + 1] !== 0) points.push(numbers[index] ?? 0, numbers[index + 1] ?? 0);
    if (points.length > 0) kept.set(key, points);
  }
  return kept;
}

interface Series {
  readonly metric: Record<string, string>;
  readonly values?: [number, string][];
  readonly value?: [number, string];
}

const cleanups: (() => Promise<void>)[] = [];
let workDir: string;
let basicAuthFile: string;
let victoriaMetrics: PrometheusServer;
let central: PrometheusServer;
const edges: PrometheusServer[] = [];
const sent = [new SentTraffic(), new SentTraffic()];
let testStartMs: number;

const instance = (app: TestApp): string => new URL(app.metricsUrl).host;

/** Every usage event of the catalog on events 1 and 2 of the reference app, and a 404. */
async function usageRound(app: TestApp, traffic: SentTraffic): Promise<void> {
  const ada = await traffic.signUp(app, 1);
  await traffic.signUp(app, 2);
  await traffic.view(app, 1);
  await traffic.view(app, 2);
  await traffic.search(app, 1, 'Person');
  await traffic.setVisibility(app, 1, ada, true);
  await traffic.setVisibility(app, 1, ada, false);
  await traffic.setConsent(app, 1, ada, true);
  await traffic.setConsent(app, 1, ada, false);
  await traffic.send(app, { method: 'GET', path: `/api/events/${String(UNKNOWN_EVENT)}/directory`, endpoint: ENDPOINTS.directory, status: 404 });
}

const rawSums = async (server: PrometheusServer): Promise<Map<string, number>> =>
  new Map(
    vectorElements(await server.query('sum by (event_name, event_id) (analytics_events_total)')).map(({ metric, value }) => [
      `${metric.event_name ?? ''}/${metric.event_id ?? ''}`,
      Number(value[1]),
    ]),
  );

/** A query's answer as `labels → [time, value, ...]`. */
function byLabels(data: QueryData): Map<string, number[]> {
  return new Map(
    (data.result as Series[]).map(({ metric, values, value }) => [
      JSON.stringify(Object.entries(metric).sort()),
      (values ?? (value === undefined ? [] : [value])).flatMap(([time, text]) => [time, Number(text)]),
    ]),
  );
}

async function panelAnswer(server: PrometheusServer, panel: DashboardTarget, at: Date): Promise<Map<string, number[]>> {
  const expr = interpolate(panel.expr, DASHBOARD_VARIABLES);
  const range = grafanaRange(panel, new Date(at.getTime() - RANGE_MS), at, STEP_SECONDS);
  return byLabels(panel.instant ? await server.query(expr, at) : await server.queryRange(expr, range.start, range.end, range.stepSeconds));
}

function differences(actual: Map<string, number[]>, expected: Map<string, number[]>): string[] {
  const problems: string[] = [];
  for (const key of new Set([...actual.keys(), ...expected.keys()])) {
    const [have, want] = [actual.get(key), expected.get(key)];
    if (have === undefined || want === undefined || have.length !== want.length) {
      problems.push(`${key}: ${String(have?.length)} values, expected ${String(want?.length)}`);
      continue;
    }
    const off = have.findIndex((number, index) => {
      const other = want[index] ?? Number.NaN;
      return Math.abs(number - other) > RELATIVE_PRECISION * Math.max(Math.abs(number), Math.abs(other)) && !(number === 0 && other === 0);
    });
    if (off !== -1) problems.push(`${key}: ${String(have[off])} at ${String(off)}, expected ${String(want[off])}`);
  }
  return problems;
}

/** `quietcount report --format json` from the test's first day to today: `name/id/day` → count. */
async function report(server: PrometheusServer): Promise<Map<string, number>> {
  const run = await runReport([
    `--prometheus=${server.url}`,
    `--from=${formatIsoDay(testStartMs)}`,
    `--to=${formatIsoDay(Date.now())}`,
    '--format=json',
    `--basic-auth-file=${basicAuthFile}`,
  ]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const { rows } = JSON.parse(run.stdout) as { rows: { event_name: string; event_id: string; event_date: string; count: number }[] };
  return new Map(rows.map((row) => [`${row.event_name}/${row.event_id}/${row.event_date}`, row.count]));
}

/** Sent usage, as `name/id` → count, over both apps (their traffic is on events 1 and 2). */
function sentUsage(): Map<string, number> {
  const sum = new Map<string, number>();
  for (const eventName of referenceModel.eventNames) {
    for (const eventId of [1, 2]) {
      const count = sent.reduce((total, traffic) => total + (traffic.usage.get(usageKey(eventName, eventId)) ?? 0), 0);
      if (count > 0) sum.set(`${eventName}/${String(eventId)}`, count);
    }
  }
  return sum;
}

beforeAll(async () => {
  testStartMs = Date.now();
  workDir = await mkdtemp(join(tmpdir(), 'quietcount-victoria-metrics-'));
  cleanups.push(() => rm(workDir, { recursive: true, force: true }));
  basicAuthFile = join(workDir, 'store-basic-auth');
  await writeFile(basicAuthFile, `${STORE_USER}:${DEVELOPMENT_PASSWORD}\n`, { mode: 0o600 });
  const credentials = { username: STORE_USER, password: DEVELOPMENT_PASSWORD };

  victoriaMetrics = await startVictoriaMetrics({ basicAuth: credentials });
  cleanups.push(() => victoriaMetrics.close());
  central = await startPrometheus({
    extraFlags: ['--web.enable-remote-write-receiver', `--web.config.file=${join(PROMETHEUS_DIR, 'web.yml')}`],
    basicAuth: credentials,
  });
  cleanups.push(() => central.close());

  for (const [index, traffic] of sent.entries()) {
    const app = await startTestApp({ METRICS_TOKEN });
    const edge = await startProjectPrometheus({
      workDir: join(workDir, `edge-${String(index)}`),
      metricsToken: METRICS_TOKEN,
      appTargets: [instance(app)],
      scaleOut: {
        url: `${victoriaMetrics.url}/api/v1/write`,
        mirrorUrls: [`${central.url}/api/v1/write`],
        externalLabels: { cluster: `edge-${String(index)}` },
        password: DEVELOPMENT_PASSWORD,
      },
      tuning: TUNING,
    });
    cleanups.push(() => edge.close());
    edges.push(edge);
    // Twice, each after a scrape: every series has a sample before each round, for rate() and increase() to see.
    await sendBetweenScrapes(edge, instance(app), () => usageRound(app, traffic));
    await sendBetweenScrapes(edge, instance(app), () => usageRound(app, traffic));
  }
  // Both stores hold every count the edges scraped.
  const expected = sentUsage();
  for (const store of [victoriaMetrics, central]) {
    const stored = await pollUntil(() => rawSums(store), (sums) => sums.size === expected.size && [...expected].every(([key, count]) => sums.get(key) === count), CATCH_UP_MS);
    expect(stored).toEqual(expected);
  }
}, 3 * CATCH_UP_MS);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('VictoriaMetrics as the central store of two edge Prometheus servers', () => {
  it('gives quietcount report the same exact counts as the edges, and as a Prometheus with the same samples', async () => {
    const fromVictoriaMetrics = await report(victoriaMetrics);
    expect(fromVictoriaMetrics).toEqual(await report(central));
    const perDay = [...fromVictoriaMetrics].reduce((sums, [key, count]) => sums.set(key.split('/').slice(0, 2).join('/'), (sums.get(key.split('/').slice(0, 2).join('/')) ?? 0) + count), new Map<string, number>());
    expect(perDay).toEqual(sentUsage());
  });

  it('answers every dashboard query as Prometheus does, but the raw counters\' rate() and increase(), which it does not extrapolate', { timeout: 2 * CATCH_UP_MS }, async () => {
    // Both edges' rule groups have run on the traffic (their 20 s group), and both stores have had their outputs
    // for longer than the 20 s the comparison stays back.
    for (const store of [victoriaMetrics, central]) {
      const clusters = (): Promise<number> => store.query(`count(count by (cluster) (${USAGE_TILES}))`, new Date(Date.now() - 25_000)).then((data) => Number(vectorElements(data)[0]?.value[1] ?? 0));
      expect(await pollUntil(clusters, (count) => count === edges.length, CATCH_UP_MS)).toBe(edges.length);
    }
    const panels = dashboardTargets(buildDashboards(referenceModel).values());
    const compare = async (): Promise<{ panel: DashboardTarget; name: string; series: number; problems: string[] }[]> => {
      // Far enough back that every sample before it has reached both stores (remote_write sends within seconds).
      const at = new Date(Date.now() - 20_000);
      return Promise.all(
        panels.map(async (panel) => {
          const [prometheusAnswer, victoriaAnswer] = [await panelAnswer(central, panel, at), await panelAnswer(victoriaMetrics, panel, at)];
          const problems = fallsBackToZero(panel) ? differences(withoutZeros(victoriaAnswer), withoutZeros(prometheusAnswer)) : differences(victoriaAnswer, prometheusAnswer);
          return { panel, name: `${panel.dashboardUid} / ${panel.panelTitle} / ${panel.refId}`, series: prometheusAnswer.size, problems };
        }),
      );
    };
    const unexplained = (answers: Awaited<ReturnType<typeof compare>>): string[] =>
      answers.filter(({ panel, problems }) => problems.length > 0 && !readsRawCounter(panel)).map(({ name, problems }) => `${name}: ${problems.slice(0, 3).join('; ')}`);
    // Not vacuous: the panels that read rules, today's bars and totals among them, must have data to compare. Both
    // conditions are polled together: on a busy machine a store can be a rule evaluation behind for a moment.
    const tilePanels = (answers: Awaited<ReturnType<typeof compare>>) => answers.filter(({ panel }) => panel.expr.includes(USAGE_TILES) && !readsRawCounter(panel));
    const empty = (answers: Awaited<ReturnType<typeof compare>>): string[] => tilePanels(answers).filter(({ series }) => series === 0).map(({ name }) => name);
    const compared = await pollUntil(compare, (answers) => unexplained(answers).length === 0 && empty(answers).length === 0, CATCH_UP_MS);
    expect(unexplained(compared)).toEqual([]);
    expect(tilePanels(compared).length).toBeGreaterThan(0);
    expect(empty(compared)).toEqual([]);
    // The raw-counter panels differ, and where the count is small and whole, VictoriaMetrics' is the exact one.
    const topFailing = panels.find((panel) => panel.panelTitle === 'Top failing endpoints');
    expect(topFailing).toBeDefined();
    if (topFailing !== undefined) {
      const failing = await panelAnswer(victoriaMetrics, topFailing, new Date(Date.now() - 20_000));
      const notFound = [...failing].find(([labels]) => labels.includes(ENDPOINTS.directory) && labels.includes('"404"'))?.[1][1];
      expect(notFound).toBe(sent.reduce((sum, traffic) => sum + (traffic.responses.get(responseKey(ENDPOINTS.directory, 404)) ?? 0), 0));
    }
  });

  it('holds the rules\' outputs from the edges, each with its cluster, and vmalert takes the same rule files', async () => {
    for (const cluster of ['edge-0', 'edge-1']) {
      expect(vectorElements(await victoriaMetrics.query(`count(${USAGE_TILES}{cluster="${cluster}"})`)).length, cluster).toBe(1);
    }
    await checkRulesWithVmalert(yamlFilesIn(join(PROMETHEUS_DIR, 'rules')));
  });
});
