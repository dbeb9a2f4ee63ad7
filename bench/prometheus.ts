/**
 * Prometheus side, on the real binary, at the full default bound: every catalog event name × 1,001 series (1,000 event
 * ids and `__other__`) × 2 replicas, 180 days, then the time of every Product usage query ("All" event ids) and every
 * per-event query (one id) over 180 days as Grafana sends them, today so far included, disk per series-day of the raw
 * counter and of the rules the dashboards read, and what evaluating those rules costs against the queries they save.
 * Goals: each query under 1 s; each roll-up no more disk per series-day than the raw counter at prometheus.yml's
 * scrape interval; day edges a few minutes from midnight at most; the rules cheaper than the queries they save.
 *
 * What is real and what is generated. 180 days of the raw counter at 15 s would be 14.5 billion samples (hours of
 * promtool on 2 cores), and the day rule's tiles need a sample every 2.5 min or closer. So:
 * - the last day is the raw counter at 15 s, all 14,014 series, imported with promtool (openmetrics); the tiles and
 *   that day's day rule are computed from it by this Prometheus, with promtool (rules) and the project's own rules
 *   (two passes: the day rule reads the tiles, and promtool only sees what the server already has);
 * - the 179 days before are the day rule only, one sample per series and day, written by the generator with the
 *   day's events (bench/usage-history.ts), imported with promtool (openmetrics). The daily panels read only the
 *   day rule, whose density (one sample per day) does not depend on where its values came from.
 */
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { eventNames, referenceModel } from '../examples/event-directory/test/support/catalog.ts';
import { SCRAPE_INTERVAL } from '../cli/src/generate/dashboards/prometheus-names.ts';
import { DAILY_USAGE, USAGE_TILES } from '../cli/src/generate/rules/rule-names.ts';
import { buildDashboards } from '../cli/src/generate/dashboards/dashboards.ts';
import { dashboardUid } from '../cli/src/generate/dashboards/new-dashboard.ts';
import { dashboardTargets, grafanaRange, interpolate, type DashboardTarget } from '../cli/src/generate/dashboards/targets.ts';
import { DEFAULT_MAX_EVENT_IDS } from '../src/schema/bounds.ts';
import { startPrometheus, type PrometheusServer } from '../test/support/prometheus.ts';
import { PROMETHEUS_DIR } from '../test/support/prometheus-config.ts';
import { fixed, inParallel, median, table } from './support.ts';
import { BLOCK_SECONDS, blocksIn, bytesIn, chunkBytesIn, importOpenMetrics, importRules, type Block } from './tsdb.ts';
import { ruleSeriesCount, seriesCount, UsageHistory, type HistoryFile, type HistoryShape } from './usage-history.ts';

const benchStarted = performance.now();
const DAY = 86_400;
const MINUTE = 60;
/** `15s`, `2m`, `1h` → seconds. */
function durationSeconds(duration: string): number {
  const match = /^(\d+)([smhd])$/.exec(duration);
  if (match === null) throw new Error(`unsupported duration ${duration}`);
  return Number(match[1]) * { s: 1, m: 60, h: 3_600, d: DAY }[match[2] as 's' | 'm' | 'h' | 'd'];
}
const SCRAPE_SECONDS = durationSeconds(SCRAPE_INTERVAL);
const SHAPE: HistoryShape = {
  ids: DEFAULT_MAX_EVENT_IDS + 1,
  instances: 2,
  days: 180,
  end: Math.floor(Date.now() / 1000 / DAY) * DAY,
  // A day, and ten minutes before it so that its first tile has its samples.
  rawSeconds: DAY + 10 * MINUTE,
  scrapeSeconds: SCRAPE_SECONDS,
  dayRuleLeadSeconds: 137,
};
/** Two promtool processes at a time: one per core. */
const PARALLEL = 2;
const QUERY_ROUNDS = 5;
const RULE_ROUNDS = 3;
const GOAL_MS = 1_000;
/** "A few minutes at most" between a day's edge and midnight. */
const EDGE_GOAL_SECONDS = 5 * MINUTE;
const COMPACTION_TIMEOUT_MS = 300_000;
/**
 * Grafana's values: the dashboard's time range, and the event id variable: "All" on Product usage, one id on the
 * per-event view.
 */
