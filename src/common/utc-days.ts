/**
 * UTC calendar days, held as the epoch milliseconds of their midnight: the unit of the report and of catalog dates.
 */
export const DAY_MS = 86_400_000;

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The midnight (UTC) of a `YYYY-MM-DD` day, or `undefined` when the text is not a real calendar day. */
export function parseIsoDay(text: string): number | undefined {
  const match = ISO_DAY.exec(text);
  if (match === null) return undefined;
  const dayStart = Date.parse(`${text}T00:00:00Z`);
  // Date.parse rolls 2025-02-30 over to March: a real day formats back to the text it came from.
  return Number.isNaN(dayStart) || formatIsoDay(dayStart) !== text ? undefined : dayStart;
}

export function formatIsoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

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

/** Today, `YYYY-MM-DD` in UTC. */
export function todayUtc(now: Date = new Date()): string {
  return formatIsoDay(now.getTime());
}
