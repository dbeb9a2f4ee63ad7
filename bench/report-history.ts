/**
 * The raw counter for bench/report.ts: every catalog event name × `ids` event ids (the last `__other__`) on one app
 * replica, for `days` whole UTC days ending at `end`, scraped every `scrapeSeconds` on the last `denseDays` and every
 * `sparseScrapeSeconds` before; one OpenMetrics file per day for `promtool tsdb create-blocks-from openmetrics`,
 * written as bytes (tens of millions of lines a day).
 *
 * Each id has its own rate (app-recorded events about 300 a day, table-derived ones about 6); each increment is
 * floor(rate per scrape + uniform), so whole and with exactly that mean. App-recorded counters restart from 0 at a
 * weekly deploy (the scrape after it reads 0). The history also counts, per UTC day, the events the scrapes of that
 * day saw: what an exact report must find.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { eventNames, usageEvents } from '../examples/event-directory/test/support/catalog.ts';
import { OTHER } from '../src/schema/bounds.ts';
import { seededRandom } from './support.ts';

export interface ReportHistoryShape {
  /** Event ids per event name, `__other__` included (the last). */
  readonly ids: number;
  readonly days: number;
  /** Unix seconds of the end of the history: a UTC midnight. */
  readonly end: number;
  readonly scrapeSeconds: number;
  readonly denseDays: number;
  readonly sparseScrapeSeconds: number;
}

export interface DayFile {
  readonly path: string;
  /** Unix seconds of the day's midnight. */
  readonly day: number;
}

const DAY = 86_400;
const DAILY_EVENTS = { memory: 300, table: 6 } as const;
const DEPLOY_SECOND_OF_DAY = 10 * 3_600;
const CHUNK_BYTES = 32 * 2 ** 20;
/** The longest line: metric, both labels, a value and a time, with room to spare. */
const MAX_LINE_BYTES = 160;

export class ReportHistory {
  readonly #shape: ReportHistoryShape;
  readonly #random = seededRandom(7);
  /** Per event name: each id's label text, events a day, and counter. */
  readonly #names: { readonly name: string; readonly resets: boolean; readonly prefixes: Buffer[]; readonly perDay: Float64Array; readonly values: Float64Array }[];
  /** Unix seconds of a day's midnight → event name → events the scrapes of that day saw. */
  readonly seen = new Map<number, Map<string, number>>();

  constructor(shape: ReportHistoryShape) {
    if (shape.end % DAY !== 0) throw new Error('the history must end at a UTC midnight');
    this.#shape = shape;
    this.#names = eventNames.map((name) => {
      const source = usageEvents[name].source;
      const ids = Array.from({ length: shape.ids }, (_, index) => (index === shape.ids - 1 ? OTHER : String(index + 1)));
      return {
        name,
        resets: source === 'memory',
        prefixes: ids.map((id) => Buffer.from(`analytics_events_total{event_name="${name}",event_id="${id}"} `)),
        perDay: Float64Array.from(ids, () => DAILY_EVENTS[source] * (0.2 + 1.6 * this.#random())),
        values: new Float64Array(shape.ids),
      };
    });
  }

  /** Raw series: one per event name and id. */
  get series(): number {
    return eventNames.length * this.#shape.ids;
  }

  /** The scrape interval of the day that starts at `day` (Unix seconds). */
  scrapeSecondsOn(day: number): number {
    const { end, denseDays, scrapeSeconds, sparseScrapeSeconds } = this.#shape;
    return day >= end - denseDays * DAY ? scrapeSeconds : sparseScrapeSeconds;
  }

  /** Samples the day that starts at `day` holds. */
  samplesOn(day: number): number {
    return (this.series * DAY) / this.scrapeSecondsOn(day);
  }

  /** One file per day into `dir`, oldest first; each yielded once written whole. */
  async *dayFiles(dir: string): AsyncGenerator<DayFile> {
    const { days, end } = this.#shape;
    for (let day = end - days * DAY; day < end; day += DAY) {
      const scrapeSeconds = this.scrapeSecondsOn(day);
      const path = join(dir, `day-${String(day)}.om.txt`);
      const file = await open(path, 'w');
      const seen = new Map<string, number>();
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      let at = chunk.write('# TYPE analytics_events counter\n');
      for (let time = day; time < day + DAY; time += scrapeSeconds) {
        const stamp = Buffer.from(` ${String(time)}\n`);
        const deploy = (time - DEPLOY_SECOND_OF_DAY) % (7 * DAY) === 0;
        for (const { name, resets, prefixes, perDay, values } of this.#names) {
          let events = 0;
          for (let index = 0; index < prefixes.length; index += 1) {
            let value = values[index] ?? 0;
            if (resets && deploy) value = 0;
            else {
              const increment = Math.floor(((perDay[index] ?? 0) * scrapeSeconds) / DAY + this.#random());
              value += increment;
              events += increment;
            }
            values[index] = value;
            if (at + MAX_LINE_BYTES > CHUNK_BYTES) {
              await file.write(chunk, 0, at);
              at = 0;
            }
            at += (prefixes[index] as Buffer).copy(chunk, at);
            at += chunk.write(String(value), at, 'latin1');
            at += stamp.copy(chunk, at);
          }
          seen.set(name, (seen.get(name) ?? 0) + events);
        }
      }
      at += chunk.write('# EOF\n', at);
      await file.write(chunk, 0, at);
      await file.close();
      this.seen.set(day, seen);
      yield { path, day };
    }
  }
}