const RANGE = `${String(SHAPE.days)}d`;
const EVENT_ID_CHOICES: Readonly<Record<string, string>> = {
  [dashboardUid(referenceModel, 'product-usage')]: '.*',
  [dashboardUid(referenceModel, 'per-event')]: '1',
};
/**
 * "Now" for the dashboards: the last minute of the raw day, which is then today. Its tiles are all there (today so
 * far reads a whole day of them, its most), and so is its day rule sample (recorded a few minutes before midnight),
 * so the daily panels read both.
 */
const NOW = SHAPE.end - MINUTE;
/** The rule the day rule and the tiles replace, and an hourly roll-up, timed for comparison. */
const REPLACED_DAILY = 'sum by (event_name, event_id) (increase(analytics_events_total[1d]))';
const HOURLY = 'sum by (event_name, event_id) (increase(analytics_events_total[1h]))';
/** One bar of one daily panel, straight from the raw counter: the query the rules save, per panel-day. */
const BAR_FROM_RAW = `sum by (event_id) (increase(analytics_events_total{event_name="${eventNames[0] ?? ''}"}[1d]))`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const secondsSince = (since: number) => (performance.now() - since) / 1000;
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

interface RuleGroup {
  name: string;
  interval?: string;
  rules: { record?: string; expr?: string; alert?: string }[];
}

/** The project's rule group that records `record`. */
async function groupRecording(record: string): Promise<RuleGroup> {
  const { groups } = parse(await readFile(join(PROMETHEUS_DIR, 'rules', 'recording.yml'), 'utf8')) as { groups: RuleGroup[] };
  const group = groups.find((candidate) => candidate.rules.some((rule) => rule.record === record));
  if (group === undefined) throw new Error(`no rule group records ${record}`);
  return group;
}

const ruleExpr = (group: RuleGroup, record: string): string => group.rules.find((rule) => rule.record === record)?.expr ?? '';

interface Imported {
  readonly blocks: Block[];
  readonly bytes: number;
  readonly chunkBytes: number;
  readonly samples: number;
}

async function imported(dir: string): Promise<Imported> {
  const blocks = await blocksIn(dir);
  return { blocks, bytes: await bytesIn(dir), chunkBytes: await chunkBytesIn(dir), samples: sum(blocks.map((block) => block.samples)) };
}

/** Moves every block of `dir` into `dataDir`, where Prometheus loads them on its next reload (once a minute). */
async function moveBlocks(blocks: Block[], dataDir: string): Promise<void> {
  for (const block of blocks) await rename(block.dir, join(dataDir, basename(block.dir)));
}

/**
 * The generator's files imported while the next ones are written: the day rule's 179 days into `daysDir`, then the
 * raw counter's last day into `rawDir`.
 */
async function backfillHistory(history: UsageHistory, root: string, daysDir: string, rawDir: string) {
  const started = performance.now();
  async function* files(): AsyncGenerator<HistoryFile & { readonly into: string }> {
    for await (const file of history.dayRuleFiles(root, DAILY_USAGE, BLOCK_SECONDS)) yield { ...file, into: daysDir };
    for await (const file of history.rawCounterFiles(root)) yield { ...file, into: rawDir };
  }
  await inParallel(PARALLEL, files(), async (file) => {
    await importOpenMetrics(file.path, file.into);
    await rm(file.path);
  });
  return { seconds: secondsSince(started), days: await imported(daysDir), raw: await imported(rawDir) };
}

/** Polls `query` at `at` until it has a result and Prometheus has `windows` blocks (overlapping ones merged). */
async function untilLoaded(prometheus: PrometheusServer, query: string, at: Date, windows?: number): Promise<number> {
  const started = performance.now();
  const deadline = Date.now() + COMPACTION_TIMEOUT_MS;
  let loaded = Number.NaN;
  while (Date.now() < deadline) {
    const selfMetrics = await (await fetch(`${prometheus.url}/metrics`)).text();
    loaded = Number(/^prometheus_tsdb_blocks_loaded (\S+)$/m.exec(selfMetrics)?.[1]);
    const { result } = await prometheus.query(query, at);
    if ((windows === undefined || loaded === windows) && (result as unknown[]).length > 0) return secondsSince(started);
    await sleep(1_000);
  }
  throw new Error(`after ${String(COMPACTION_TIMEOUT_MS)} ms, Prometheus had ${String(loaded)} blocks (wanted ${String(windows)}) or no answer to ${query}`);
}

