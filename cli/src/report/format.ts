/**
 * Rendering of the daily counts as rows of event_name, event_id, event_date and count, sorted, with
 * small-cell suppression: a count below `minCount` is never printed, and the number of hidden cells always is.
 */
import { OTHER } from 'quietcount';
import type { DailyCount } from './daily-increments.ts';

export const REPORT_FORMATS = ['table', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RenderOptions {
  readonly format: ReportFormat;
  readonly minCount: number | undefined;
  readonly from: string;
  readonly to: string;
}

export interface RenderedReport {
  readonly stdout: string;
  /** What stdout cannot say without breaking its format (csv): for stderr. */
  readonly notice: string | undefined;
}

const COLUMNS = ['event_name', 'event_id', 'event_date', 'count'] as const;
const INTEGER = /^[0-9]+$/;

/** Integer ids in numeric order, then UUIDs, then `__other__`. */
function compareEventIds(a: string, b: string): number {
  const rank = (id: string): number => (id === OTHER ? 2 : INTEGER.test(id) ? 0 : 1);
  const byRank = rank(a) - rank(b);
  if (byRank !== 0) return byRank;
  return rank(a) === 0 ? a.length - b.length || a.localeCompare(b, 'en') : a.localeCompare(b, 'en');
}

export function sortCounts(counts: readonly DailyCount[]): DailyCount[] {
  return [...counts].sort(
    (a, b) =>
      a.eventName.localeCompare(b.eventName, 'en') ||
      compareEventIds(a.eventId, b.eventId) ||
      a.eventDate.localeCompare(b.eventDate, 'en'),
  );
}

export function renderReport(counts: readonly DailyCount[], options: RenderOptions): RenderedReport {
  const { minCount } = options;
  const rows = sortCounts(counts);
  const isHidden = (row: DailyCount): boolean => minCount !== undefined && row.count < minCount;
  const hidden = rows.filter(isHidden).length;
  const shownCount = (row: DailyCount): string => (isHidden(row) ? `<${String(minCount)}` : String(row.count));
  const summary =
    minCount === undefined ? undefined : `${hidden} of ${rows.length} cells hidden: counts below ${minCount} are shown as <${minCount}`;
  const cells = rows.map((row) => [row.eventName, row.eventId, row.eventDate, shownCount(row)]);

  switch (options.format) {
    case 'json': {
      const report = {
        from: options.from,
        to: options.to,
        min_count: minCount ?? null,
        suppressed_cells: hidden,
        rows: rows.map((row) => ({
          event_name: row.eventName,
          event_id: row.eventId,
          event_date: row.eventDate,
          count: isHidden(row) ? null : row.count,
          suppressed: isHidden(row),
        })),
      };
      return { stdout: `${JSON.stringify(report, null, 2)}\n`, notice: undefined };
    }
    case 'csv':
      return { stdout: [COLUMNS, ...cells].map((line) => `${line.map(csvField).join(',')}\n`).join(''), notice: summary };
    case 'table': {
      const lines =
        rows.length === 0 ? [`no events counted from ${options.from} to ${options.to}`] : alignedTable([[...COLUMNS], ...cells]);
      return { stdout: [...lines, ...(summary === undefined ? [] : ['', summary])].map((line) => `${line}\n`).join(''), notice: undefined };
    }
  }
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Columns padded to their widest cell; the last (the count) aligned right. */
function alignedTable(lines: readonly string[][]): string[] {
  const widths = COLUMNS.map((_, column) => Math.max(...lines.map((line) => (line[column] ?? '').length)));
  return lines.map((line) =>
    line
      .map((cell, column) => (column === COLUMNS.length - 1 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  '),
  );
}
