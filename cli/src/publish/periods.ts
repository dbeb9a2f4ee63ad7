/**
 * The periods of a publication: UTC days, ISO weeks (Monday to Sunday) or calendar months, each named by its first
 * day. A range covers whole periods only, so every cell counts the same span of days as its neighbours.
 */
import { DAY_MS, formatIsoDay } from '../days.ts';

export const PERIODS = ['day', 'week', 'month'] as const;
export type Period = (typeof PERIODS)[number];

/** How many periods the page shows when `--from` is not given. */
export const DEFAULT_PERIOD_COUNT: Readonly<Record<Period, number>> = { day: 28, week: 12, month: 6 };

/** The midnight (UTC) of the first day of the period that contains the day starting at `dayMs`. */
export function periodStart(period: Period, dayMs: number): number {
  const date = new Date(dayMs);
  switch (period) {
    case 'day':
      return dayMs;
    case 'week':
      // getUTCDay() is 0 on Sunday: days since Monday.
      return dayMs - ((date.getUTCDay() + 6) % 7) * DAY_MS;
    case 'month':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  }
}

/** The midnight (UTC) of the first day of the period after the one starting at `startMs`. */
export function nextPeriodStart(period: Period, startMs: number): number {
  switch (period) {
    case 'day':
      return startMs + DAY_MS;
    case 'week':
      return startMs + 7 * DAY_MS;
    case 'month': {
      const date = new Date(startMs);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    }
  }
}

/** The last day (its midnight, UTC) of the period that contains `dayMs`. */
export function periodEnd(period: Period, dayMs: number): number {
  return nextPeriodStart(period, periodStart(period, dayMs)) - DAY_MS;
}

/** The first days of the periods from the one starting at `fromDay` to the one ending at `toDay`. */
export function periodsBetween(period: Period, fromDay: number, toDay: number): number[] {
  const starts: number[] = [];
  for (let start = periodStart(period, fromDay); start <= toDay; start = nextPeriodStart(period, start)) starts.push(start);
  return starts;
}

/** Why `fromDay` … `toDay` does not cover whole periods, or `undefined` when it does. */
export function wholePeriodsProblem(period: Period, fromDay: number, toDay: number): string | undefined {
  const problems: string[] = [];
  if (periodStart(period, fromDay) !== fromDay) {
    problems.push(`--from ${formatIsoDay(fromDay)} is not the first day of a ${period}: that ${period} starts on ${formatIsoDay(periodStart(period, fromDay))}`);
  }
  if (periodEnd(period, toDay) !== toDay) {
    problems.push(`--to ${formatIsoDay(toDay)} is not the last day of a ${period}: that ${period} ends on ${formatIsoDay(periodEnd(period, toDay))}`);
  }
  return problems.length === 0 ? undefined : `${problems.join('; ')} (--period ${period} publishes whole ${WHOLE_PERIODS[period]})`;
}

const WHOLE_PERIODS: Readonly<Record<Period, string>> = {
  day: 'UTC days',
  week: 'ISO weeks, Monday to Sunday',
  month: 'calendar months',
};