/**
 * The tiles and the day rule, evaluated by `prometheus` over the raw day with promtool at the group's interval, from
 * the project's rule group: first the tiles (the day rule finds none yet), moved into the data dir and loaded; then
 * the day rule alone, from a file at the same path so that promtool puts it on the same 5-minute grid.
 */
async function backfillRules(prometheus: PrometheusServer, root: string, history: UsageHistory) {
  const group = await groupRecording(USAGE_TILES);
  const rulesFile = join(root, 'rules.yml');
  const pass = async (record: string, from: number, name: string): Promise<Imported & { seconds: number }> => {
    const started = performance.now();
    await writeFile(rulesFile, stringify({ groups: [{ ...group, rules: group.rules.filter((rule) => rule.record === record) }] }));
    const outputDir = join(root, name);
    await importRules(rulesFile, prometheus.url, from, SHAPE.end, outputDir);
    const result = await imported(outputDir);
    await moveBlocks(result.blocks, prometheus.dataDir);
    return { ...result, seconds: secondsSince(started) };
  };
  const tiles = await pass(USAGE_TILES, history.rawFrom + durationSeconds(group.interval ?? '1m'), 'tiles');
  const tilesLoaded = await untilLoaded(prometheus, `count(${USAGE_TILES})`, new Date(SHAPE.end * 1000));
  const days = await pass(DAILY_USAGE, SHAPE.end - 2 * durationSeconds(group.interval ?? '1m'), 'day-rule');
  return { group, tiles, days, tilesLoaded };
}

interface QueryRun {
  /** Wall time of the HTTP request, answer decoded: what Grafana waits for. */
  readonly ms: number;
  /** Prometheus' own time for the query (stats.timings.execTotalTime), without encoding and sending the answer. */
  readonly engineMs: number;
  readonly samples: number;
  /** The most samples the query held at once (stats.samples.peakSamples): a subquery's reads show here, not above. */
  readonly peakSamples: number;
  readonly series: number;
}

async function timedQuery(prometheus: PrometheusServer, params: Record<string, string>, instant: boolean): Promise<QueryRun> {
  const path = `/api/v1/${instant ? 'query' : 'query_range'}?${new URLSearchParams({ ...params, stats: 'all' }).toString()}`;
  const started = performance.now();
  const data = (await prometheus.get(path)) as {
    result: unknown[];
    stats?: { timings?: { execTotalTime?: number }; samples?: { totalQueryableSamples?: number; peakSamples?: number } };
  };
  return {
    ms: performance.now() - started,
    engineMs: (data.stats?.timings?.execTotalTime ?? Number.NaN) * 1000,
    samples: data.stats?.samples?.totalQueryableSamples ?? Number.NaN,
    peakSamples: data.stats?.samples?.peakSamples ?? Number.NaN,
    series: data.result.length,
  };
}

interface SentQuery {
  readonly label: string;
  readonly instant: boolean;
  readonly params: Record<string, string>;
}

/** `target` as Grafana sends it over the whole history. A range query's start and end are rounded down to its step. */
function asSent(target: DashboardTarget): SentQuery & { readonly target: DashboardTarget; readonly query: string } {
  const query = interpolate(target.expr, { event_id: EVENT_ID_CHOICES[target.dashboardUid] ?? '.*', __range: RANGE });
  const range = grafanaRange(target, new Date((NOW - SHAPE.days * DAY) * 1000), new Date(NOW * 1000), DAY);
  const seconds = (date: Date): string => String(date.getTime() / 1000);
  const params: Record<string, string> = target.instant
    ? { query, time: String(NOW) }
    : { query, start: seconds(range.start), end: seconds(range.end), step: String(range.stepSeconds) };
  const view = target.dashboardUid === dashboardUid(referenceModel, 'per-event') ? 'per event, id 1: ' : '';
  return { target, query, params, label: `${view}${target.panelTitle} (${target.refId})`, instant: target.instant };
}

