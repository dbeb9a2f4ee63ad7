/**
 * `quietcount report` at the full default bound, on the real Prometheus: every catalog event name × 1,001 event ids
 * (1,000 and `__other__`) on one app replica, 7,007 raw series, 31 days (30 reported and the day before, the
 * baseline). The last day is scraped every 15 s as prometheus.yml does: 40 million samples, the day that could not be
 * reported before (a 0.9 GB answer). The 30 days before it are scraped every minute: 30 days at 15 s would be 1.2
 * billion samples, about an hour of promtool on this 2-core VM, and what the report keeps in memory depends on the
 * pieces it reads, not on the density of a day. Four runs: one day of one event name (1,001 series), one day of all
 * (7,007), 10 and 30 days of all, each beside Prometheus' own read of the same samples.
 *
 * Prometheus' own read: the raw samples of each day as one instant query (`analytics_events_total[1d]`, the answer
 * read to its end and not parsed), what any client of the HTTP API needs to get them; 30 days are 30 such queries
 * (one query of 30 days would be 1.2 billion samples, past Prometheus' query.max-samples). Beside it, for scale, the
 * engine alone reading them (`count_over_time`, nothing sent). The report's time is its process's, start to exit,
 * and its peak RSS is the process's maximum resident set. Goals: peak RSS that does not grow with the series or the
 * days (at most ×1.25 between the runs, for noise), and the report's time within 3 × Prometheus' own read.
 * Every run's counts are checked against the events the history generated.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventNames } from '../examples/event-directory/test/support/catalog.ts';
import { DEFAULT_MAX_EVENT_IDS } from '../src/schema/bounds.ts';
import { runPromtool, startPrometheus, type PrometheusServer } from '../test/support/prometheus.ts';
import { CLI_DIR } from '../test/support/paths.ts';
import { ReportHistory, type ReportHistoryShape } from './report-history.ts';
import { fixed, inParallel, table } from './support.ts';

const benchStarted = performance.now();
const DAY = 86_400;
const DAY_MS = DAY * 1000;
const REPORTED_DAYS = 30;
const SHAPE: ReportHistoryShape = {
  ids: DEFAULT_MAX_EVENT_IDS + 1,
  days: REPORTED_DAYS + 1,
  end: Math.floor(Date.now() / DAY_MS) * DAY,
  scrapeSeconds: 15,
  denseDays: 1,
  sparseScrapeSeconds: 60,
};
/** promtool's blocks: the largest a 180-day Prometheus compacts to (bench/tsdb.ts). */
const PROMTOOL_FLAGS = ['--max-block-duration=162h', '--quiet'];
/** The server compacts nothing while it is measured (its blocks are larger than its largest compaction range). */
const SERVER_FLAGS = ['--storage.tsdb.min-block-duration=2h', '--storage.tsdb.max-block-duration=2h'];
const PARALLEL = 2;
const TIME_GOAL = 3;
const RSS_GOAL = 1.25;
const CLI = join(CLI_DIR, 'bin', 'quietcount.js');
/** Preloaded into the report's process: its peak resident set, written to fd 3 as it exits. */
const PEAK_RSS_HOOK = `data:text/javascript,${encodeURIComponent("import { writeSync } from 'node:fs'; process.on('exit', () => { writeSync(3, String(process.resourceUsage().maxRSS)); });")}`;

const secondsSince = (since: number): number => (performance.now() - since) / 1000;
const isoDay = (seconds: number): string => new Date(seconds * 1000).toISOString().slice(0, 10);
const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');

interface Run {
  readonly label: string;
  readonly eventName: string | undefined;
  /** Unix seconds of the first and last day's midnights. */
  readonly from: number;
  readonly to: number;
}

const lastDay = SHAPE.end - DAY;
const RUNS: Run[] = [
  { label: 'one event name, 1 day at 15 s', eventName: eventNames.find((name) => name === 'directory_page_view') ?? eventNames[0], from: lastDay, to: lastDay },
  { label: 'all 7 event names, 1 day at 15 s', eventName: undefined, from: lastDay, to: lastDay },
  { label: 'all 7 event names, 10 days (the last at 15 s)', eventName: undefined, from: lastDay - 9 * DAY, to: lastDay },
  { label: `all 7 event names, ${String(REPORTED_DAYS)} days (the last at 15 s)`, eventName: undefined, from: lastDay - (REPORTED_DAYS - 1) * DAY, to: lastDay },
];

