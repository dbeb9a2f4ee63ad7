/**
 * Prometheus side, on the real binary: 180 days of `analytics_events_total` backfilled with promtool (openmetrics),
 * the recording rules the Product usage dashboard reads backfilled with promtool (rules, evaluated by the running
 * server over the whole history at their own interval), then disk per series-day and the time of every Product
 * usage query over 180 days, as Grafana sends them ("All" events). Goal: each query under 1 s.
 *
 * Cardinality: every catalog event name × 100 event ids × 2 replicas. Samples are 5 min apart, not prometheus.yml's
 * 15 s: 180 days at 15 s would be 1.45 billion samples (≈ 170 GB of OpenMetrics text, hours of promtool on 2 cores);
 * at 5 min, 73 million import in about a minute. The dashboard reads only the daily rule, whose density (one sample
 * per rule interval) does not depend on the scrape interval; disk at 15 s is projected from the measured bytes per
 * sample (an upper bound: a sample 15 s after the last one changes less, and compresses better).
 */
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { eventNames, referenceModel } from '../test/support/reference-catalog.ts';
import { DAILY_USAGE, SCRAPE_INTERVAL } from '../src/generate/dashboards/prometheus-names.ts';
import { buildDashboards } from '../src/generate/dashboards/dashboards.ts';
import { dashboardUid } from '../src/generate/dashboards/new-dashboard.ts';
import { dashboardTargets, interpolate, type DashboardTarget } from '../src/generate/dashboards/targets.ts';
import { analysePromQL } from '../test/support/rules/promql.ts';
import { yamlFilesIn } from '../test/support/rules/rule-files.ts';
import { startPrometheus, type PrometheusServer } from '../test/support/prometheus.ts';
import { PROMETHEUS_DIR } from '../test/support/prometheus-config.ts';
import { fixed, median, table } from './support.ts';
import { BLOCK_SECONDS, blocksIn, bytesIn, importOpenMetrics, importRules, type Block } from './tsdb.ts';
import { seriesCount, usageHistoryFiles, type HistoryShape } from './usage-history.ts';

const DAY = 86_400;
const INTERVAL_SECONDS = 300;
const SHAPE: HistoryShape = {
  ids: 100,
  instances: 2,
  days: 180,
  intervalSeconds: INTERVAL_SECONDS,
  end: Math.floor(Date.now() / 1000 / INTERVAL_SECONDS) * INTERVAL_SECONDS,
};
/** Two promtool processes at a time: one per core. */
const PARALLEL = 2;
const QUERY_ROUNDS = 5;
const GOAL_MS = 1_000;
const COMPACTION_TIMEOUT_MS = 180_000;
/** Grafana's values: the "All" choice of the event variable, and the dashboard's time range. */
const VARIABLES = { event_id: '.*', __range: `${String(SHAPE.days)}d` };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const secondsSince = (since: number) => (performance.now() - since) / 1000;
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** `15s`, `2m`, `1h` → seconds. */
function durationSeconds(duration: string): number {
  const match = /^(\d+)([smhd])$/.exec(duration);
  if (match === null) throw new Error(`unsupported duration ${duration}`);
  return Number(match[1]) * { s: 1, m: 60, h: 3_600, d: DAY }[match[2] as 's' | 'm' | 'h' | 'd'];
}

/** Runs `run` over `tasks` with at most PARALLEL at a time. */
async function inParallel<T>(tasks: Iterable<T> | AsyncIterable<T>, run: (task: T) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  for await (const task of tasks) {
    while (running.size >= PARALLEL) await Promise.race(running);
    const started: Promise<void> = run(task).finally(() => running.delete(started));
    running.add(started);
  }
  await Promise.all(running);
}

interface RuleGroup {
  name: string;
  interval?: string;
  rules: { record?: string; alert?: string }[];
}

/** The project's rule groups cut down to the recording rules `queries` read, each group keeping its interval. */
async function rulesReadBy(queries: string[], file: string): Promise<string[]> {
  const read = new Set(queries.flatMap((query) => analysePromQL(query).selectors.flatMap((selector) => selector.metric ?? [])));
  const files = yamlFilesIn(join(PROMETHEUS_DIR, 'rules'));
  const groups = (await Promise.all(files.map(async (path) => (parse(await readFile(path, 'utf8')) as { groups: RuleGroup[] }).groups)))
    .flat()
    .map((group) => ({ ...group, rules: group.rules.filter(({ record }) => record !== undefined && read.has(record)) }))
    .filter((group) => group.rules.length > 0);
  await writeFile(file, stringify({ groups }));
  return groups.flatMap((group) => group.rules.map(({ record }) => `${record ?? ''} (every ${group.interval ?? '1m'})`));
}

