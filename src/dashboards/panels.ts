/**
 * What every panel must carry (title, description, unit, the `datasource` variable) in one place, so no dashboard
 * can forget one, and the two query shapes the dashboards use.
 */
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import { datasourceRef } from './datasource.ts';

export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  /** A Grafana unit id (`@grafana/grafana-foundation-sdk/units`) or `suffix:<text>`. */
  readonly unit: string;
  /** Grid width out of 24. */
  readonly width: number;
  readonly height: number;
}

/** The setters the SDK's panel builders (time series, stat, table, ...) have in common. */
interface PanelSetters<Self> {
  title(title: string): Self;
  description(description: string): Self;
  unit(unit: string): Self;
  datasource(datasource: DataSourceRef): Self;
  span(width: number): Self;
  height(height: number): Self;
}

export function describedPanel<Builder extends PanelSetters<Builder>>(builder: Builder, spec: PanelSpec): Builder {
  return builder
    .title(spec.title)
    .description(spec.description)
    .unit(spec.unit)
    .datasource(datasourceRef)
    .span(spec.width)
    .height(spec.height);
}

/** A query over the dashboard's time range: one point per step. */
export function rangeQuery(expr: string, legendFormat: string, refId = 'A'): DataqueryBuilder {
  return new DataqueryBuilder().datasource(datasourceRef).refId(refId).expr(expr).legendFormat(legendFormat).range();
}

/** One value per series at the end of the range, shaped as table rows (label columns and a `Value` column). */
export function instantTableQuery(expr: string, refId = 'A'): DataqueryBuilder {
  return new DataqueryBuilder().datasource(datasourceRef).refId(refId).expr(expr).instant().format(PromQueryFormat.Table);
}
