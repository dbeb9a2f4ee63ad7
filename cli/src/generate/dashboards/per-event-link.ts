/**
 * The event id variable both usage dashboards filter by, and the data link from the overview to the per-event view
 * of one id.
 */
import type { CatalogModel } from 'quietcount';
import { DATASOURCE_VARIABLE } from './datasource.ts';
import type { DataLink } from './daily-panels.ts';
import { dashboardUid } from './new-dashboard.ts';

export const EVENT_ID_VARIABLE = 'event_id';

/** `:regex` escapes each chosen id and joins them with `|`; "All" sends the custom all value `.*` unescaped. */
export const eventIdMatcher = `event_id=~"\${${EVENT_ID_VARIABLE}:regex}"`;

/**
 * To the per-event view of the id `idReference` names (a Grafana data-link reference such as
 * `${__field.labels.event_id}`), keeping the time range and the data source.
 */
export function perEventLink(catalog: CatalogModel, idReference: string): DataLink {
  return {
    title: `Every event of event id ${idReference}`,
    url: `/d/${dashboardUid(catalog, 'per-event')}?var-${EVENT_ID_VARIABLE}=${idReference}&\${${DATASOURCE_VARIABLE}:queryparam}&\${__url_time_range}`,
  };
}
