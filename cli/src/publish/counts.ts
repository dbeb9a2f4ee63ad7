/**
 * The exact daily counts behind the page, as `quietcount report` computes them (its collection, unchanged), for the
 * published events only and summed over their event ids: no event id, endpoint or rejection reason is ever read
 * into a publication. The one place publish talks to Prometheus.
 */
import type { MetricName } from 'quietcount';
import { usageSelector } from '../promql.ts';
import { authorizationHeader } from '../report/auth.ts';
import { collectDailyCounts } from '../report/collect.ts';
import { PrometheusApi } from '../report/prometheus-api.ts';
import type { ConnectionOptions } from './connection.ts';

const USAGE_METRIC: MetricName = 'analytics_events_total';

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
  const { auth } = request.connection;
  const api = new PrometheusApi({
    baseUrl: request.connection.prometheusUrl,
    auth: auth === undefined ? undefined : { option: auth, header: authorizationHeader(auth) },
    onWarning: request.onWarning,
  });
  const counts = await collectDailyCounts({
    api,
    selector: usageSelector(USAGE_METRIC, request.eventNames),
    fromDay: request.fromDay,
    toDay: request.toDay,
    onDayRead: () => undefined,
  });
  const totals = new Map<string, Map<string, number>>();
  for (const { eventName, eventDate, count } of counts) {
    const days = totals.get(eventName) ?? new Map<string, number>();
    days.set(eventDate, (days.get(eventDate) ?? 0) + count);
    totals.set(eventName, days);
  }
  return totals;
}