function daysOf(run: Run): number[] {
  const days: number[] = [];
  for (let day = run.from; day <= run.to; day += DAY) days.push(day);
  return days;
}

const selectorOf = (run: Run): string => (run.eventName === undefined ? 'analytics_events_total' : `analytics_events_total{event_name="${run.eventName}"}`);

/** One instant query, its answer read to the end and dropped: seconds and bytes. */
async function drained(prometheus: PrometheusServer, query: string, timeMs: number): Promise<{ seconds: number; bytes: number; text: string }> {
  const started = performance.now();
  const response = await fetch(`${prometheus.url}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-encoding': 'identity' },
    body: new URLSearchParams({ query, time: new Date(timeMs).toISOString() }),
  });
  let bytes = 0;
  let head = '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (bytes < 4_096) head += Buffer.from(value).toString('utf8', 0, 4_096);
    bytes += value.byteLength;
  }
  if (!head.startsWith('{"status":"success"')) throw new Error(`Prometheus failed ${query}: ${head.slice(0, 300)}`);
  return { seconds: secondsSince(started), bytes, text: bytes < 4_096 ? head : '' };
}

/** Prometheus' own read of the run's raw samples, a day per query; the engine alone; the samples. */
async function prometheusRead(prometheus: PrometheusServer, run: Run) {
  let seconds = 0;
  let bytes = 0;
  let engineSeconds = 0;
  let samples = 0;
  for (const day of daysOf(run)) {
    const timeMs = (day + DAY) * 1000 - 1;
    const read = await drained(prometheus, `${selectorOf(run)}[${String(DAY)}s]`, timeMs);
    seconds += read.seconds;
    bytes += read.bytes;
    const engine = await drained(prometheus, `sum(count_over_time(${selectorOf(run)}[${String(DAY)}s]))`, timeMs);
    engineSeconds += engine.seconds;
    const { data } = JSON.parse(engine.text) as { data: { result: { value: [number, string] }[] } };
    samples += Number(data.result[0]?.value[1] ?? 0);
  }
  return { seconds, bytes, engineSeconds, samples };
}

/** Queries Prometheus has answered so far (its own counter). */
async function queriesAnswered(prometheus: PrometheusServer): Promise<number> {
  const text = await (await fetch(`${prometheus.url}/metrics`)).text();
  const match = /^prometheus_http_requests_total\{code="200",handler="\/api\/v1\/query"\} (\S+)$/m.exec(text);
  return Number(match?.[1] ?? 0);
}

/** The report as a user runs it: its process's time and peak RSS, its csv in `output`. */
async function reportProcess(prometheus: PrometheusServer, run: Run, cwd: string, output: string) {
  const out = await open(output, 'w');
  const args = ['--import', PEAK_RSS_HOOK, CLI, 'report', '--prometheus', prometheus.url, '--from', isoDay(run.from), '--to', isoDay(run.to), '--format', 'csv'];
  if (run.eventName !== undefined) args.push('--event', run.eventName);
  const before = await queriesAnswered(prometheus);
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', out.fd, 'pipe', 'pipe'] });
  let stderr = '';
  let peakKb = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdio[3]?.on('data', (chunk: Buffer) => (peakKb += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const seconds = secondsSince(started);
  await out.close();
  if (code !== 0) throw new Error(`quietcount report failed (${String(code)}): ${stderr}`);
  return { seconds, peakMiB: Number(peakKb) / 1024, queries: (await queriesAnswered(prometheus)) - before };
}

/** The report's csv against the events the history generated, per event name and day. */
async function exact(history: ReportHistory, run: Run, output: string): Promise<boolean> {
  const counted = new Map<string, number>();
  for (const line of (await readFile(output, 'utf8')).trimEnd().split('\n').slice(1)) {
    const [eventName = '', , eventDate = '', count = ''] = line.split(',');
    counted.set(`${eventName}|${eventDate}`, (counted.get(`${eventName}|${eventDate}`) ?? 0) + Number(count));
  }
  const expected = new Map<string, number>();
  for (const day of daysOf(run)) {
    for (const [eventName, events] of history.seen.get(day) ?? []) {
      if ((run.eventName === undefined || run.eventName === eventName) && events > 0) expected.set(`${eventName}|${isoDay(day)}`, events);
    }
  }
  return counted.size === expected.size && [...expected].every(([key, events]) => counted.get(key) === events);
}

const root = await mkdtemp(join(tmpdir(), 'quietcount-bench-report-'));
let prometheus: PrometheusServer | undefined;
try {
  const dataDir = join(root, 'data');
  const work = join(root, 'work');
  await mkdir(dataDir);
  await mkdir(work);
  const history = new ReportHistory(SHAPE);
  const backfillStarted = performance.now();
  await inParallel(PARALLEL, history.dayFiles(root), async (file) => {
    await runPromtool(['tsdb', 'create-blocks-from', 'openmetrics', ...PROMTOOL_FLAGS, file.path, dataDir]);
    await rm(file.path);
  });
  const backfillSeconds = secondsSince(backfillStarted);
  prometheus = await startPrometheus({ dataDir, extraFlags: SERVER_FLAGS });
  // The first touch of each block's index and chunks, outside the measurement.
  for (const day of daysOf(RUNS[RUNS.length - 1] as Run)) await drained(prometheus, `sum(count_over_time(analytics_events_total[${String(DAY)}s]))`, (day + DAY) * 1000 - 1);

  const rows: (string | number)[][] = [];
  const results: { run: Run; seconds: number; peakMiB: number; readSeconds: number }[] = [];
  for (const run of RUNS) {
    const read = await prometheusRead(prometheus, run);
    const output = join(work, 'report.csv');
    const report = await reportProcess(prometheus, run, work, output);
    const isExact = await exact(history, run, output);
    results.push({ run, seconds: report.seconds, peakMiB: report.peakMiB, readSeconds: read.seconds });
    const series = (run.eventName === undefined ? eventNames.length : 1) * SHAPE.ids;
    rows.push([
      run.label,
      series,
      `${fixed(read.samples / 1e6, 1)} M`,
      fixed(report.seconds, 1),
      fixed(report.peakMiB, 0),
      report.queries,
      isExact ? 'yes' : 'NO',
      fixed(read.seconds, 1),
      `${fixed(read.bytes / 2 ** 30, 2)} GiB`,
      fixed(read.engineSeconds, 1),
      `${fixed(report.seconds / read.seconds, 2)} ${verdict(report.seconds <= TIME_GOAL * read.seconds)}`,
    ]);
  }
  const [oneName, allNames, tenDays, allDays] = results;
  const seriesText = (names: number): string => (names * SHAPE.ids).toLocaleString('en');
  const rss = (result: { peakMiB: number } | undefined): number => result?.peakMiB ?? Number.NaN;
  const bySeries = rss(allNames) / rss(oneName);
  const byDays = rss(allDays) / rss(allNames);
  const beyondTen = rss(allDays) / rss(tenDays);
  process.stdout.write(
    [
      `## Report at the full default bound: ${String(eventNames.length)} event names × ${String(SHAPE.ids)} event ids, one replica, ${String(REPORTED_DAYS)} days`,
      '',
      `\`quietcount report --format csv\` as a process, beside Prometheus' own read of the same raw samples (each day's \`analytics_events_total[1d]\` as one query, its answer read and not parsed) and the engine alone (\`count_over_time\`, nothing sent). The last day is scraped every ${String(SHAPE.scrapeSeconds)} s, the days before every ${String(SHAPE.sparseScrapeSeconds)} s. Goals: the report's time within ${String(TIME_GOAL)} × Prometheus' own read; peak RSS that does not grow with the series or the days (at most × ${String(RSS_GOAL)}). Counts checked against the events generated. History imported with promtool in ${fixed(backfillSeconds, 0)} s.`,
      '',
      table(
        ['run', 'series', 'samples', 'report s', 'report peak RSS MiB', 'queries', 'exact', "Prometheus' own read s", 'answer', 'engine alone s', `time ratio (≤ ${String(TIME_GOAL)})`],
        rows,
      ),
      '',
      `Peak RSS, ${seriesText(eventNames.length)} series against ${seriesText(1)} (1 day): × ${fixed(bySeries, 2)} (≤ ${String(RSS_GOAL)}: ${verdict(bySeries <= RSS_GOAL)}); ${String(REPORTED_DAYS)} days against 1 (${seriesText(eventNames.length)} series): × ${fixed(byDays, 2)} (≤ ${String(RSS_GOAL)}: ${verdict(byDays <= RSS_GOAL)}); ${String(REPORTED_DAYS)} days against 10: × ${fixed(beyondTen, 2)} (reported, for ${fixed(REPORTED_DAYS / 10, 0)} × the days).`,
      '',
      `This benchmark took ${fixed(secondsSince(benchStarted), 0)} s.`,
      '',
    ].join('\n'),
  );
} finally {
  await prometheus?.close();
  await rm(root, { recursive: true, force: true });
}
