/**
 * The PromQL of every daily panel: whole UTC days from the day rule, and today so far from the 5-minute tiles, with
 * the same day edges.
 *
 * Grafana runs a daily panel as a range query at steps of one day, its start and end rounded down to multiples of the
 * step (the dashboards are in UTC, so to UTC midnights): the last step is today's midnight, never a later one. So the
 * value at a step T is the day that begins at T, read forwards with `offset -1d` (a window ending a day after T):
 * - a whole day: the one sample the day rule records at the days group's last evaluation before the next midnight
 *   (up to 5 minutes before it), with the tiles it added up, from just after the last evaluation before T;
 * - today: the tiles recorded since the last evaluation before T, which are the tiles since T, until the day rule
 *   records the day just before midnight.
 * Today's part is pinned to the end of the range (`@ end()`): it reads one day of tiles however long the range is,
 * which keeps 180-day panels fast (the tiles of 180 days are 288 times the day rule's samples).
 */
import { DAILY_USAGE, USAGE_TILES } from '../rules/rule-names.ts';
import { usageSelector } from '../../promql.ts';

/** The step of every daily panel, and the width of a day. */
export const ONE_DAY = '1d';

/** Which usage series a panel reads: event names (all of them when empty) and further matchers (the event id). */
export interface UsageSelection {
  readonly eventNames: readonly string[];
  readonly matchers: readonly string[];
}

/** At a step T, the day rule's count of the UTC day that begins at T, when it has been recorded. */
export function wholeDay(selection: UsageSelection): string {
  return `last_over_time(${usageSelector(DAILY_USAGE, selection.eventNames, selection.matchers)}[${ONE_DAY}] offset -${ONE_DAY})`;
}

/** At a step T, the tiles of the day that begins at T, unless the day rule has recorded that day. */
function dayFromTiles(selection: UsageSelection): string {
  return `sum_over_time(${usageSelector(USAGE_TILES, selection.eventNames, selection.matchers)}[${ONE_DAY}] offset -${ONE_DAY}) unless ${wholeDay(selection)}`;
}

/**
 * Today so far, at the time of an instant query: the subquery's one step is today's midnight (subquery steps are
 * multiples of their resolution).
 */
export function todaySoFar(selection: UsageSelection): string {
  return `last_over_time((${dayFromTiles(selection)})[${ONE_DAY}:${ONE_DAY}])`;
}

/** A range query's last step: `time()` at that step is the range's end (the one-step subquery reads it there). */
const AT_LAST_STEP = 'on() (vector(time()) >= scalar(max_over_time(vector(time())[1s:1s] @ end())))';

/** In a range query of daily steps, today so far at today's step (the range's end) and nothing at the others. */
export function todayAtLastStep(selection: UsageSelection, by: readonly string[]): string {
  return `${sumBy(by, `last_over_time((${dayFromTiles(selection)})[${ONE_DAY}:${ONE_DAY}] @ end())`)} and ${AT_LAST_STEP}`;
}

/** In a range query of daily steps, the whole days. */
export function wholeDays(selection: UsageSelection, by: readonly string[]): string {
  return sumBy(by, wholeDay(selection));
}

/**
 * At the time of an instant query, the days that began within `$__range` before it: the whole ones from the day
 * rule (a subquery at each midnight), and today so far. Each part gets a `part` label so that `or` keeps both before
 * the sum adds them.
 */
export function daysInRange(selection: UsageSelection, by: readonly string[]): string {
  const days = `label_replace(sum_over_time((${wholeDay(selection)})[$__range:${ONE_DAY}]), "part", "days", "", "")`;
  const today = `label_replace(${todaySoFar(selection)}, "part", "today", "", "")`;
  return sumBy(by, `${days} or ${today}`);
}

export function todayTotal(selection: UsageSelection, by: readonly string[]): string {
  return sumBy(by, todaySoFar(selection));
}

function sumBy(by: readonly string[], expr: string): string {
  return by.length === 0 ? `sum(${expr})` : `sum by (${by.join(', ')}) (${expr})`;
}
