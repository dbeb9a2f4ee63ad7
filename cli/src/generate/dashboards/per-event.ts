/**
 * The per-event view, for whoever looks after one event id (an event's organizer, a product's owner): every usage
 * event of the catalog for that id, per UTC day and in total. The product usage overview links here from each event
 * id; this view compares nothing across ids.
 */
import { QueryVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { CatalogModel } from 'quietcount';
import { displayName } from '../catalog-views.ts';
import { USAGE_TILES } from '../rules/rule-names.ts';
import { DAY_EDGES, dailyBarsPanel, dailyTotalsPanel, IN_RANGE_COLUMN, TODAY_COLUMN, TODAY_SUFFIX } from './daily-panels.ts';
import { datasourceRef, datasourceVariable } from './datasource.ts';
import { appDashboard, type ClassicDashboard } from './new-dashboard.ts';
import { EVENT_ID_VARIABLE, eventIdMatcher } from './per-event-link.ts';

/** Three bar panels a row. */
const BARS_WIDTH = 8;

export function perEventDashboard(catalog: CatalogModel): ClassicDashboard {
  const dashboard = appDashboard(catalog, 'per-event')
    .description(
      `Every usage event of the catalog for one event id (${catalog.eventIdMeaning}), per UTC day, today so far included, and in total: the view of whoever looks after that one. The product usage dashboard compares event ids, and links here from each.`,
    )
    .time({ from: 'now-30d', to: 'now' })
    .withVariable(datasourceVariable())
    .withVariable(eventIdVariable(catalog))
    .withPanel(
      dailyTotalsPanel({
        title: 'Every event of this event id',
        description: `One row per usage event of the catalog: "${TODAY_COLUMN}" counts today's UTC day so far (within 5 minutes); "${IN_RANGE_COLUMN}", the UTC days that began within the chosen range, today so far included.`,
        unit: units.Short,
        width: 24,
        height: 7,
        selection: { eventNames: catalog.eventNames, matchers: [eventIdMatcher] },
        by: ['event_name'],
      }),
    );
  for (const eventName of catalog.eventNames) {
    const event = catalog.events.get(eventName);
    dashboard.withPanel(
      dailyBarsPanel({
        title: `${displayName(catalog, eventName)} per day`,
        description: `${event?.description ?? ''} Answers: ${event?.question ?? ''} One bar per UTC day for this event id; today's bar, pale, is the day so far (within 5 minutes), named "${TODAY_SUFFIX}". ${DAY_EDGES}.`,
        unit: units.Short,
        width: BARS_WIDTH,
        height: 7,
        selection: { eventNames: [eventName], matchers: [eventIdMatcher] },
        by: [],
        legend: eventName,
      }),
    );
  }
  return dashboard.build();
}

/** One event id at a time, from the ids the tiles have (every exported id has one every 5 minutes). */
function eventIdVariable(catalog: CatalogModel): QueryVariableBuilder {
  return new QueryVariableBuilder(EVENT_ID_VARIABLE)
    .label('Event id')
    .description(`The event id to show: ${catalog.eventIdMeaning}.`)
    .datasource(datasourceRef)
    .query(`label_values(${USAGE_TILES}, event_id)`)
    .definition(`label_values(${USAGE_TILES}, event_id)`)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.NaturalAsc)
    .multi(false)
    .includeAll(false);
}