/** Median time of each query: one warm-up round (the first touch of each block's index), then interleaved rounds. */
async function measure<Query extends SentQuery>(prometheus: PrometheusServer, queries: Query[], rounds: number) {
  const runs = queries.map(() => [] as QueryRun[]);
  for (let round = 0; round <= rounds; round += 1) {
    for (const [index, { params, instant }] of queries.entries()) {
      const run = await timedQuery(prometheus, params, instant);
      if (round > 0) runs[index]?.push(run);
    }
  }
  return queries.map((query, index) => {
    const measured = runs[index] ?? [];
    return {
      ...query,
      ms: median(measured.map((run) => run.ms)),
      engineMs: median(measured.map((run) => run.engineMs)),
      samples: measured[0]?.samples ?? Number.NaN,
      peakSamples: measured[0]?.peakSamples ?? Number.NaN,
      series: measured[0]?.series ?? Number.NaN,
    };
  });
}

/** Deletes the samples of `metric` in [start, end] (seconds) through the admin API; queries skip them at once. */
async function deleteSamples(prometheus: PrometheusServer, metric: string, start: number, end: number): Promise<void> {
  const params = new URLSearchParams({ 'match[]': metric, start: String(start), end: String(end) });
  const response = await fetch(`${prometheus.url}/api/v1/admin/tsdb/delete_series?${params.toString()}`, { method: 'POST' });
  if (response.status !== 204) throw new Error(`deleting ${metric} failed: HTTP ${String(response.status)} ${await response.text()}`);
}

/** Seconds between the day rule's last sample before `midnight` and `midnight`, for one series. */
async function dayEdgeSeconds(prometheus: PrometheusServer, midnight: number): Promise<number> {
  const data = (await prometheus.get(`/api/v1/query?${new URLSearchParams({ query: `${DAILY_USAGE}{event_id="1"}[1d]`, time: String(midnight) }).toString()}`)) as {
    result: { values: [number, string][] }[];
  };
  const last = data.result[0]?.values.at(-1)?.[0];
  if (last === undefined) throw new Error(`no ${DAILY_USAGE} sample in the day before ${String(midnight)}`);
  return midnight - last;
}

