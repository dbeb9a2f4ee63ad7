/**
 * The publication: for each published event, its exact count per period goes through disclosure control, and only
 * what comes out is kept. Everything written (JSON, CSV, HTML) is rendered from this and from nothing else, so no
 * renderer can see a suppressed count.
 */
import type { CatalogModel } from 'quietcount';
import { DAY_MS, formatIsoDay } from '../days.ts';
import type { DailyTotals } from './counts.ts';
import { protectRow } from './disclosure/protect.ts';
import { nextPeriodStart, periodsBetween, type Period } from './periods.ts';

/** aggregates.json, field for field. */
export interface AggregatesDocument {
  readonly parameters: {
    readonly minCount: number;
    readonly rounding: number;
    readonly from: string;
    readonly to: string;
    readonly period: Period;
    readonly generatedFrom: string;
  };
  readonly events: readonly PublishedEvent[];
}

export interface PublishedEvent {
  readonly event_name: string;
  readonly title: string;
  /** One per period of the range, in order; `count` is null where suppressed. */
  readonly cells: readonly { readonly period: string; readonly count: number | null }[];
  readonly total: number | null;
}

export interface Publication {
  /** The page's title, from the catalog. */
  readonly title: string;
  readonly document: AggregatesDocument;
  /** `event_name` → its description in the catalog, for the page. */
  readonly descriptions: ReadonlyMap<string, string>;
}

export interface PublicationRequest {
  readonly catalog: CatalogModel;
  readonly period: Period;
  readonly fromDay: number;
  readonly toDay: number;
  readonly daily: DailyTotals;
  readonly generatedFrom: string;
}

export function buildPublication(request: PublicationRequest): Publication {
  const { catalog, period } = request;
  const { minCount, rounding, eventNames } = catalog.publication;
  const periods = periodsBetween(period, request.fromDay, request.toDay);
  const events = eventNames.map((eventName): PublishedEvent => {
    const days = request.daily.get(eventName) ?? new Map<string, number>();
    const counts = periods.map((start) => countInPeriod(days, start, nextPeriodStart(period, start)));
    const row = protectRow(counts, { minCount, rounding });
    return {
      event_name: eventName,
      title: catalog.events.get(eventName)?.displayName ?? eventName,
      cells: periods.map((start, index) => ({ period: formatIsoDay(start), count: row.cells[index] ?? null })),
      total: row.total,
    };
  });
  return {
    title: catalog.publication.title,
    document: {
      parameters: { minCount, rounding, from: formatIsoDay(request.fromDay), to: formatIsoDay(request.toDay), period, generatedFrom: request.generatedFrom },
      events,
    },
    descriptions: new Map(eventNames.map((name) => [name, catalog.events.get(name)?.description ?? ''])),
  };
}

/** Events from the day starting at `startMs` up to the day before `endMs`; a day without events adds 0. */
function countInPeriod(days: ReadonlyMap<string, number>, startMs: number, endMs: number): number {
  let count = 0;
  for (let day = startMs; day < endMs; day += DAY_MS) count += days.get(formatIsoDay(day)) ?? 0;
  return count;
}
