/**
 * Beyond one Prometheus, run for real: edge Prometheus servers (Debian's 2.42), each next to its app and running the
 * project's prometheus.yml with its commented scale-out blocks (external_labels, remote_write) switched on as the
 * README says, remote-write to a central store. Debian packages no Mimir, Thanos or VictoriaMetrics, so the central
 * store is Debian's Prometheus with --web.enable-remote-write-receiver, behind the basic auth of the committed
 * prometheus/web.yml (the edges send its development password from their password file). It scrapes nothing and
 * runs no rules: the edges evaluate the rules and ship their outputs.
 *
 * What the test changes, and only in its copies: targets, ports, secret files, the central's URL and the edges'
 * `cluster` values; and, to keep the file to about two minutes, 5s scrapes and rule groups every 10s and 20s
 * (expressions untouched). One run serves the scenarios, in order:
 *
 *   outage    edge-a scrapes app A; the central store is down for a minute while app A keeps counting; afterwards
 *             the store holds every sample edge-a has, and `quietcount report` and every dashboard query answer
 *             the same against either
 *   second    edge-b (another app, the same event ids) adds up in the store: raw sums, the report and the product
 *             usage panels are edge-a's plus edge-b's
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIsoDay, utcDayStart } from '../../../../cli/src/days.ts';
import { buildDashboards } from '../../../../cli/src/generate/dashboards/dashboards.ts';
import { RULE_STEP } from '../../../../cli/src/generate/dashboards/prometheus-names.ts';
import { DAILY_USAGE, USAGE_TILES } from '../../../../cli/src/generate/rules/rule-names.ts';
import { dashboardTargets, grafanaRange, interpolate, type DashboardTarget } from '../../../../cli/src/generate/dashboards/targets.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { DEVELOPMENT_PASSWORD } from '../../../../test/support/alertmanager.ts';
import { startProjectPrometheus } from '../support/project-prometheus.ts';
import { PROMETHEUS_DIR, type TestTuning } from '../../../../test/support/prometheus-config.ts';
import { pollUntil, sendBetweenScrapes, vectorElements } from '../support/prometheus-queries.ts';
import { startPrometheus, type PrometheusServer, type QueryData } from '../../../../test/support/prometheus.ts';
import { referenceModel } from '../support/catalog.ts';
import { runReport } from '../support/report.ts';
import { ENDPOINTS, SentTraffic } from '../support/sent-traffic.ts';

const METRICS_TOKEN = 'remote-write-metrics-token-0123456789';
/** prometheus/web.yml's user; its committed hash is the development password's. */
const CENTRAL_USER = 'quietcount';
/** The days group's rules: 5-minute tiles, and one sample per UTC day just before midnight. */
const TILES_RULE = USAGE_TILES;
const UTC_DAY_RULE = DAILY_USAGE;

const TUNING: TestTuning = {
  scrapeInterval: '5s',
  scrapeTimeout: '5s',
  groupIntervals: { 'quietcount-rates': '10s', 'quietcount-windows': '20s', 'quietcount-days': '20s', 'quietcount-alerts': '10s' },
};
const OUTAGE_MS = 60_000;
const UNKNOWN_EVENT = 999_999;
/** Scrapes, rule groups and remote_write's retries (at most 5 s apart) after the store is back, with room. */
const CATCH_UP_MS = 45_000;
/** The dashboards' variables, as Grafana fills them in for the last hour. */
const DASHBOARD_VARIABLES: Readonly<Record<string, string>> = { event_id: '.*', __rate_interval: '1m', __interval: RULE_STEP, __range: '1h' };
const RANGE_SECONDS = 3600;
const DAY_SECONDS = 86_400;
const STEP_SECONDS = 15;
const PRODUCT_USAGE = 'quietcount-product-usage';
/**
 * Sums of floating-point rates may add their terms in another order in the store (its series carry `cluster` and
 * sort differently): equal to this relative precision. Counts are compared exactly.
 */
const RELATIVE_PRECISION = 1e-9;

