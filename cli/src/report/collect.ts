/**
 * Reads the raw samples one UTC day at a time, oldest first, and feeds them to the counter: memory stays bounded by
 * the number of series, not the length of the range. The day before `from` is read too, only for each series' last
 * value, so that the first increment of `from` is exact.
 */
import { DAY_MS, daysBetween } from '../days.ts';
import { DailyIncrements, type DailyCount, type Series } from './daily-increments.ts';
import type { PrometheusApi } from './prometheus-api.ts';

export interface CollectOptions {
  readonly api: PrometheusApi;
  readonly selector: string;
  /** Midnights (UTC) of the first and last day reported, both included. */
  readonly fromDay: number;
  readonly toDay: number;
  /** Called after each day is read (the day before `from` included). */
  readonly onDayRead: () => void;
}

/** The number of day queries `collectDailyCounts` makes, for progress. */
export const dayQueries = (fromDay: number, toDay: number): number => daysBetween(fromDay, toDay).length + 1;

export async function collectDailyCounts(options: CollectOptions): Promise<DailyCount[]> {
  const { api, selector, fromDay, toDay, onDayRead } = options;
  const increments = new DailyIncrements();
  const readDay = async (dayStart: number): Promise<Series[]> => {
    // Evaluated at the day's last millisecond, the range reaches back to its first (timestamps are in ms). Prometheus
    // 2.x also includes the left end, the previous day's last millisecond: a sample read twice in a row adds 0.
    const series = await api.rawSamples(selector, DAY_MS / 1000, dayStart + DAY_MS - 1);
    onDayRead();
    return series;
  };
  for (const series of await readDay(fromDay - DAY_MS)) increments.setBaseline(series);
  for (const day of daysBetween(fromDay, toDay)) {
    for (const series of await readDay(day)) increments.add(series);
  }
  return increments.counts();
}
