/**
 * Product usage, the cross-event comparison: for every usage event of the app's catalog, daily counts per event id
 * (never a person) and the totals over the chosen range. One panel pair per catalog entry, so a new event name gets
 * its panels by being declared. A click on an event id opens the per-event view of that id (./per-event.ts).
 */
import { QueryVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { OTHER, type CatalogModel } from 'quietcount';
import { displayName } from '../catalog-views.ts';
import { USAGE_TILES } from '../rules/rule-names.ts';
import { DAY_EDGES, dailyBarsPanel, dailyTotalsPanel, IN_RANGE_COLUMN, TODAY_COLUMN, TODAY_SUFFIX } from './daily-panels.ts';
import type { UsageSelection } from './daily-queries.ts';
import { datasourceRef, datasourceVariable } from './datasource.ts';
import { appDashboard, type ClassicDashboard } from './new-dashboard.ts';
import { EVENT_ID_VARIABLE, eventIdMatcher, perEventLink } from './per-event-link.ts';

export function productUsageDashboard(catalog: CatalogModel): ClassicDashboard {
  const dashboard = appDashboard(catalog, 'product-usage')
    .description(
      `How the product is used, compared across event ids: for each usage event of the catalog, counts per event id (${catalog.eventIdMeaning}; never a person) per UTC day, today so far included, and totals over the chosen range. A click on an event id opens every event of that id.`,
    )
    .time({ from: 'now-30d', to: 'now' })
    .withVariable(datasourceVariable())
    .withVariable(eventIdVariable(catalog));
  for (const eventName of catalog.eventNames) {
    const event = catalog.events.get(eventName);
    const title = displayName(catalog, eventName);
    const text = `${event?.description ?? ''} Answers: ${event?.question ?? ''}`;
    const selection: UsageSelection = { eventNames: [eventName], matchers: [eventIdMatcher] };
    dashboard
      .withPanel(
        dailyBarsPanel({
          title: `${title} per day`,
          description: `${text} One bar per UTC day, stacked by event id; today's bar, pale, is the day so far (within 5 minutes), named "${TODAY_SUFFIX}". ${DAY_EDGES}.`,
          unit: units.Short,
          width: 16,
          height: 8,
          selection,
          by: ['event_id'],
          legend: '{{event_id}}',
          link: perEventLink(catalog, '${__field.labels.event_id}'),
        }),
      )
      .withPanel(
        dailyTotalsPanel({
          title: `${title} totals`,
          description: `${text} Per event id: "${TODAY_COLUMN}" counts today's UTC day so far (within 5 minutes); "${IN_RANGE_COLUMN}", the UTC days that began within the chosen range, today so far included (the bars' total).`,
          unit: units.Short,
          width: 8,
          height: 8,
          selection,
          by: ['event_id'],
          link: perEventLink(catalog, '${__value.raw}'),
        }),
      );
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