interface Series {
  readonly metric: Record<string, string>;
  readonly values?: [number, string][];
  readonly value?: [number, string];
}

const cleanups: (() => Promise<void>)[] = [];
let workDir: string;
let basicAuthFile: string;
let central: PrometheusServer;
let appA: TestApp;
let edgeA: PrometheusServer;
let appB: TestApp;
let edgeB: PrometheusServer;
let testStartMs: number;
const sentA = new SentTraffic();
const sentB = new SentTraffic();
let samplesDuringOutage = 0;

const instance = (app: TestApp): string => new URL(app.metricsUrl).host;

async function startEdge(name: string, app: TestApp): Promise<PrometheusServer> {
  const edge = await startProjectPrometheus({
    workDir: join(workDir, name),
    metricsToken: METRICS_TOKEN,
    appTargets: [instance(app)],
    scaleOut: { url: `${central.url}/api/v1/write`, externalLabels: { cluster: name }, password: DEVELOPMENT_PASSWORD },
    tuning: TUNING,
  });
  cleanups.push(() => edge.close());
  return edge;
}

/** Usage of every kind on events 1 and 2 of the reference app, and a 404. */
async function usageRound(app: TestApp, sent: SentTraffic): Promise<void> {
  const ada = await sent.signUp(app, 1);
  await sent.signUp(app, 2);
  await sent.view(app, 1);
  await sent.view(app, 2);
  await sent.search(app, 1, 'Person');
  await sent.setVisibility(app, 1, ada, true);
  await sent.setVisibility(app, 1, ada, false);
  await sent.setConsent(app, 1, ada, true);
  await sent.setConsent(app, 1, ada, false);
  await sent.send(app, { method: 'GET', path: `/api/events/${String(UNKNOWN_EVENT)}/directory`, endpoint: ENDPOINTS.directory, status: 404 });
}

/** `value` of the one element an instant query answers (or undefined). */
async function single(server: PrometheusServer, expr: string): Promise<number | undefined> {
  const [element] = vectorElements(await server.query(expr));
  return element === undefined ? undefined : Number(element.value[1]);
}

/** How far behind the store an edge is, as the telemetry-health panel shows it. */
const lagPanel = (): DashboardTarget => target('Remote write lag');
const target = (title: string, legend?: string): DashboardTarget => {
  const found = dashboardTargets(buildDashboards(referenceModel).values()).find(
    (candidate) => candidate.panelTitle === title && (legend === undefined || candidate.legendFormat === legend),
  );
  if (found === undefined) throw new Error(`no dashboard panel "${title}"`);
  return found;
};
const lagOf = async (edge: PrometheusServer): Promise<number> => (await single(edge, interpolate(lagPanel().expr, DASHBOARD_VARIABLES))) ?? Number.NaN;

/** Every raw sample a server holds over the `seconds` before `at`, per series (labels but `cluster`), sorted. */
async function allSamples(server: PrometheusServer, at: Date, seconds: number): Promise<string[]> {
  const data = await server.query(`{__name__=~".+"}[${String(seconds)}s]`, at);
  return (data.result as Series[])
    .map(({ metric, values }) => {
      const { cluster: _cluster, ...labels } = metric;
      return JSON.stringify([Object.entries(labels).sort(), values]);
    })
    .sort();
}

