/**
 * Rendering of the daily counts as rows of event_name, event_id, event_date and count, with small-cell suppression:
 * a count below `minCount` is never printed, and the number of hidden cells always is. csv and json are written
 * row by row as the counts arrive (a month of a thousand ids is hundreds of thousands of rows); the table keeps its
 * rows to align its columns. Every cell is written so that no value can break its format: label values come from a
 * server, and a newline or an escape sequence in one must not forge a row or move a terminal's cursor (the
 * collection refuses such values already; this is the second line).
 */
import type { DailyCount } from './daily-increments.ts';
import { sortCounts } from './order.ts';
import { printable } from './printable.ts';

export { sortCounts } from './order.ts';

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

/** Text for stdout as rows come, in order; `end` gives the rest and the notice for stderr. */
export interface ReportRenderer {
  start(): string;
  row(count: DailyCount): string;
  end(): RenderedReport;
}

/** The whole report of `counts` (sorted here) as one text. */
export function renderReport(counts: readonly DailyCount[], options: RenderOptions): RenderedReport {
  const renderer = reportRenderer(options);
  const parts = [renderer.start(), ...sortCounts(counts).map((count) => renderer.row(count))];
  const { stdout, notice } = renderer.end();
  return { stdout: parts.join('') + stdout, notice };
}

/** Writes the report of `counts` (already in the report's order) through `write`; returns the notice for stderr. */
export async function writeReport(counts: AsyncIterable<DailyCount>, options: RenderOptions, write: (text: string) => Promise<void>): Promise<string | undefined> {
  const renderer = reportRenderer(options);
  // Nothing is written before the first count is known: an error while reading the first block leaves stdout empty.
  let pending: string[] = [renderer.start()];
  for await (const count of counts) {
    pending.push(renderer.row(count));
    if (pending.length >= 1_000) {
      await write(pending.join(''));
      pending = [];
    }
  }
  const { stdout, notice } = renderer.end();
  await write(pending.join('') + stdout);
  return notice;
}

export function reportRenderer(options: RenderOptions): ReportRenderer {
  const { minCount } = options;
  let rows = 0;
  let hidden = 0;
  const shown = (count: DailyCount): { hide: boolean; text: string } => {
    rows += 1;
    const hide = minCount !== undefined && count.count < minCount;
    if (hide) hidden += 1;
    return { hide, text: hide ? `<${String(minCount)}` : String(count.count) };
  };
  const summary = (): string | undefined =>
    minCount === undefined ? undefined : `${hidden} of ${rows} cells hidden: counts below ${minCount} are shown as <${minCount}`;

  switch (options.format) {
    case 'json':
      return {
        start: () => `{\n  "from": ${JSON.stringify(options.from)},\n  "to": ${JSON.stringify(options.to)},\n  "min_count": ${JSON.stringify(minCount ?? null)},\n  "rows": [`,
        row: (count) => {
          const { hide } = shown(count);
          const row = { event_name: count.eventName, event_id: count.eventId, event_date: count.eventDate, count: hide ? null : count.count, suppressed: hide };
          return `${rows === 1 ? '' : ','}\n${JSON.stringify(row, null, 2).replaceAll('\n', '\n    ').replace(/^/, '    ')}`;
        },
        end: () => ({ stdout: `${rows === 0 ? '' : '\n  '}],\n  "suppressed_cells": ${hidden}\n}\n`, notice: undefined }),
      };
    case 'csv':
      return {
        start: () => `${COLUMNS.join(',')}\n`,
        row: (count) => `${[count.eventName, count.eventId, count.eventDate, shown(count).text].map(csvField).join(',')}\n`,
        end: () => ({ stdout: '', notice: summary() }),
      };
    case 'table': {
      const cells: string[][] = [];
      return {
        start: () => '',
        row: (count) => {
          cells.push([cell(count.eventName), cell(count.eventId), cell(count.eventDate), shown(count).text]);
          return '';
        },
        end: () => {
          const lines = rows === 0 ? [`no events counted from ${options.from} to ${options.to}`] : alignedTable([[...COLUMNS], ...cells]);
          const text = summary();
          return { stdout: [...lines, ...(text === undefined ? [] : ['', text])].map((line) => `${line}\n`).join(''), notice: undefined };
        },
      };
    }
  }
}

/** A value on one line, whole. */
const cell = (value: string): string => printable(value, Number.POSITIVE_INFINITY);

/** RFC 4180 quoting, on a value made printable first: one record per line whatever the value holds. */
function csvField(value: string): string {
  const safe = cell(value);
  return /[",]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Columns padded to their widest cell; the last (the count) aligned right. */
function alignedTable(lines: readonly string[][]): string[] {
  const widths = COLUMNS.map((_, column) => lines.reduce((widest, line) => Math.max(widest, (line[column] ?? '').length), 0));
  return lines.map((line) =>
    line
      .map((cell, column) => (column === COLUMNS.length - 1 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  '),
  );
}
