/**
 * The exact daily counts behind the page, as `quietcount report` computes them (its collection, unchanged), for the
 * published events only and summed over their event ids: no event id, endpoint or rejection reason is ever read
 * into a publication. The one place publish talks to Prometheus.
 */
import { collectDailyCounts, USAGE_METRIC } from '../report/collect.ts';
import { openConnection, type ConnectionOptions } from './connection.ts';

/** What the page says its figures come from (`generatedFrom`): the source, never where it runs or when it was read. */
export const COUNTS_SOURCE = `exact daily counts of ${USAGE_METRIC} (as quietcount report reads them), summed over event ids and app instances`;

/** `event_name` → `YYYY-MM-DD` (UTC) → events that day; days without events are absent. */
export type DailyTotals = ReadonlyMap<string, ReadonlyMap<string, number>>;

export interface DailyTotalsRequest {
  readonly connection: ConnectionOptions;
  /** Never empty: an empty list would select every event name. */
  readonly eventNames: readonly string[];
  readonly fromDay: number;
  readonly toDay: number;
  readonly onWarning: (warning: string) => void;
}

export async function readDailyTotals(request: DailyTotalsRequest): Promise<DailyTotals> {
  if (request.eventNames.length === 0) throw new Error('readDailyTotals needs the published event names');
  const counts = collectDailyCounts({
    connection: openConnection(request.connection),
    eventNames: request.eventNames,
    eventIds: [],
    fromDay: request.fromDay,
    toDay: request.toDay,
    onWarning: request.onWarning,
  });
  const totals = new Map<string, Map<string, number>>();
  for await (const { eventName, eventDate, count } of counts) {
    const days = totals.get(eventName) ?? new Map<string, number>();
    days.set(eventDate, (days.get(eventDate) ?? 0) + count);
    totals.set(eventName, days);
  }
  return totals;
}
