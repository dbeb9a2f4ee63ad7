/**
 * The roll-ups a 180-day daily panel could read, side by side on the real Prometheus, at what one panel reads at the
 * full default bound: one event name × 1,001 series (1,000 event ids and `__other__`; rules sum over replicas, so
 * replicas do not add series), 180 days. For each candidate, the panel's query at step 1d over 180 days ("All" ids),
 * and its disk per series-day. On demand only (`npm run bench -- rollups`, about 12 minutes): the 2-minute rule the
 * dashboard used to read is 130 million samples, and promtool imports about 250,000 a second per core.
 *
 * The samples are written by this file (not computed by Prometheus from a raw counter), with the density and the
 * kind of values each rule records: 0 while an id is idle, a float from increase()'s extrapolation while it is busy.
 * Query time depends on the samples and series a query reads; disk depends on the values too, so these bytes are
 * indicative. bench/prometheus.ts measures the rules the dashboard reads from a real raw counter.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DEFAULT_MAX_EVENT_IDS, OTHER } from '../src/schema/bounds.ts';
import { startPrometheus, type PrometheusServer } from '../test/support/prometheus.ts';
import { fixed, inParallel, median, seededRandom, table } from './support.ts';
import { BLOCK_SECONDS, blocksIn, bytesIn, chunkBytesIn, importOpenMetrics, type Block } from './tsdb.ts';

const benchStarted = performance.now();
const DAY = 86_400;
const DAYS = 180;
const IDS = DEFAULT_MAX_EVENT_IDS + 1;
const EVENT_NAME = 'directory_page_view';
/** Events per busy day and id: the generator's figure for app-recorded events. */
const DAILY_EVENTS = 300;
const END = Math.floor(Date.now() / 1000 / DAY) * DAY;
const PARALLEL = 2;
const ROUNDS = 5;
const GOAL_MS = 1_000;
const WRITE_CHUNK_LINES = 20_000;
const COMPACTION_TIMEOUT_MS = 300_000;

interface Candidate {
  readonly label: string;
  readonly metric: string;
  /** Samples per series and day. */
  readonly perDay: number;
  /** Where a day's edges sit. */
  readonly edges: string;
  /** The daily bars' query over `selector`. */
  readonly bars: (selector: string) => string;
  /** A sample's value, for an id busy for `busyFraction` of the sample's window. */
  readonly value: (busyFraction: number, random: () => number) => number;
}

const rule = (operations: string) => `event_name_event_id:analytics_events:${operations}`;
/** A tile of `seconds` at 15 s scrapes: whole events seen on all but one interval, scaled back up by increase(). */
function tile(seconds: number): Candidate['value'] {
  const intervals = seconds / 15;
  return (busy, random) => Math.floor((DAILY_EVENTS * busy * seconds) / DAY + random()) * (intervals / (intervals - 1)) * (1 + (random() - 0.5) * 1e-9);
}
const summedPerDay = (selector: string) => `sum by (event_id) (sum_over_time(${selector}[1d]))`;

const CANDIDATES: readonly Candidate[] = [
  {
    label: 'increase1d every 2m (what the dashboard read before)',
    metric: rule('increase1d'),
    perDay: 720,
    edges: '≤ 2 min before midnight',
    bars: (selector) => `sum by (event_id) (${selector})`,
    value: (busy, random) => (busy === 0 ? 0 : DAILY_EVENTS * busy * (1 + (random() - 0.5) * 0.02)),
  },
  { label: '5-minute tiles, summed per day', metric: rule('increase5m'), perDay: 288, edges: '≤ 5 min before midnight', bars: summedPerDay, value: tile(300) },
  { label: '15-minute tiles, summed per day', metric: rule('increase15m'), perDay: 96, edges: '≤ 15 min before midnight', bars: summedPerDay, value: tile(900) },
  {
    label: 'hourly roll-up (a 1h group), summed per day',
    metric: rule('increase1h'),
    perDay: 24,
    edges: 'up to 1 h before midnight, by the group\'s hash',
    bars: summedPerDay,
    value: tile(3_600),
  },
  {
    label: 'one sample per UTC day (5-minute tiles added up before midnight: chosen)',
    metric: rule('increase_utc_day'),
    perDay: 1,
    edges: '≤ 5 min before midnight',
    bars: (selector) => `sum by (event_id) (last_over_time(${selector}[1d]))`,
    value: (busy, random) => (busy === 0 ? 0 : DAILY_EVENTS * busy * (1 + (random() - 0.5) * 0.02)),
  },
];

