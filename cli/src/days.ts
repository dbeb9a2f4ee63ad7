/**
 * UTC calendar days as the report and the publication count them: each held as the epoch milliseconds of its
 * midnight. Days are written and read as the catalog writes them (`parseIsoDay`, `formatIsoDay` of quietcount).
 */
export { formatIsoDay, parseIsoDay, todayUtc } from 'quietcount';

export const DAY_MS = 86_400_000;

/** The midnight (UTC) of the day that contains `ms`. */
export function utcDayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** Midnights from `firstDay` to `lastDay`, both included. */
export function daysBetween(firstDay: number, lastDay: number): number[] {
  const days: number[] = [];
  for (let day = firstDay; day <= lastDay; day += DAY_MS) days.push(day);
  return days;
}
