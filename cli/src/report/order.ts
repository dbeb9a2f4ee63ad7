/** The order of the report's rows: event names, then event ids (integers in numeric order, UUIDs, `__other__`), then days. */
import { OTHER } from 'quietcount';
import type { DailyCount } from './daily-increments.ts';

const INTEGER = /^[0-9]+$/;

export function compareEventNames(a: string, b: string): number {
  return a.localeCompare(b, 'en');
}

/** Integer ids in numeric order, then UUIDs, then `__other__`. */
export function compareEventIds(a: string, b: string): number {
  const rank = (id: string): number => (id === OTHER ? 2 : INTEGER.test(id) ? 0 : 1);
  const byRank = rank(a) - rank(b);
  if (byRank !== 0) return byRank;
  return rank(a) === 0 ? a.length - b.length || a.localeCompare(b, 'en') : a.localeCompare(b, 'en');
}

export function sortCounts(counts: readonly DailyCount[]): DailyCount[] {
  return [...counts].sort(
    (a, b) => compareEventNames(a.eventName, b.eventName) || compareEventIds(a.eventId, b.eventId) || a.eventDate.localeCompare(b.eventDate, 'en'),
  );
}
