/**
 * Totals as tables: one row per label value, largest first, with the sum in the footer. A table rather than a stat
 * because the rows (events, endpoints, reasons) are the answer; a stat would fold them into one number.
 */
import { TableFooterOptionsBuilder, TableSortByFieldStateBuilder } from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { describedPanel, type PanelSpec } from './panels.ts';

export interface ValueColumn {
  /** The query whose `Value` fills the column. */
  readonly refId: string;
  readonly title: string;
}

/**
 * Rows of instant table queries (`format: table`) that group by the same labels, merged on those labels: the label
 * columns in order, then one value column per query. Sorted by the last value column, largest first.
 */
export function labelTotalsTable(spec: PanelSpec, labels: readonly string[], columns: readonly ValueColumn[]): TablePanel {
  // Grafana names the value column `Value` for a single query and `Value #<refId>` when frames are merged.
  const valueField = (column: ValueColumn): string => (columns.length === 1 ? 'Value' : `Value #${column.refId}`);
  const indexByName = Object.fromEntries([...labels, ...columns.map(valueField)].map((name, index) => [name, index]));
  const renameByName = Object.fromEntries(columns.map((column) => [valueField(column), column.title]));
  const titles = columns.map((column) => column.title);
  const sortColumn = titles.at(-1) ?? '';
  return describedPanel(new TablePanel(), spec)
    .decimals(0)
    .transformations([
      { id: 'merge', options: {} },
      { id: 'organize', options: { excludeByName: { Time: true }, indexByName, renameByName } },
    ])
    .sortBy([new TableSortByFieldStateBuilder().displayName(sortColumn).desc(true)])
    .footer(new TableFooterOptionsBuilder().show(true).reducer(['sum']).fields(titles));
}
