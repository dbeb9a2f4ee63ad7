/**
 * Product usage: for every usage event of the app's catalog, daily counts per event id (never a person) and the
 * totals over the chosen range. One panel pair per catalog entry, so a new event name gets its panels by being
 * declared.
 */
import { QueryVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { BarAlignment, GraphDrawStyle, LegendDisplayMode, LegendPlacement, StackingConfigBuilder, StackingMode, VizLegendOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as TimeSeriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { OTHER, type CatalogModel } from 'quietcount';
import { displayName } from '../catalog-views.ts';
import { usageSelector } from '../../promql.ts';
import { datasourceRef, datasourceVariable } from './datasource.ts';
import { describedPanel, instantTableQuery, rangeQuery } from './panels.ts';
import { DAILY_USAGE, USAGE_TILES } from '../rules/rule-names.ts';
import { labelTotalsTable } from './tables.ts';
import { appDashboard, type ClassicDashboard } from './new-dashboard.ts';

const EVENT_ID_VARIABLE = 'event_id';
/** `:regex` escapes each chosen id and joins them with `|`; "All" sends the custom all value `.*` unescaped. */
const eventIdMatcher = `event_id=~"\${${EVENT_ID_VARIABLE}:regex}"`;

/**
 * The daily bars read the day rule at steps of exactly one day. Grafana rounds a range query's start and end down to
 * multiples of the step (shifted by the dashboard's UTC offset: 0, the dashboards are in UTC), so each step is a UTC
 * midnight, and `last_over_time(day[1d])` there is the one sample the day that ends at it recorded (up to 5 minutes
 * before it): each bar is one whole UTC day, drawn before the midnight that ends it. A step-1d query reads every
 * sample between its steps, so the day rule's one sample per day (the 24 h increase it replaced had 720) is what
 * keeps 180 days of 1,001 ids fast.
 */
const ONE_DAY = '1d';

export function productUsageDashboard(catalog: CatalogModel): ClassicDashboard {
  const dashboard = appDashboard(catalog, 'product-usage')
    .description(
      `How the product is used: for each usage event of the catalog, counts per event id (${catalog.eventIdMeaning}; never a person) per UTC day, and totals over the chosen range.`,
    )
    .time({ from: 'now-30d', to: 'now' })
    .withVariable(datasourceVariable())
    .withVariable(eventIdVariable(catalog));
  for (const eventName of catalog.eventNames) {
    const event = eventPanelsOf(catalog, eventName);
    dashboard.withPanel(dailyCountsPanel(event)).withPanel(totalsPanel(event));
  }
  return dashboard.build();
}

function eventIdVariable(catalog: CatalogModel): QueryVariableBuilder {
  return new QueryVariableBuilder(EVENT_ID_VARIABLE)
    .label('Event id')
    .description(`Event ids: ${catalog.eventIdMeaning}. "${OTHER}" holds the ids beyond the per-counter bound.`)
    .datasource(datasourceRef)
    // The tiles, which every exported id has every 5 minutes: the day rule has no sample in a range within one day.
    .query(`label_values(${USAGE_TILES}, event_id)`)
    .definition(`label_values(${USAGE_TILES}, event_id)`)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.NaturalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all' });
}

interface EventPanels {
  readonly title: string;
  /** What the catalog says of the event. */
  readonly text: string;
  /** The day rule narrowed to the event and the chosen ids. */
  readonly days: string;
  /** The 5-minute tiles narrowed to the event and the chosen ids. */
  readonly tiles: string;
}

function eventPanelsOf(catalog: CatalogModel, eventName: string): EventPanels {
  const event = catalog.events.get(eventName);
  return {
    title: displayName(catalog, eventName),
    text: `${event?.description ?? ''} Answers: ${event?.question ?? ''}`,
    days: usageSelector(DAILY_USAGE, [eventName], [eventIdMatcher]),
    tiles: usageSelector(USAGE_TILES, [eventName], [eventIdMatcher]),
  };
}

function dailyCountsPanel(event: EventPanels): TimeSeriesPanel {
  return describedPanel(new TimeSeriesPanel(), {
    title: `${event.title} per day`,
    description: `${event.text} One bar per whole UTC day (its edges up to 5 minutes before midnight), stacked by event id: today's bar appears after midnight UTC (the table beside shows the last 24 hours).`,
    unit: units.Short,
    width: 16,
    height: 8,
  })
    .interval(ONE_DAY)
    .decimals(0)
    .min(0)
    .drawStyle(GraphDrawStyle.Bars)
    .barAlignment(BarAlignment.Before)
    .fillOpacity(80)
    .stacking(new StackingConfigBuilder().mode(StackingMode.Normal))
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom))
    .withTarget(rangeQuery(`sum by (event_id) (${dayEndingAtStep(event)})`, '{{event_id}}'));
}

function totalsPanel(event: EventPanels): TablePanel {
  return labelTotalsTable(
    {
      title: `${event.title} totals`,
      description: `${event.text} Per event id: the last 24 hours (live, to within 5 minutes), and the whole UTC days that ended within the chosen range (the bars' total).`,
      unit: units.Short,
      width: 8,
      height: 8,
    },
    ['event_id'],
    [
      { refId: 'A', title: 'Last 24 h' },
      { refId: 'B', title: 'In range' },
    ],
  )
    // The 288 five-minute tiles before now.
    .withTarget(instantTableQuery(`sum by (event_id) (sum_over_time(${event.tiles}[${ONE_DAY}]))`, 'A'))
    .withTarget(
      // The bars' value at each UTC midnight of the range (subquery steps align to multiples of the step).
      instantTableQuery(`sum by (event_id) (sum_over_time(${dayEndingAtStep(event)}[$__range:${ONE_DAY}]))`, 'B'),
    );
}

/** The count of the UTC day that ends at the evaluation time, when that is a midnight. */
function dayEndingAtStep(event: EventPanels): string {
  return `last_over_time(${event.days}[${ONE_DAY}])`;
}
