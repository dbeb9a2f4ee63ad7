/**
 * aggregates.csv: one row per event and period, `event_name,period,count,suppressed`; a suppressed count is an empty
 * field and `true`. Event names and ISO days never need quoting. Totals are in aggregates.json and on the page.
 */
import type { AggregatesDocument } from '../aggregates.ts';

export const AGGREGATES_CSV = 'aggregates.csv';

const HEADER = 'event_name,period,count,suppressed';

export function renderCsv(document: AggregatesDocument): string {
  const rows = document.events.flatMap((event) =>
    event.cells.map(({ period, count }) => [event.event_name, period, count === null ? '' : String(count), String(count === null)].join(',')),
  );
  return [HEADER, ...rows].map((line) => `${line}\n`).join('');
}
