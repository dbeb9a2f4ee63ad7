/**
 * What every panel must carry (title, description, unit, the `datasource` variable) in one place, so no dashboard
 * can forget one, and the two query shapes the dashboards use.
 */
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { LegendDisplayMode, LegendPlacement, VizLegendOptionsBuilder, type DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as TimeSeriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
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

export interface TimeSeriesOptions {
  /**
   * Shortest step, for panels reading `*_over_time(x[$__interval])`: twice the interval between samples of x, so
   * every step holds one (RULE_STEP for rule-backed series, SCRAPE_STEP for scraped ones).
   */
  readonly step?: string;
  /** `table`: a table on the right with max and mean (many series); `list`: a list below (a few). */
  readonly legend: 'table' | 'list';
}

/** The one time series panel of every dashboard: starts at 0, with its legend and shortest step. */
export function timeSeriesPanel(spec: PanelSpec, options: TimeSeriesOptions): TimeSeriesPanel {
  const legend =
    options.legend === 'table'
      ? new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.Table).placement(LegendPlacement.Right).calcs(['max', 'mean'])
      : new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom);
  const panel = describedPanel(new TimeSeriesPanel(), spec).min(0).legend(legend);
  return options.step === undefined ? panel : panel.interval(options.step);
}
