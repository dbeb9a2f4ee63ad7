/** Text on the page: HTML escaping, and numbers and periods written the same way on every machine (no locale). */
import type { Period } from '../periods.ts';

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);
}

/** 12345 → "12,345". */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const monthName = (isoDay: string): string => MONTHS[Number(isoDay.slice(5, 7)) - 1] ?? isoDay;

/** A period as a table row names it: `2026-11-02`, or `November 2026` for a month. */
export function periodLabel(period: Period, isoDay: string): string {
  return period === 'month' ? `${monthName(isoDay)} ${isoDay.slice(0, 4)}` : isoDay;
}

/** A period under a bar: `2 Nov`, or `Nov 2026` for a month. */
export function shortPeriodLabel(period: Period, isoDay: string): string {
  const month = monthName(isoDay).slice(0, 3);
  return period === 'month' ? `${month} ${isoDay.slice(0, 4)}` : `${String(Number(isoDay.slice(8, 10)))} ${month}`;
}

/** The heading of the period column. */
export const PERIOD_HEADING: Readonly<Record<Period, string>> = { day: 'Day (UTC)', week: 'Week from Monday (UTC)', month: 'Month (UTC)' };

/** "per week", as the page's sentences say it. */
export const PERIOD_WORD: Readonly<Record<Period, string>> = { day: 'day', week: 'week (Monday to Sunday)', month: 'calendar month' };
