/**
 * A synthetic but plausible history of `analytics_events_total` as Prometheus would have scraped it, written as
 * OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`, one file per TSDB block window (promtool reads
 * its whole input once per window it spans, so one file per window keeps the import linear).
 *
 * Shape: every event name of the catalog × `ids` event ids × `instances` app replicas, one sample per series per
 * scrape for the whole history (the worst case for disk: a real app only exports an id once it was counted). Each
 * event (a gathering) is busy for 2 to 6 weeks somewhere in the history and idle otherwise; app-recorded counters
 * reset at a weekly deploy of each replica, table-derived ones never do (the catalog's `source`).
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { eventNames, usageEvents } from '../test/support/reference-catalog.ts';
import { metricFamilies as metrics } from '../src/schema/metrics.ts';
import { seededRandom } from './support.ts';

export interface HistoryShape {
  readonly ids: number;
  readonly instances: number;
  readonly days: number;
  readonly intervalSeconds: number;
  /** Unix seconds of the last scrape, a multiple of the interval. */
  readonly end: number;
}

export interface HistoryFile {
  readonly path: string;
  readonly samples: number;
}

const DAY = 86_400;
const METRIC = 'analytics_events_total' satisfies keyof typeof metrics;
/** Events per busy day, over all replicas: directory use is frequent, signups and settings changes are rare. */
const DAILY_EVENTS = { memory: 300, table: 6 } as const;
const BUSY_DAYS = { min: 14, max: 42 } as const;
const DEPLOY_SECOND_OF_DAY = 10 * 3_600;
const WRITE_CHUNK_LINES = 20_000;

interface Series {
  readonly prefix: string;
  readonly instance: number;
  readonly resetsOnDeploy: boolean;
  readonly busyFrom: number;
  readonly busyTo: number;
  readonly perScrape: number;
  value: number;
}

export function seriesCount(shape: HistoryShape): number {
  return eventNames.length * shape.ids * shape.instances;
}

function allSeries(shape: HistoryShape, random: () => number): Series[] {
  const start = shape.end - shape.days * DAY;
  const busy = Array.from({ length: shape.ids }, () => {
    const from = start + Math.floor((random() * (shape.days + BUSY_DAYS.max) - BUSY_DAYS.max) * DAY);
    return { from, to: from + Math.floor((BUSY_DAYS.min + random() * (BUSY_DAYS.max - BUSY_DAYS.min)) * DAY) };
  });
  const scrapesPerDay = DAY / shape.intervalSeconds;
  return Array.from({ length: shape.instances }, (_, instance) =>
    eventNames.flatMap((eventName) =>
      busy.map(({ from, to }, index) => ({
        prefix: `${METRIC}{event_id="${String(index + 1)}",event_name="${eventName}",instance="app-${String(instance + 1)}:9464",job="quietcount"} `,
        instance,
        resetsOnDeploy: usageEvents[eventName].source === 'memory',
        busyFrom: from,
        busyTo: to,
        perScrape: DAILY_EVENTS[usageEvents[eventName].source] / shape.instances / scrapesPerDay,
        value: 0,
      })),
    ),
  ).flat();
}

/** Replica `instance` deploys once a week, each on its own weekday. */
function deploys(instance: number, from: number, to: number): boolean {
  const deployAt = (time: number) => Math.floor((time - DEPLOY_SECOND_OF_DAY) / DAY);
  for (let day = deployAt(from) + 1; day <= deployAt(to); day += 1) if (day % 7 === instance % 7) return true;
  return false;
}

/**
 * Writes the history into `dir`, one file per `windowSeconds`-aligned window, and yields each file once it is
 * complete, so the caller can import it while the next one is written.
 */
export async function* usageHistoryFiles(shape: HistoryShape, dir: string, windowSeconds: number): AsyncGenerator<HistoryFile> {
  const random = seededRandom();
  const series = allSeries(shape, random);
  const first = shape.end - shape.days * DAY + shape.intervalSeconds;
  let time = first;
  while (time <= shape.end) {
    const windowEnd = (Math.floor(time / windowSeconds) + 1) * windowSeconds;
    const path = join(dir, `history-${String(time)}.om.txt`);
    const out = createWriteStream(path);
    let lines: string[] = [`# TYPE ${METRIC.replace(/_total$/, '')} counter\n`];
    let samples = 0;
    for (; time < windowEnd && time <= shape.end; time += shape.intervalSeconds) {
      const deployed = Array.from({ length: shape.instances }, (_, instance) => deploys(instance, time - shape.intervalSeconds, time));
      const stamp = ` ${String(time)}\n`;
      for (const one of series) {
        if (one.resetsOnDeploy && deployed[one.instance] === true) one.value = 0;
        // floor(rate + uniform) has exactly `rate` as its mean: whole increments without a Poisson draw.
        if (time >= one.busyFrom && time < one.busyTo) one.value += Math.floor(one.perScrape + random());
        lines.push(one.prefix + String(one.value) + stamp);
      }
      samples += series.length;
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
    yield { path, samples };
  }
}
