/**
 * Exact daily counts from raw counter samples, the way a counter is meant to be read:
 * - the increment of a series between two consecutive samples is `later - earlier`;
 * - a drop is a process restart: the counter started again from 0, so the increment is the later value itself;
 * - a series' first sample counts from 0 too (the app exports an event id once it has been counted);
 * - each increment belongs to the UTC day of the LATER sample, the scrape that saw it. Events between a day's last
 *   scrape and midnight, or in scrapes missed around midnight, are counted on the next day.
 * Series are summed per `event_name` and `event_id` (over instances, jobs and any other label).
 *
 * Nothing from the server is believed: a sample that is not a finite, non-negative integer, samples out of time
 * order, and (when a window is given) samples outside the time asked for are refused with an error that names the
 * series by its event_name and event_id, never a value.
 */
import { CommandError } from '../cli-io.ts';
import { DAY_MS, formatIsoDay } from '../days.ts';
import { printable } from './printable.ts';

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

/** Samples in two parallel arrays, the first `count` of them: what the answer reader hands over. */
export interface SampleArrays {
  readonly labels: Readonly<Record<string, string>>;
  readonly timestampsMs: ArrayLike<number>;
  readonly values: ArrayLike<number>;
  readonly count: number;
}

export interface DailyCount {
  readonly eventName: string;
  readonly eventId: string;
  /** `YYYY-MM-DD`, UTC. */
  readonly eventDate: string;
  readonly count: number;
}

/** Where samples may lie, both ends included; a sample at `startMs - 1` (Prometheus 2.x includes it) is skipped. */
export interface TimeWindow {
  readonly startMs: number;
  readonly endMs: number;
}

const KEY_SEPARATOR = '\u0000';
/** Days from 1970 to 9999: a timestamp outside is not one. */
const LAST_DAY = 2_932_896;

function seriesKey(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .filter((name) => name !== '__name__')
    .sort()
    .map((name) => `${name}=${labels[name] ?? ''}`)
    .join(KEY_SEPARATOR);
}

/** The series named by its schema labels only (other labels, such as instance, can hold an address). */
export function seriesName(labels: Readonly<Record<string, string>>): string {
  const label = (name: string): string => `${name}="${printable(labels[name] ?? '', 64)}"`;
  return `analytics_events_total{${label('event_name')}, ${label('event_id')}}`;
}

const isCount = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

function dayOf(timestampMs: number): string {
  const day = Math.floor(timestampMs / DAY_MS);
  return day >= 0 && day <= LAST_DAY ? ` on ${formatIsoDay(day * DAY_MS)}` : '';
}

export class DailyIncrements {
  readonly #lastValue = new Map<string, number>();
  /** `event_name \0 event_id` → UTC day number → count. */
  readonly #counts = new Map<string, Map<number, number>>();

  /** Remembers where each series stood before the report's first day, without counting anything. */
  setBaseline(series: Series): void {
    const last = series.samples.at(-1);
    if (last !== undefined) this.setBaselineValue(series.labels, last.value, last.timestampMs);
  }

  /** The same for one value (the last before the first day). */
  setBaselineValue(labels: Readonly<Record<string, string>>, value: number, timestampMs: number): void {
    if (!isCount(value)) throw notACount(labels, timestampMs);
    this.#lastValue.set(seriesKey(labels), value);
  }

  /** Counts samples that come after every sample given before for the same series. */
  add(series: Series): void {
    this.addSamples({
      labels: series.labels,
      timestampsMs: series.samples.map((sample) => sample.timestampMs),
      values: series.samples.map((sample) => sample.value),
      count: series.samples.length,
    });
  }

  /** The same from parallel arrays; with `window`, a sample outside it is refused. */
  addSamples(series: SampleArrays, window?: TimeWindow): void {
    const { labels, timestampsMs, values, count } = series;
    const key = seriesKey(labels);
    let previous = this.#lastValue.get(key);
    const cellKey = `${labels.event_name ?? ''}${KEY_SEPARATOR}${labels.event_id ?? ''}`;
    let days = this.#counts.get(cellKey);
    let day = Number.NaN;
    let dayCount = 0;
    let previousMs = Number.NEGATIVE_INFINITY;
    const flush = (): void => {
      if (dayCount === 0) return;
      days ??= new Map<number, number>();
      this.#counts.set(cellKey, days);
      days.set(day, (days.get(day) ?? 0) + dayCount);
    };
    for (let index = 0; index < count; index += 1) {
      const timestampMs = timestampsMs[index] ?? Number.NaN;
      const value = values[index] ?? Number.NaN;
      if (!Number.isFinite(timestampMs) || timestampMs <= previousMs) throw outOfOrder(labels);
      previousMs = timestampMs;
      if (window !== undefined) {
        if (timestampMs === window.startMs - 1) continue;
        if (timestampMs < window.startMs || timestampMs > window.endMs) throw outsideWindow(labels);
      }
      if (!isCount(value)) throw notACount(labels, timestampMs);
      const increment = previous === undefined || value < previous ? value : value - previous;
      previous = value;
      if (increment === 0) continue;
      const sampleDay = Math.floor(timestampMs / DAY_MS);
      if (sampleDay !== day) {
        flush();
        day = sampleDay;
        dayCount = 0;
      }
      dayCount += increment;
    }
    flush();
    if (previous !== undefined) this.#lastValue.set(key, previous);
  }

  /** Cells with a count above zero, in no particular order. */
  counts(): DailyCount[] {
    return [...this.#counts].flatMap(([cell, days]) => {
      const [eventName = '', eventId = ''] = cell.split(KEY_SEPARATOR);
      return [...days].map(([day, count]) => ({ eventName, eventId, eventDate: formatIsoDay(day * DAY_MS), count }));
    });
  }
}

function notACount(labels: Readonly<Record<string, string>>, timestampMs: number): CommandError {
  return new CommandError(
    `${seriesName(labels)} has a sample${dayOf(timestampMs)} that is not a count (a finite, non-negative integer, as the app exports): refused`,
  );
}

function outOfOrder(labels: Readonly<Record<string, string>>): CommandError {
  return new CommandError(`${seriesName(labels)} has samples out of time order, or a time that is not one: refused`);
}

function outsideWindow(labels: Readonly<Record<string, string>>): CommandError {
  return new CommandError(`${seriesName(labels)} has a sample outside the time asked for: refused, it is never counted`);
}