/** Writes `candidate` over 180 days, one file per block window, yielding each file once complete. */
async function* candidateFiles(candidate: Candidate, dir: string): AsyncGenerator<string> {
  const random = seededRandom();
  const start = END - DAYS * DAY;
  const busy = Array.from({ length: IDS }, () => {
    const from = start + Math.floor((random() * (DAYS + 42) - 42) * DAY);
    return { from, to: from + Math.floor((14 + random() * 28) * DAY) };
  });
  const prefixes = Array.from({ length: IDS }, (_, index) => `${candidate.metric}{event_id="${index === IDS - 1 ? OTHER : String(index + 1)}",event_name="${EVENT_NAME}"} `);
  const step = DAY / candidate.perDay;
  // A group's evaluations sit at an offset within its interval.
  let time = start + step - Math.min(137, step / 2);
  while (time <= END) {
    const windowEnd = (Math.floor(time / BLOCK_SECONDS) + 1) * BLOCK_SECONDS;
    const path = join(dir, `${candidate.metric.replaceAll(':', '_')}-${String(time)}.om.txt`);
    const out = createWriteStream(path);
    let lines: string[] = [`# TYPE ${candidate.metric} gauge\n`];
    const window = candidate.perDay === 720 || candidate.perDay === 1 ? DAY : step;
    for (; time < windowEnd && time <= END; time += step) {
      const stamp = ` ${String(time)}\n`;
      for (const [index, { from, to }] of busy.entries()) {
        const overlap = Math.max(0, Math.min(to, time) - Math.max(from, time - window)) / window;
        lines.push(`${prefixes[index] ?? ''}${String(candidate.value(overlap, random))}${stamp}`);
      }
      if (lines.length >= WRITE_CHUNK_LINES) {
        if (!out.write(lines.join(''))) await new Promise<void>((resolve) => out.once('drain', () => { resolve(); }));
        lines = [];
      }
    }
    lines.push('# EOF\n');
    await new Promise<void>((resolve, reject) => {
      out.once('error', reject);
      out.end(lines.join(''), resolve);
    });
    yield path;
  }
}

async function untilMerged(prometheus: PrometheusServer, windows: number): Promise<void> {
  const deadline = Date.now() + COMPACTION_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const selfMetrics = await (await fetch(`${prometheus.url}/metrics`)).text();
    if (Number(/^prometheus_tsdb_blocks_loaded (\S+)$/m.exec(selfMetrics)?.[1]) === windows) return;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`Prometheus did not merge the candidates' blocks into ${String(windows)} within ${String(COMPACTION_TIMEOUT_MS)} ms`);
}

const root = await mkdtemp(join(tmpdir(), 'quietcount-bench-rollups-'));
let prometheus: PrometheusServer | undefined;
try {
  const dataDir = join(root, 'data');
  await mkdir(dataDir);
  const importStarted = performance.now();
  const imported = new Map<Candidate, { blocks: Block[]; chunkBytes: number; bytes: number }>();
  for (const candidate of CANDIDATES) {
    const dir = join(root, candidate.metric.replaceAll(':', '_'));
    await mkdir(dir);
    await inParallel(PARALLEL, candidateFiles(candidate, root), async (file) => {
      await importOpenMetrics(file, dir);
      await rm(file);
    });
    imported.set(candidate, { blocks: await blocksIn(dir), chunkBytes: await chunkBytesIn(dir), bytes: await bytesIn(dir) });
  }
  const importSeconds = (performance.now() - importStarted) / 1000;
  const blocks = [...imported.values()].flatMap((one) => one.blocks);
  for (const block of blocks) await rename(block.dir, join(dataDir, basename(block.dir)));
  prometheus = await startPrometheus({ dataDir });
  await untilMerged(prometheus, new Set(blocks.map((block) => Math.floor(block.minTime / 1000 / BLOCK_SECONDS))).size);

  const selector = (candidate: Candidate) => `${candidate.metric}{event_name="${EVENT_NAME}", event_id=~".*"}`;
  const params = (candidate: Candidate) => ({ query: candidate.bars(selector(candidate)), start: String(END - DAYS * DAY), end: String(END), step: String(DAY), stats: 'all' });
  const runs = new Map(CANDIDATES.map((candidate) => [candidate, [] as { ms: number; engineMs: number }[]]));
  for (let round = 0; round <= ROUNDS; round += 1) {
    for (const candidate of CANDIDATES) {
      const started = performance.now();
      const data = (await prometheus.get(`/api/v1/query_range?${new URLSearchParams(params(candidate)).toString()}`)) as { stats?: { timings?: { execTotalTime?: number } } };
      if (round > 0) runs.get(candidate)?.push({ ms: performance.now() - started, engineMs: (data.stats?.timings?.execTotalTime ?? Number.NaN) * 1000 });
    }
  }
  const rows = CANDIDATES.map((candidate) => {
    const measured = runs.get(candidate) ?? [];
    const ms = median(measured.map((run) => run.ms));
    const disk = imported.get(candidate);
    return [
      candidate.label,
      candidate.perDay,
      candidate.perDay * DAYS * IDS,
      candidate.edges,
      fixed((disk?.chunkBytes ?? Number.NaN) / IDS / DAYS, 1),
      fixed(ms),
      fixed(median(measured.map((run) => run.engineMs))),
      `< ${String(GOAL_MS)} ms ${ms < GOAL_MS ? 'met' : 'MISSED'}`,
    ];
  });
  process.stdout.write(
    [
      `## Roll-up candidates for the 180-day daily panels (${String(IDS)} series of one event name, ${String(DAYS)} days, on the real Prometheus)`,
      '',
      `Generated and imported with promtool (openmetrics) in ${fixed(importSeconds)} s. Bars: the panel's query at step 1d over ${String(DAYS)} days, event id "All"; median of ${String(ROUNDS)} interleaved rounds after one warm-up.`,
      '',
      table(['candidate', 'samples per series-day', 'samples in 180 days', 'day edges', 'chunk bytes per series-day (indicative)', 'bars, median ms', 'of which Prometheus', 'goal'], rows),
      '',
      `This benchmark took ${fixed((performance.now() - benchStarted) / 1000, 0)} s.`,
      '',
    ].join('\n'),
  );
} finally {
  await prometheus?.close();
  await rm(root, { recursive: true, force: true });
}
