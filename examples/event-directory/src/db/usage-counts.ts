/**
 * The usage counters derived from the append-only logs: cumulative counts per event, read at each scrape, so they
 * survive restarts and never go down.
 *
 * A log only grows and its rowids only increase (UPDATE and DELETE are refused by triggers), so the totals are kept
 * between scrapes and each scrape counts only the rows added since the previous one: the first scrape after a start
 * counts everything, later ones cost what changed, not the size of the history.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { EventCount, TableEventName } from 'quietcount';
import type { AppTelemetry, catalog } from '../telemetry.ts';
import { integerColumn } from './rows.ts';
import type { APPEND_ONLY_TABLES } from './schema.ts';

interface LogQuery {
  readonly table: (typeof APPEND_ONLY_TABLES)[number];
  /** Which rows of the log count for this event name. */
  readonly rows: string;
}

const logQueries: Record<TableEventName<typeof catalog>, LogQuery> = {
  event_signup: { table: 'signups', rows: 'TRUE' },
  profile_visibility_on: { table: 'visibility_changes', rows: 'visible = 1' },
  profile_visibility_off: { table: 'visibility_changes', rows: 'visible = 0' },
  consent_granted: { table: 'consent_changes', rows: 'granted = 1' },
  consent_withdrawn: { table: 'consent_changes', rows: 'granted = 0' },
};

export function observeUsageTables(telemetry: AppTelemetry, db: DatabaseSync): void {
  for (const [eventName, query] of Object.entries(logQueries) as [TableEventName<typeof catalog>, LogQuery][]) {
    const readCounts = runningTotals(db, query);
    // The one pass over the whole history happens here, at start, rather than inside the first scrape.
    readCounts();
    telemetry.observeTable(eventName, readCounts);
  }
}

function runningTotals(db: DatabaseSync, { table, rows }: LogQuery): () => EventCount[] {
  const countNewRows = db.prepare(`
    SELECT event_id, COUNT(*) AS count, MAX(id) AS last_id FROM ${table}
    WHERE id > :after AND ${rows}
    GROUP BY event_id ORDER BY event_id`);
  const totals = new Map<number, number>();
  let after = 0;
  return () => {
    for (const row of countNewRows.all({ after })) {
      const eventId = integerColumn(row, 'event_id');
      totals.set(eventId, (totals.get(eventId) ?? 0) + integerColumn(row, 'count'));
      after = Math.max(after, integerColumn(row, 'last_id'));
    }
    return Array.from(totals, ([eventId, count]) => ({ eventId, count }));
  };
}
