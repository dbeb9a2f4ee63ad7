/**
 * A synthetic but plausible usage history for bench/prometheus.ts, written as OpenMetrics text for `promtool tsdb
 * create-blocks-from openmetrics`:
 *
 * - the raw counter `analytics_events_total` as Prometheus scrapes it, for the last `rawSeconds` before `end` only,
 *   one sample per series per scrape (every exported id at every scrape, as an app exports them). One file per
 *   replica and event name: promtool reads a whole file once per block window it spans, and the files import in
 *   parallel into blocks that overlap in time but not in series, which Prometheus merges.
 * - the day rule (`DAILY_USAGE`) for the days before that, one sample per series and UTC day, `dayRuleLeadSeconds`
 *   before the midnight that ends the day, holding the day's events summed over replicas, as the rule records them
 *   once its tiles are added up (within the tiles' extrapolation, which leaves a float). One file per block window.
 *
 * The same simulation drives both: every event name of the catalog × `ids` event ids (the last one `__other__`) ×
 * `instances` app replicas. Each id (an event, a gathering) is busy for 2 to 6 weeks somewhere in the history and
 * idle otherwise; app-recorded counters reset at a weekly deploy of each replica, table-derived ones never do (the
 * catalog's `source`).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { eventNames, usageEvents } from '../examples/event-directory/test/support/catalog.ts';
import { metricFamilies as metrics } from '../src/schema/metrics.ts';
import { OTHER } from '../src/schema/bounds.ts';
import { seededRandom } from './support.ts';

export interface HistoryShape {
  /** Event ids per event name, `__other__` included (the last). */
  readonly ids: number;
  readonly instances: number;
  readonly days: number;
  /** Unix seconds of the end of the history: a UTC midnight. */
  readonly end: number;
  /** How much raw counter the history ends with, in seconds, scraped every `scrapeSeconds`. */
  readonly rawSeconds: number;
  readonly scrapeSeconds: number;
  /** The day rule's sample of each day, this many seconds before the midnight that ends it. */
  readonly dayRuleLeadSeconds: number;
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
  readonly eventName: string;
  readonly eventId: string;
  readonly resetsOnDeploy: boolean;
  readonly busyFrom: number;
  readonly busyTo: number;
  /** Events per busy day on one replica. */
  readonly perReplicaDay: number;
  /** Each replica's counter. */
  readonly values: number[];
}

/** Raw counter series: one per event name, event id and replica. */
export function seriesCount(shape: HistoryShape): number {
  return eventNames.length * shape.ids * shape.instances;
}

/** Recording rule series: one per event name and event id (rules sum over replicas). */
export function ruleSeriesCount(shape: HistoryShape): number {
  return eventNames.length * shape.ids;
}

/** Replica `instance` deploys once a week at 10:00 UTC, each on its own weekday: between `from` and `to`? */
function deploys(instance: number, from: number, to: number): boolean {
  const deployAt = (time: number) => Math.floor((time - DEPLOY_SECOND_OF_DAY) / DAY);
  for (let day = deployAt(from) + 1; day <= deployAt(to); day += 1) if (day % 7 === instance % 7) return true;
  return false;
}

async function write(out: WriteStream, lines: string[]): Promise<void> {
  if (!out.write(lines.join(''))) await new Promise<void>((resolve) => out.once('drain', () => { resolve(); }));
}

async function close(out: WriteStream, lines: string[]): Promise<void> {
  lines.push('# EOF\n');
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(lines.join(''), resolve);
  });
}

export class UsageHistory {
  readonly #shape: HistoryShape;
  readonly #random = seededRandom();
  readonly #series: Series[];
  /** Where the raw counter starts: the day rule covers the days before it. */
  readonly rawFrom: number;