const root = await mkdtemp(join(tmpdir(), 'quietcount-bench-prometheus-'));
let prometheus: PrometheusServer | undefined;
try {
  const dataDir = join(root, 'data');
  const daysDir = join(root, 'days');
  const rawDir = join(root, 'raw');
  for (const dir of [dataDir, daysDir, rawDir]) await mkdir(dir);
  const history = new UsageHistory(SHAPE);
  const generated = await backfillHistory(history, root, daysDir, rawDir);
  await moveBlocks([...generated.days.blocks, ...generated.raw.blocks], dataDir);

  // The admin API deletes the last day's day rule sample below; nothing else here uses it.
  prometheus = await startPrometheus({ dataDir, extraFlags: ['--web.enable-admin-api'] });
  const recorded = await backfillRules(prometheus, root, history);
  const allBlocks = [...generated.days.blocks, ...generated.raw.blocks, ...recorded.tiles.blocks, ...recorded.days.blocks];
  const windows = new Set(allBlocks.map((block) => Math.floor(block.minTime / 1000 / BLOCK_SECONDS)));
  const end = new Date(SHAPE.end * 1000);
  const mergeWait = await untilLoaded(prometheus, `count(last_over_time(${DAILY_USAGE}[1d]))`, end, windows.size);
  const totalBytes = await bytesIn(dataDir);

  const dashboardQueries = dashboardTargets(buildDashboards(referenceModel).values())
    .filter((target) => target.dashboardUid in EVENT_ID_CHOICES)
    .map(asSent);
  const edge = await dayEdgeSeconds(prometheus, SHAPE.end);
  // The dashboards at the last minute of the raw day, before the day rule records it: today so far is that whole day
  // of tiles, the most it ever reads.
  await deleteSamples(prometheus, DAILY_USAGE, SHAPE.end - DAY + 1, SHAPE.end);
  const queries = await measure(prometheus, dashboardQueries, QUERY_ROUNDS);

  // What the rules cost: each rule's query as the rule engine runs it, at one evaluation time, against what it saves.
  const tileInterval = durationSeconds(recorded.group.interval ?? '1m');
  const evaluations = [
    { label: `${USAGE_TILES} (every ${String(tileInterval / MINUTE)}m)`, expr: ruleExpr(recorded.group, USAGE_TILES), perDay: DAY / tileInterval, at: SHAPE.end },
    // Just before midnight, where it records (elsewhere it computes the same and drops it).
    { label: `${DAILY_USAGE} (every ${String(tileInterval / MINUTE)}m)`, expr: ruleExpr(recorded.group, DAILY_USAGE), perDay: DAY / tileInterval, at: SHAPE.end - MINUTE },
    { label: 'increase1d per id, the rule they replace (every 2m)', expr: REPLACED_DAILY, perDay: DAY / (2 * MINUTE), at: SHAPE.end },
    { label: 'increase1h per id, an hourly roll-up (every 1h)', expr: HOURLY, perDay: 24, at: SHAPE.end },
    { label: 'saved: one day of one daily panel from the raw counter', expr: BAR_FROM_RAW, perDay: 0, at: SHAPE.end },
  ];
  const ruleCosts = await measure(
    prometheus,
    evaluations.map((evaluation) => ({ ...evaluation, instant: true, params: { query: evaluation.expr, time: String(evaluation.at) } })),
    RULE_ROUNDS,
  );
  const costOf = (index: number) => ruleCosts[index]?.engineMs ?? Number.NaN;
  const rulesPerDaySeconds = (costOf(0) * (evaluations[0]?.perDay ?? 0) + costOf(1) * (evaluations[1]?.perDay ?? 0)) / 1000;
  const replacedPerDaySeconds = (costOf(2) * (evaluations[2]?.perDay ?? 0)) / 1000;
  // The Product usage dashboard over 180 days from the raw counter: a bar per day and panel (projected from one).
  const dashboardFromRawSeconds = (costOf(4) * SHAPE.days * eventNames.length) / 1000;

  const rawSeries = seriesCount(SHAPE);
  const ruleSeries = ruleSeriesCount(SHAPE);
  const rawDays = (SHAPE.end - history.rawFrom) / DAY;
  const tileDays = (SHAPE.end - history.rawFrom - tileInterval) / DAY;
  const dayRuleDays = SHAPE.days;
  const rawPerSeriesDay = generated.raw.chunkBytes / rawSeries / rawDays;
  const rows: { label: string; series: number; days: number; imported: Imported; note: string }[] = [
    { label: `analytics_events_total, a sample every ${SCRAPE_INTERVAL} (the last day)`, series: rawSeries, days: rawDays, imported: generated.raw, note: 'the reference' },
    { label: `${USAGE_TILES} (the last day)`, series: ruleSeries, days: tileDays, imported: recorded.tiles, note: '' },
    {
      label: `${DAILY_USAGE} (180 days)`,
      series: ruleSeries,
      days: dayRuleDays,
      imported: { ...generated.days, blocks: [...generated.days.blocks, ...recorded.days.blocks], bytes: generated.days.bytes + recorded.days.bytes, chunkBytes: generated.days.chunkBytes + recorded.days.chunkBytes, samples: generated.days.samples + recorded.days.samples },
      note: ' (a live server also writes a stale marker after each day\'s sample: about 30 B more, computed)',
    },
  ];
  const diskRows = rows.map(({ label, series, days, imported: { samples, chunkBytes, bytes }, note }) => {
    const perSeriesDay = chunkBytes / series / days;
    return [
      label,
      series,
      samples,
      fixed(chunkBytes / samples, 2),
      fixed(perSeriesDay, 1),
      fixed(bytes / series / days, 1),
      note === 'the reference' ? note : `≤ ${fixed(rawPerSeriesDay, 0)} B ${verdict(perSeriesDay <= rawPerSeriesDay)}${note}`,
    ];
  });
  const queryRows = queries.map(({ label, instant, ms, engineMs, samples, peakSamples, series }) => [
    label,
    instant ? 'instant' : 'range, step 1d',
    fixed(ms),
    fixed(engineMs),
    samples,
    peakSamples,
    series,
    `< ${String(GOAL_MS)} ms ${verdict(ms < GOAL_MS)}`,
  ]);
  const costRows = ruleCosts.map(({ label, engineMs, samples }, index) => {
    const perDay = evaluations[index]?.perDay ?? 0;
    return [label, fixed(engineMs), samples, perDay === 0 ? '' : String(perDay), perDay === 0 ? '' : fixed((engineMs * perDay) / 1000, 1)];
  });
  const shapes = [...new Set(queries.map(({ query }) => query.replace(/event_name=~?"[^"]*"/g, 'event_name…').replace(/event_id=~"[^"]*"/g, 'event_id=~"…"')))];
  const slowest = Math.max(...queries.map(({ ms }) => ms));
  process.stdout.write(
    [
      `## Prometheus side: ${String(SHAPE.days)} days on the real server at the full default bound (${String(rawSeries)} raw series: ${String(eventNames.length)} event names × ${String(SHAPE.ids)} event ids × ${String(SHAPE.instances)} replicas; ${String(ruleSeries)} series per rule)`,
      '',
      `History, generated and imported with promtool (openmetrics, ${String(BLOCK_SECONDS / 3_600)} h blocks) in ${fixed(generated.seconds)} s: the raw counter's last ${fixed(rawDays * 24, 2)} h at ${SCRAPE_INTERVAL}, and the day rule's ${String(SHAPE.days - 1)} days before it. Rules of group ${recorded.group.name} evaluated by Prometheus over the raw day with promtool (rules): the tiles in ${fixed(recorded.tiles.seconds)} s (loaded ${fixed(recorded.tilesLoaded)} s later), then the last day of the day rule in ${fixed(recorded.days.seconds)} s; all merged into one block per window ${fixed(mergeWait)} s later. The whole TSDB: ${fixed(totalBytes / 2 ** 20)} MiB.`,
      '',
      table(['data', 'series', 'samples', 'chunk bytes/sample', 'chunk bytes per series-day', 'with index', 'goal: per series-day ≤ the raw counter at 15s'], diskRows),
      '',
      `Product usage dashboard (event id "All", 1,001 series per panel) and per-event view (one id), every query over ${String(SHAPE.days)} days as Grafana sends it at the last minute of a day (the day rule's sample of that day deleted, as before it is recorded, so today so far reads that whole day of tiles; median of ${String(QUERY_ROUNDS)} interleaved rounds after one warm-up; samples = samples Prometheus read into the query, totalQueryableSamples, without those read by subqueries; peak samples = the most it held at once):`,
      '',
      table(['panel (query)', 'kind', 'median ms', 'of which Prometheus', 'samples', 'peak samples', 'series', 'goal'], queryRows),
      '',
      `Slowest: ${fixed(slowest)} ms (< ${String(GOAL_MS)} ms: ${verdict(slowest < GOAL_MS)}). Day edges: the day rule recorded the day ending at the last midnight ${fixed(edge, 0)} s before it (goal: a few minutes at most, ≤ ${String(EDGE_GOAL_SECONDS)} s: ${verdict(edge > 0 && edge <= EDGE_GOAL_SECONDS)}).`,
      '',
      'Queries (the event names and the event id differ per panel and view):',
      ...shapes.map((shape) => `- \`${shape}\``),
      '',
      `What evaluating costs: each rule's query at one evaluation, at the end of the raw day, timed by Prometheus (execTotalTime: what the rule engine spends, without the HTTP answer; median of ${String(RULE_ROUNDS)} after one warm-up; a rule group runs its queries one after the other on one core):`,
      '',
      table(['query', 'median ms (Prometheus)', 'samples', 'evaluations a day', 'core-seconds a day'], costRows),
      '',
      `Tiles and day rule together: ${fixed(rulesPerDaySeconds, 1)} core-seconds a day, against ${fixed(replacedPerDaySeconds, 0)} for the increase1d rule they replace, and ${fixed(dashboardFromRawSeconds, 0)} s for one load of the 180-day Product usage dashboard from the raw counter (${String(SHAPE.days)} days × ${String(eventNames.length)} panels × one day's bars; projected from one day). Goal, the rules cost less than the queries they save: ${verdict(rulesPerDaySeconds < dashboardFromRawSeconds)} (one load of it every ${fixed(dashboardFromRawSeconds / rulesPerDaySeconds, 0)} days pays for them).`,
      '',
      `This benchmark took ${fixed(secondsSince(benchStarted), 0)} s.`,
      '',
    ].join('\n'),
  );
} finally {
  await prometheus?.close();
  await rm(root, { recursive: true, force: true });
}