/**
 * Waits until Prometheus has loaded the rule blocks moved into its data dir and merged them into the blocks of the
 * same time windows (a vertical compaction, on its one-minute reload cycle): queries then see the layout a server
 * that recorded the rules itself would have.
 */
async function untilMerged(prometheus: PrometheusServer, windows: number, at: Date): Promise<void> {
  const deadline = Date.now() + COMPACTION_TIMEOUT_MS;
  let loaded = Number.NaN;
  while (Date.now() < deadline) {
    const selfMetrics = await (await fetch(`${prometheus.url}/metrics`)).text();
    loaded = Number(/^prometheus_tsdb_blocks_loaded (\S+)$/m.exec(selfMetrics)?.[1]);
    const { result } = await prometheus.query(`count(${DAILY_USAGE})`, at);
    if (loaded === windows && (result as unknown[]).length > 0) return;
    await sleep(1_000);
  }
  throw new Error(`Prometheus had ${String(loaded)} blocks, not ${String(windows)}, ${String(COMPACTION_TIMEOUT_MS)} ms after the rule blocks were added`);
}

interface QueryRun {
  readonly ms: number;
  readonly samples: number;
  readonly series: number;
}

async function timedQuery(prometheus: PrometheusServer, params: Record<string, string>, instant: boolean): Promise<QueryRun> {
  const path = `/api/v1/${instant ? 'query' : 'query_range'}?${new URLSearchParams({ ...params, stats: 'all' }).toString()}`;
  const started = performance.now();
  const data = (await prometheus.get(path)) as { result: unknown[]; stats?: { samples?: { totalQueryableSamples?: number } } };
  return { ms: performance.now() - started, samples: data.stats?.samples?.totalQueryableSamples ?? Number.NaN, series: data.result.length };
}

/** The history, imported into `dataDir` while the next window's file is written. */
async function backfillHistory(root: string, dataDir: string) {
  const started = performance.now();
  await inParallel(usageHistoryFiles(SHAPE, root, BLOCK_SECONDS), async (file) => {
    await importOpenMetrics(file.path, dataDir);
    await rm(file.path);
  });
  const seconds = secondsSince(started);
  return { blocks: await blocksIn(dataDir), bytes: await bytesIn(dataDir), seconds };
}

/**
 * The rules evaluated by `prometheus` over the whole history, in two halves split on a block boundary (so neither
 * writes a block the other writes too), then moved into its data dir.
 */
async function backfillRules(prometheus: PrometheusServer, rulesFile: string, root: string) {
  const started = performance.now();
  const start = SHAPE.end - SHAPE.days * DAY;
  const middle = Math.round((start + SHAPE.end) / 2 / BLOCK_SECONDS) * BLOCK_SECONDS;
  const blocks: Block[] = [];
  let bytes = 0;
  const halves = [[start, middle - 1], [middle, SHAPE.end]] as const;
  await inParallel(halves.entries(), async ([index, [from, to]]) => {
    const outputDir = join(root, `rules-${String(index)}`);
    await importRules(rulesFile, prometheus.url, from, to, outputDir);
    blocks.push(...(await blocksIn(outputDir)));
    bytes += await bytesIn(outputDir);
  });
  const seconds = secondsSince(started);
  for (const block of blocks) await rename(block.dir, join(prometheus.dataDir, basename(block.dir)));
  return { blocks, bytes, seconds };
}

interface DashboardQuery {
  readonly target: DashboardTarget;
  /** With the variables filled in. */
  readonly query: string;
  readonly params: Record<string, string>;
}

/** `target` as Grafana sends it over the whole history. A range query's start and end are rounded down to its step. */
function asSent(target: DashboardTarget): DashboardQuery {
  const query = interpolate(target.expr, VARIABLES);
  const rangeEnd = Math.floor(SHAPE.end / DAY) * DAY;
  const params: Record<string, string> = target.instant
    ? { query, time: String(SHAPE.end) }
    : { query, start: String(rangeEnd - SHAPE.days * DAY), end: String(rangeEnd), step: String(DAY) };
  return { target, query, params };
}

/** Median time of each query: one warm-up round (the first touch of each block's index), then interleaved rounds. */
async function measure(prometheus: PrometheusServer, queries: DashboardQuery[]) {
  const runs = queries.map(() => [] as QueryRun[]);
  for (let round = 0; round <= QUERY_ROUNDS; round += 1) {
    for (const [index, { target, params }] of queries.entries()) {
      const run = await timedQuery(prometheus, params, target.instant);
      if (round > 0) runs[index]?.push(run);
    }
  }
  return queries.map((query, index) => {
    const measured = runs[index] ?? [];
    return { ...query, ms: median(measured.map((run) => run.ms)), samples: measured[0]?.samples ?? Number.NaN, series: measured[0]?.series ?? Number.NaN };
  });
}

