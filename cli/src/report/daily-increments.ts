/**
 * Exact daily counts from raw counter samples, the way a counter is meant to be read:
 * - the increment of a series between two consecutive samples is `later - earlier`;
 * - a drop is a process restart: the counter started again from 0, so the increment is the later value itself;
 * - a series' first sample counts from 0 too (the app exports an event id once it has been counted);
 * - each increment belongs to the UTC day of the LATER sample, the scrape that saw it. Events between a day's last
 *   scrape and midnight, or in scrapes missed around midnight, are counted on the next day.
 * Series are summed per `event_name` and `event_id` (over instances, jobs and any other label).
 */
import { formatIsoDay } from '../days.ts';

export interface Sample {
  readonly timestampMs: number;
  readonly value: number;
}

export interface Series {
  /** All labels of the series; `__name__` is ignored. */
  readonly labels: Readonly<Record<string, string>>;
  /** In time order. */
  readonly samples: readonly Sample[];
}

export interface DailyCount {
  readonly eventName: string;
  readonly eventId: string;
  /** `YYYY-MM-DD`, UTC. */
  readonly eventDate: string;
  readonly count: number;
}

const KEY_SEPARATOR = '\u0000';

function seriesKey(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .filter((name) => name !== '__name__')
    .sort()
    .map((name) => `${name}=${labels[name] ?? ''}`)
    .join(KEY_SEPARATOR);
}

export class DailyIncrements {
  readonly #lastValue = new Map<string, number>();
  /** `event_name \0 event_id \0 YYYY-MM-DD` → count. */
  readonly #counts = new Map<string, number>();

  /** Remembers where each series stood before the report's first day, without counting anything. */
  setBaseline(series: Series): void {
    const last = series.samples.at(-1);
    if (last !== undefined) this.#lastValue.set(seriesKey(series.labels), last.value);
  }

  /** Counts samples that come after every sample given before for the same series. */
  add(series: Series): void {
    const key = seriesKey(series.labels);
    let previous = this.#lastValue.get(key);
    const eventName = series.labels.event_name ?? '';
    const eventId = series.labels.event_id ?? '';
    for (const { timestampMs, value } of series.samples) {
      const increment = previous === undefined || value < previous ? value : value - previous;
      previous = value;
      if (increment > 0) {
        const cell = [eventName, eventId, formatIsoDay(timestampMs)].join(KEY_SEPARATOR);
        this.#counts.set(cell, (this.#counts.get(cell) ?? 0) + increment);
      }
    }
    if (previous !== undefined) this.#lastValue.set(key, previous);
  }

  /** Cells with a count above zero, in no particular order. */
  counts(): DailyCount[] {
    return [...this.#counts].map(([cell, count]) => {
      const [eventName = '', eventId = '', eventDate = ''] = cell.split(KEY_SEPARATOR);
      return { eventName, eventId, eventDate, count };
    });
  }
}