/** A query's answer as `labels → values`, for comparisons within RELATIVE_PRECISION. */
function byLabels(data: QueryData): Map<string, number[]> {
  return new Map(
    (data.result as Series[]).map(({ metric, values, value }) => [
      JSON.stringify(Object.entries(metric).sort()),
      (values ?? (value === undefined ? [] : [value])).flatMap(([time, text]) => [time, Number(text)]),
    ]),
  );
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

/** `labels → values` summed over several answers (edges adding up: the store's series carry their `cluster`). */
function summedAnswers(answers: readonly Map<string, number[]>[]): Map<string, number[]> {
  const sum = new Map<string, number[]>();
  for (const answer of answers) {
    for (const [key, numbers] of answer) {
      const before = sum.get(key);
      if (before === undefined) {
        sum.set(key, [...numbers]);
        continue;
      }
      // Range answers are [time, value, time, value, ...]: add the values of equal times, keep the others.
      const points = new Map<number, number>();
      for (const list of [before, numbers]) for (let index = 0; index < list.length; index += 2) points.set(list[index] ?? 0, (points.get(list[index] ?? 0) ?? 0) + (list[index + 1] ?? 0));
      sum.set(key, [...points].sort(([a], [b]) => a - b).flat());
    }
  }
  return sum;
}

/**
 * A panel's answer for the hour before `at` at 15 s steps; a daily panel's as Grafana asks it, its range aligned to
 * UTC midnights (so that its last step is today's). A daily panel reads forwards from its steps: today's part holds
 * every tile recorded so far, after `at` too.
 */
async function panelAnswer(server: PrometheusServer, panel: DashboardTarget, at: Date): Promise<Map<string, number[]>> {
  const expr = interpolate(panel.expr, DASHBOARD_VARIABLES);
  if (panel.instant) return byLabels(await server.query(expr, at));
  const from = new Date(at.getTime() - RANGE_SECONDS * 1000);
  const range = panel.minStepSeconds >= DAY_SECONDS ? grafanaRange(panel, from, at, STEP_SECONDS) : { start: from, end: at, stepSeconds: STEP_SECONDS };
  return byLabels(await server.queryRange(expr, range.start, range.end, range.stepSeconds));
}

interface ReportRow {
  readonly event_name: string;
  readonly event_id: string;
  readonly event_date: string;
  readonly count: number;
}

/** `quietcount report --format json` from the test's first day to today: `name/id/day` → count. */
async function report(server: PrometheusServer, withAuth: boolean): Promise<Map<string, number>> {
  const run = await runReport([
    `--prometheus=${server.url}`,
    `--from=${formatIsoDay(testStartMs)}`,
    `--to=${formatIsoDay(Date.now())}`,
    '--format=json',
    ...(withAuth ? [`--basic-auth-file=${basicAuthFile}`] : []),
  ]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const { rows } = JSON.parse(run.stdout) as { rows: ReportRow[] };
  return new Map(rows.map((row) => [`${row.event_name}/${row.event_id}/${row.event_date}`, row.count]));
}

function summedCounts(tallies: readonly Map<string, number>[]): Map<string, number> {
  const sum = new Map<string, number>();
  for (const tally of tallies) for (const [key, count] of tally) sum.set(key, (sum.get(key) ?? 0) + count);
  return sum;
}

const rawSums = async (server: PrometheusServer, selector = ''): Promise<Map<string, number>> =>
  new Map(
    vectorElements(await server.query(`sum by (event_name, event_id) (analytics_events_total${selector})`)).map(({ metric, value }) => [
      `${metric.event_name ?? ''}/${metric.event_id ?? ''}`,
      Number(value[1]),
    ]),
  );

beforeAll(async () => {
  testStartMs = Date.now();
  workDir = await mkdtemp(join(tmpdir(), 'quietcount-remote-write-'));
  cleanups.push(() => rm(workDir, { recursive: true, force: true }));
  basicAuthFile = join(workDir, 'central-basic-auth');
  await writeFile(basicAuthFile, `${CENTRAL_USER}:${DEVELOPMENT_PASSWORD}\n`, { mode: 0o600 });

  central = await startPrometheus({
    extraFlags: ['--web.enable-remote-write-receiver', `--web.config.file=${join(PROMETHEUS_DIR, 'web.yml')}`],
    basicAuth: { username: CENTRAL_USER, password: DEVELOPMENT_PASSWORD },
  });
  cleanups.push(() => central.close());

  appA = await startTestApp({ METRICS_TOKEN });
  edgeA = await startEdge('edge-a', appA);
  // After the first scrape, so every series has a first sample before the counted traffic.
  await sendBetweenScrapes(edgeA, instance(appA), () => usageRound(appA, sentA));
}, 90_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('edge Prometheus servers remote-writing to a central store', () => {
  it('loses no sample while the central store is down for a minute: remote_write keeps them in the WAL and retries', { timeout: OUTAGE_MS + 3 * CATCH_UP_MS }, async () => {
    // The store has edge-a's samples, with edge-a's external label, before the outage.
    await central.waitForValue('count(up{cluster="edge-a", job="quietcount"})', 1, CATCH_UP_MS);

    await central.stop();
    const outageStart = Date.now();
    const retried = target('Remote write samples retried, failed, dropped', 'retried');
    let lagSeen = 0;
    let retriesSeen = 0;
    for (let round = 0; round < 3; round++) {
      await new Promise((resolve) => setTimeout(resolve, outageStart + (round + 1) * 15_000 - Date.now()));
      await usageRound(appA, sentA);
      lagSeen = await lagOf(edgeA);
      retriesSeen = (await single(edgeA, interpolate(retried.expr, DASHBOARD_VARIABLES))) ?? 0;
    }
    await new Promise((resolve) => setTimeout(resolve, outageStart + OUTAGE_MS - Date.now()));
    samplesDuringOutage = (await single(edgeA, `count_over_time(analytics_events_total{event_name="event_signup", event_id="1"}[${String(Math.round((Date.now() - outageStart) / 1000))}s])`)) ?? 0;
    // The telemetry-health panels show the outage: the store falls behind, and remote_write retries.
    expect(lagSeen).toBeGreaterThan(30);
    expect(retriesSeen).toBeGreaterThan(0);
    expect(samplesDuringOutage).toBeGreaterThanOrEqual(10);

    await central.restart();
    const lag = await pollUntil(() => lagOf(edgeA), (seconds) => seconds < 10, CATCH_UP_MS);
    expect(lag).toBeLessThan(10);

    // Every sample edge-a holds since the test began, scraped or recorded by its rules, the outage included.
    const at = new Date(Date.now() - 10_000);
    const window = Math.ceil((at.getTime() - testStartMs) / 1000) + 60;
    const expected = await allSamples(edgeA, at, window);
    expect(expected.length).toBeGreaterThan(100);
    const stored = await pollUntil(() => allSamples(central, at, window), (samples) => samples.length === expected.length && samples.every((sample, index) => sample === expected[index]), CATCH_UP_MS);
    expect(stored).toEqual(expected);
  });

  it("answers quietcount report and every dashboard query as edge-a does; the rules ran on the edge, not in the store", { timeout: 2 * CATCH_UP_MS }, async () => {
    expect(await report(central, true)).toEqual(await report(edgeA, false));
    expect(await rawSums(central)).toEqual(await rawSums(edgeA));

    const at = new Date(Date.now() - 15_000);
    const panels = dashboardTargets(buildDashboards(referenceModel).values());
    // Polled: today's part of the daily panels reads every tile recorded so far, which reaches the store a second or
    // two after edge-a records it (every 20 s).
    const compare = (): Promise<{ panel: DashboardTarget; name: string; series: number; problems: string[] }[]> =>
      Promise.all(
        panels.map(async (panel) => {
          const [edge, store] = [await panelAnswer(edgeA, panel, at), await panelAnswer(central, panel, at)];
          return { panel, name: `${panel.dashboardUid} / ${panel.panelTitle} / ${panel.refId}`, series: edge.size, problems: differences(store, edge) };
        }),
      );
    const compared = await pollUntil(compare, (answers) => answers.every(({ problems }) => problems.length === 0), CATCH_UP_MS);
    expect(compared.filter(({ problems }) => problems.length > 0).map(({ name, problems }) => ({ name, problems }))).toEqual([]);
    // Not vacuous: every panel has data but those that cannot yet. A metric newer than this Prometheus (Retention in
    // force on 2.42), and the whole UTC days alone (the daily bars' query A), whose rule writes its one sample a day
    // just before midnight: today so far, from the tiles, has data.
    const midnightSinceStart = utcDayStart(at.getTime()) >= testStartMs;
    const wholeDaysOnly = (panel: DashboardTarget): boolean => panel.expr.includes(UTC_DAY_RULE) && !panel.expr.includes(TILES_RULE);
    const cannotHaveData = (panel: DashboardTarget): boolean => panel.minimumPrometheusVersion !== undefined || (!midnightSinceStart && wholeDaysOnly(panel));
    const unexplained = compared.filter(({ panel, series }) => series === 0 && !cannotHaveData(panel));
    expect(unexplained.map(({ name }) => name)).toEqual([]);

    // The store evaluates nothing: the rules' outputs it holds are edge-a's, labelled by it.
    expect((await central.get('/api/v1/rules')) as { groups: unknown[] }).toEqual({ groups: [] });
    expect(await single(central, `count(${TILES_RULE}{cluster="edge-a"})`)).toBeGreaterThan(0);
    expect(await single(central, `count(${TILES_RULE}{cluster!="edge-a"})`)).toBeUndefined();
  });

  it('adds a second edge up: raw sums, the report and the product usage panels are the two edges\' together', { timeout: 3 * CATCH_UP_MS }, async () => {
    appB = await startTestApp({ METRICS_TOKEN });
    edgeB = await startEdge('edge-b', appB);
    // Twice, each after a scrape: rate() and increase() have two rounds to see.
    await sendBetweenScrapes(edgeB, instance(appB), () => usageRound(appB, sentB));
    await sendBetweenScrapes(edgeB, instance(appB), () => usageRound(appB, sentB));
    // Edge-b has scraped every count it was sent (its new series showed 0 first, then their counts).
    const sentToB = [...sentB.usage.values()].reduce((sum, count) => sum + count, 0);
    const total = (sums: Map<string, number>): number => [...sums.values()].reduce((sum, count) => sum + count, 0);
    await pollUntil(async () => total(await rawSums(edgeB)), (counted) => counted === sentToB, CATCH_UP_MS);
    // Both apps count on events 1 and 2: the same label sets but `instance` and `cluster`.
    const perEdge = async (): Promise<Map<string, number>> => summedCounts([await rawSums(edgeA), await rawSums(edgeB)]);
    const together = await pollUntil(
      async () => ({ store: await rawSums(central), edges: await perEdge() }),
      ({ store, edges }) => store.size === edges.size && [...edges].every(([key, count]) => store.get(key) === count),
      CATCH_UP_MS,
    );
    expect(together.store).toEqual(together.edges);
    expect(await rawSums(central, '{cluster="edge-b"}')).toEqual(await rawSums(edgeB));

    expect(await report(central, true)).toEqual(summedCounts([await report(edgeA, false), await report(edgeB, false)]));

    // The rules of edge-b have run on its traffic (its 20s group), and the store has their outputs.
    const dailyRule = `sum(${TILES_RULE})`;
    expect(await pollUntil(async () => (await single(edgeB, dailyRule)) ?? 0, (total) => total > 0, CATCH_UP_MS)).toBeGreaterThan(0);
    await pollUntil(() => lagOf(edgeB), (seconds) => seconds < 10, CATCH_UP_MS);
    const at = new Date(Date.now() - 15_000);
    const panels = dashboardTargets(buildDashboards(referenceModel).values()).filter((panel) => panel.dashboardUid === PRODUCT_USAGE);
    expect(panels.length).toBeGreaterThan(0);
    // Today's part reads every tile recorded so far (the edges add one every 20 s): compared once the store has the
    // edges' newest, a second or two after they record it.
    const compare = (): Promise<string[]> =>
      Promise.all(
        panels.map(async (panel) => {
          const edges = summedAnswers([await panelAnswer(edgeA, panel, at), await panelAnswer(edgeB, panel, at)]);
          const store = await panelAnswer(central, panel, at);
          return differences(store, edges).map((problem) => `${panel.panelTitle} / ${panel.refId}: ${problem}`);
        }),
      ).then((problems) => problems.flat());
    expect(await pollUntil(compare, (problems) => problems.length === 0, CATCH_UP_MS)).toEqual([]);
  });
});