const root = await mkdtemp(join(tmpdir(), 'quietcount-bench-prometheus-'));
let prometheus: PrometheusServer | undefined;
try {
  const dataDir = join(root, 'data');
  await mkdir(dataDir);
  const history = await backfillHistory(root, dataDir);

  prometheus = await startPrometheus({ dataDir });
  const dashboardQueries = dashboardTargets(buildDashboards(referenceModel).values())
    .filter((target) => target.dashboardUid === dashboardUid(referenceModel, 'product-usage'))
    .map(asSent);
  const rulesFile = join(root, 'rules.yml');
  const rules = await rulesReadBy(dashboardQueries.map(({ query }) => query), rulesFile);
  const recorded = await backfillRules(prometheus, rulesFile, root);
  const windows = new Set([...history.blocks, ...recorded.blocks].map((block) => Math.floor(block.minTime / 1000 / BLOCK_SECONDS)));
  const waitStarted = performance.now();
  await untilMerged(prometheus, windows.size, new Date(SHAPE.end * 1000));
  const mergeWait = secondsSince(waitStarted);
  const totalBytes = await bytesIn(dataDir);
  const queries = await measure(prometheus, dashboardQueries);

  const rawSeries = seriesCount(SHAPE);
  const rawSamples = sum(history.blocks.map((block) => block.samples));
  const ruleSeries = Math.max(...recorded.blocks.map((block) => block.series));
  const ruleSamples = sum(recorded.blocks.map((block) => block.samples));
  const perSeriesDay = (bytes: number, series: number) => fixed(bytes / (series * SHAPE.days), 0);
  const perSample = (bytes: number, samples: number) => fixed(bytes / samples, 2);
  const projectedPerSeriesDay = (history.bytes / rawSamples) * (DAY / durationSeconds(SCRAPE_INTERVAL));
  const diskRows = [
    [`analytics_events_total, a sample every ${String(INTERVAL_SECONDS / 60)} min`, rawSeries, rawSamples, history.bytes, perSample(history.bytes, rawSamples), perSeriesDay(history.bytes, rawSeries)],
    [`${DAILY_USAGE} (recording rule)`, ruleSeries, ruleSamples, recorded.bytes, perSample(recorded.bytes, ruleSamples), perSeriesDay(recorded.bytes, ruleSeries)],
    ['whole TSDB after compaction (both, index, WAL)', rawSeries + ruleSeries, rawSamples + ruleSamples, totalBytes, perSample(totalBytes, rawSamples + ruleSamples), ''],
    [`analytics_events_total at prometheus.yml's ${SCRAPE_INTERVAL} (projected from bytes/sample: an upper bound)`, rawSeries, '', '', perSample(history.bytes, rawSamples), fixed(projectedPerSeriesDay, 0)],
  ];
  const queryRows = queries.map(({ target, ms, samples, series }) => [
    `${target.panelTitle} (${target.refId})`,
    target.instant ? 'instant' : 'range, step 1d',
    fixed(ms),
    samples,
    series,
    `< ${String(GOAL_MS)} ms ${ms < GOAL_MS ? 'met' : 'MISSED'}`,
  ]);
  const shapes = [...new Set(queries.map(({ query }) => query.replace(/event_name="[^"]*"/, 'event_name="…"')))];
  process.stdout.write(
    [
      `## Prometheus side: ${String(SHAPE.days)} days backfilled on the real server (${String(rawSeries)} series: ${String(eventNames.length)} event names × ${String(SHAPE.ids)} event ids × ${String(SHAPE.instances)} replicas)`,
      '',
      `History: a sample every ${String(INTERVAL_SECONDS)} s, generated and imported with promtool (openmetrics, ${String(BLOCK_SECONDS / 3_600)} h blocks) in ${fixed(history.seconds)} s. Rules the dashboard reads, evaluated by Prometheus over the ${String(SHAPE.days)} days with promtool (rules): ${rules.join(', ')}, in ${fixed(recorded.seconds)} s; merged into the server's blocks ${fixed(mergeWait)} s later.`,
      '',
      table(['data', 'series', 'samples', 'bytes', 'bytes/sample', 'bytes per series-day'], diskRows),
      '',
      `Product usage dashboard, every query over ${String(SHAPE.days)} days, event "All" (median of ${String(QUERY_ROUNDS)} interleaved rounds after one warm-up; samples = samples Prometheus read):`,
      '',
      table(['panel (query)', 'kind', 'median ms', 'samples', 'series', 'goal'], queryRows),
      '',
      'Queries (event_name differs per panel):',
      ...shapes.map((shape) => `- \`${shape}\``),
      '',
    ].join('\n'),
  );
} finally {
  await prometheus?.close();
  await rm(root, { recursive: true, force: true });
}