  constructor(shape: HistoryShape) {
    if (shape.end % DAY !== 0) throw new Error('the history must end at a UTC midnight');
    this.#shape = shape;
    this.rawFrom = shape.end - shape.rawSeconds;
    const start = shape.end - shape.days * DAY;
    this.#series = eventNames.flatMap((eventName) =>
      Array.from({ length: shape.ids }, (_, index): Series => {
        const from = start + Math.floor((this.#random() * (shape.days + BUSY_DAYS.max) - BUSY_DAYS.max) * DAY);
        const source = usageEvents[eventName].source;
        return {
          eventName,
          eventId: index === shape.ids - 1 ? OTHER : String(index + 1),
          resetsOnDeploy: source === 'memory',
          busyFrom: from,
          busyTo: from + Math.floor((BUSY_DAYS.min + this.#random() * (BUSY_DAYS.max - BUSY_DAYS.min)) * DAY),
          perReplicaDay: DAILY_EVENTS[source] / shape.instances,
          values: Array.from({ length: shape.instances }, () => 0),
        };
      }),
    );
  }

  /** Events of `series` on one replica during a day that starts at `dayStart`: around the mean, never negative. */
  #dayEvents(series: Series, dayStart: number): number {
    const busy = dayStart + DAY > series.busyFrom && dayStart < series.busyTo;
    return busy ? Math.floor(series.perReplicaDay * (0.5 + this.#random()) + this.#random()) : 0;
  }

  /**
   * The day rule for every whole day before the raw counter, into `dir`, one file per `windowSeconds`-aligned
   * window; yields each file once complete. Advances every counter to where the raw counter starts.
   */
  async *dayRuleFiles(dir: string, metric: string, windowSeconds: number): AsyncGenerator<HistoryFile> {
    const { end, days, dayRuleLeadSeconds, instances, rawSeconds } = this.#shape;
    // The days the raw counter covers whole, tiles included, are left to the real rule.
    const lastDayStart = end - (Math.floor(rawSeconds / DAY) + 1) * DAY;
    let dayStart = end - days * DAY;
    while (dayStart <= lastDayStart) {
      const windowEnd = (Math.floor((dayStart + DAY - dayRuleLeadSeconds) / windowSeconds) + 1) * windowSeconds;
      const path = join(dir, `days-${String(dayStart)}.om.txt`);
      const out = createWriteStream(path);
      let lines: string[] = [`# TYPE ${metric} gauge\n`];
      let samples = 0;
      for (; dayStart <= lastDayStart && dayStart + DAY - dayRuleLeadSeconds < windowEnd; dayStart += DAY) {
        const stamp = ` ${String(dayStart + DAY - dayRuleLeadSeconds)}\n`;
        for (const series of this.#series) {
          let total = 0;
          for (let instance = 0; instance < instances; instance += 1) {
            const events = this.#dayEvents(series, dayStart);
            total += events;
            const deployed = series.resetsOnDeploy && deploys(instance, dayStart, dayStart + DAY);
            // A deploy at 10:00: the counter restarts from 0 and counts the rest of the day.
            series.values[instance] = (deployed ? 0 : (series.values[instance] ?? 0)) + (deployed ? Math.round((events * 14) / 24) : events);
          }
          // The tiles' increase() extrapolates each tile, so the day's sum is a float near the day's events.
          const recorded = total === 0 ? 0 : total * (1 + (this.#random() - 0.5) * 0.02);
          lines.push(`${metric}{event_id="${series.eventId}",event_name="${series.eventName}"} ${String(recorded)}${stamp}`);
        }
        samples += this.#series.length;
        if (lines.length >= WRITE_CHUNK_LINES) {
          await write(out, lines);
          lines = [];
        }
      }
      await close(out, lines);
      yield { path, samples };
    }
  }

  /**
   * The raw counter from `rawFrom` to `end`, into `dir`, one file per replica and event name; yields each file once
   * complete. Run after `dayRuleFiles`, which brings the counters to `rawFrom`.
   */
  async *rawCounterFiles(dir: string): AsyncGenerator<HistoryFile> {
    const { end, scrapeSeconds, instances } = this.#shape;
    const first = Math.ceil(this.rawFrom / scrapeSeconds) * scrapeSeconds;
    for (let instance = 0; instance < instances; instance += 1) {
      for (const eventName of eventNames) {
        const series = this.#series.filter((one) => one.eventName === eventName);
        const prefixes = series.map(
          (one) => `${METRIC}{event_id="${one.eventId}",event_name="${eventName}",instance="app-${String(instance + 1)}:9464",job="quietcount"} `,
        );
        const path = join(dir, `raw-${String(instance)}-${eventName}.om.txt`);
        const out = createWriteStream(path);
        let lines: string[] = [`# TYPE ${METRIC.replace(/_total$/, '')} counter\n`];
        let samples = 0;
        for (let time = first; time <= end; time += scrapeSeconds) {
          const deployed = deploys(instance, time - scrapeSeconds, time);
          const stamp = ` ${String(time)}\n`;
          for (const [index, one] of series.entries()) {
            let value = one.values[instance] ?? 0;
            if (one.resetsOnDeploy && deployed) value = 0;
            // floor(rate + uniform) has exactly `rate` as its mean: whole increments without a Poisson draw.
            if (time >= one.busyFrom && time < one.busyTo) value += Math.floor((one.perReplicaDay * scrapeSeconds) / DAY + this.#random());
            one.values[instance] = value;
            lines.push(`${prefixes[index] ?? ''}${String(value)}${stamp}`);
          }
          samples += series.length;
          if (lines.length >= WRITE_CHUNK_LINES) {
            await write(out, lines);
            lines = [];
          }
        }
        await close(out, lines);
        yield { path, samples };
      }
    }
  }
}
