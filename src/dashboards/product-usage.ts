/**
 * Product usage: for every usage event of the catalog, daily counts per event (the gathering, never a person) and
 * the totals over the chosen range. One panel pair per catalog entry, so a new event name gets its panels by being
 * declared.
 */
import { QueryVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { BarAlignment, GraphDrawStyle, LegendDisplayMode, LegendPlacement, StackingConfigBuilder, StackingMode, VizLegendOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as TimeSeriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { eventNames, OTHER, usageEvents, type EventName } from '../catalog.ts';
import { datasourceRef, datasourceVariable } from './datasource.ts';
import { describedPanel, instantTableQuery, rangeQuery } from './panels.ts';
import { DAILY_USAGE } from './prometheus-names.ts';
import { labelTotalsTable } from './tables.ts';
import { newDashboard, type ClassicDashboard } from './new-dashboard.ts';

export const PRODUCT_USAGE_UID = 'quietcount-product-usage';

const EVENT_ID_VARIABLE = 'event_id';
/** `:regex` escapes each chosen id and joins them with `|`; "All" sends the custom all value `.*` unescaped. */
const eventIdMatcher = `event_id=~"\${${EVENT_ID_VARIABLE}:regex}"`;

/**
 * The daily bars read the 24 h increase at steps of exactly one day. Grafana rounds a range query's start and end
 * down to multiples of the step (shifted by the dashboard's UTC offset: 0, the dashboards are in UTC), so each bar
 * is one whole UTC day, drawn before the midnight that ends it.
 */
const ONE_DAY = '1d';

export function productUsageDashboard(): ClassicDashboard {
  const dashboard = newDashboard('quietcount: product usage')
    .uid(PRODUCT_USAGE_UID)
    .description(
      'How the product is used: for each usage event of the catalog, counts per event (the gathering, never a person) per UTC day, and totals over the chosen range.',
    )
    .time({ from: 'now-30d', to: 'now' })
    .withVariable(datasourceVariable())
    .withVariable(eventIdVariable());
  for (const eventName of eventNames) {
    dashboard.withPanel(dailyCountsPanel(eventName)).withPanel(totalsPanel(eventName));
  }
  return dashboard.build();
}

function eventIdVariable(): QueryVariableBuilder {
  return new QueryVariableBuilder(EVENT_ID_VARIABLE)
    .label('Event')
    .description(`Events (gatherings) by id. "${OTHER}" holds the ids beyond the per-counter bound.`)
    .datasource(datasourceRef)
    .query(`label_values(${DAILY_USAGE}, event_id)`)
    .definition(`label_values(${DAILY_USAGE}, event_id)`)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.NaturalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all' });
}


function catalogText(eventName: EventName): string {
  const { description, question } = usageEvents[eventName];
  return `${description} Answers: ${question}`;
}

function usageSelector(eventName: EventName): string {
  return `${DAILY_USAGE}{event_name="${eventName}", ${eventIdMatcher}}`;
}

function dailyCountsPanel(eventName: EventName): TimeSeriesPanel {
  return describedPanel(new TimeSeriesPanel(), {
    title: `${eventName} per day`,
    description: `${catalogText(eventName)} One bar per whole UTC day, stacked by event: today's bar appears after midnight UTC (the table beside shows the last 24 hours).`,
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
    .withTarget(rangeQuery(`sum by (event_id) (${usageSelector(eventName)})`, '{{event_id}}'));
}

function totalsPanel(eventName: EventName): TablePanel {
  return labelTotalsTable(
    {
      title: `${eventName} totals`,
      description: `${catalogText(eventName)} Per event: the last 24 hours (live), and the whole UTC days that ended within the chosen range (the bars' total).`,
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
    .withTarget(instantTableQuery(`sum by (event_id) (${usageSelector(eventName)})`, 'A'))
    .withTarget(
      // The daily value at each UTC midnight of the range (subquery steps align to multiples of the step).
      instantTableQuery(`sum by (event_id) (sum_over_time(${usageSelector(eventName)}[$__range:${ONE_DAY}]))`, 'B'),
    );
}
