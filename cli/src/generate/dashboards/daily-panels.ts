/**
 * The two panels every daily view is made of: bars per UTC day (whole days, and today's partial bar set apart), and a
 * table of today so far and the days in the chosen range. The product usage overview and the per-event view differ
 * only in what they select and group by.
 */
import {
  BarAlignment,
  GraphDrawStyle,
  LegendDisplayMode,
  LegendPlacement,
  StackingConfigBuilder,
  StackingMode,
  VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import type { DynamicConfigValue } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeSeriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { daysInRange, ONE_DAY, todayAtLastStep, todayTotal, wholeDays, type UsageSelection } from './daily-queries.ts';
import { describedPanel, instantTableQuery, rangeQuery, type PanelSpec } from './panels.ts';
import { labelTotalsTable } from './tables.ts';

/** The refId of today's partial bar: the panel draws it apart from the whole days (refId A). */
export const TODAY_REF_ID = 'B';
/** What today's partial bar is called in the tooltip, after the series' own name. */
export const TODAY_SUFFIX = 'today (so far)';
/** Today's partial bar: one colour for every series, paler than the whole days, so no one takes it for a whole day. */
const TODAY_COLOUR = 'text';
const TODAY_FILL_OPACITY = 35;

export const TODAY_COLUMN = 'Today (so far)';
export const IN_RANGE_COLUMN = 'In range';

/** A data link: Grafana's `links` field config. */
export interface DataLink {
  readonly title: string;
  readonly url: string;
}

export interface DailyBarsSpec extends PanelSpec {
  readonly selection: UsageSelection;
  /** The labels the bars are stacked by (none: one bar per day). */
  readonly by: readonly string[];
  /** e.g. `{{event_id}}`. */
  readonly legend: string;
  /** Where a click on a bar leads, with the series' labels (`${__field.labels.event_id}`). */
  readonly link?: DataLink;
}

export const DAY_EDGES =
  'A day runs from the last evaluation of the rules before one UTC midnight to the last before the next (up to 5 minutes before it)';

/** Bars per UTC day, each drawn over the day it counts, stacked; today's partial bar pale and named apart. */
export function dailyBarsPanel(spec: DailyBarsSpec): TimeSeriesPanel {
  const linkTo = spec.link === undefined ? [] : [{ id: 'links', value: [{ title: spec.link.title, url: spec.link.url }] }];
  const todayLook: DynamicConfigValue[] = [
    { id: 'color', value: { mode: 'fixed', fixedColor: TODAY_COLOUR } },
    { id: 'custom.fillOpacity', value: TODAY_FILL_OPACITY },
    // The legend lists each series once, by its whole days; the tooltip names today's part.
    { id: 'custom.hideFrom', value: { legend: true, tooltip: false, viz: false } },
  ];
  return describedPanel(new TimeSeriesPanel(), spec)
    .interval(ONE_DAY)
    .decimals(0)
    .min(0)
    .drawStyle(GraphDrawStyle.Bars)
    // A step is the midnight that begins the day it counts.
    .barAlignment(BarAlignment.After)
    .fillOpacity(80)
    .stacking(new StackingConfigBuilder().mode(StackingMode.Normal))
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom))
    .withTarget(rangeQuery(wholeDays(spec.selection, spec.by), spec.legend, 'A'))
    .withTarget(rangeQuery(todayAtLastStep(spec.selection, spec.by), `${spec.legend} ${TODAY_SUFFIX}`.trim(), TODAY_REF_ID))
    .overrideByQuery('A', linkTo)
    .overrideByQuery(TODAY_REF_ID, [...todayLook, ...linkTo]);
}

export interface DailyTotalsSpec extends PanelSpec {
  readonly selection: UsageSelection;
  /** One row per value of these labels. */
  readonly by: readonly string[];
  /** Where a click on the first label's cell leads (`${__value.raw}`). */
  readonly link?: DataLink;
}

/** Per row: today so far, and the days that began within the chosen range (today so far included). */
export function dailyTotalsPanel(spec: DailyTotalsSpec): TablePanel {
  const table = labelTotalsTable(
    spec,
    spec.by,
    [
      { refId: 'A', title: TODAY_COLUMN },
      { refId: 'B', title: IN_RANGE_COLUMN },
    ],
  )
    .withTarget(instantTableQuery(todayTotal(spec.selection, spec.by), 'A'))
    .withTarget(instantTableQuery(daysInRange(spec.selection, spec.by), 'B'));
  const [first] = spec.by;
  return spec.link === undefined || first === undefined
    ? table
    : table.overrideByName(first, [{ id: 'links', value: [{ title: spec.link.title, url: spec.link.url }] }]);
}
