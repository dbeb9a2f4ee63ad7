/**
 * Every PromQL query the dashboards send, with the Grafana variables it needs, so tests can fill the variables in
 * and run the query: parse it here, run it against a real Prometheus elsewhere.
 */
import type { Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import type { ClassicDashboard } from './new-dashboard.ts';
import { METRICS_SINCE } from './prometheus-names.ts';

export interface DashboardTarget {
  readonly dashboardUid: string;
  readonly panelTitle: string;
  readonly refId: string;
  /** As Grafana sends it before interpolation, e.g. `...[$__rate_interval]` or `event_id=~"${event_id:regex}"`. */
  readonly expr: string;
  readonly legendFormat: string | undefined;
  /** An instant query (one value per series at the end of the range) rather than a range query. */
  readonly instant: boolean;
  /** Names of the variables the expression uses, built-in ones included (`__rate_interval`, `__range`, ...). */
  readonly variables: readonly string[];
  /** The oldest Prometheus version that has every metric the expression reads, when that matters. */
  readonly minimumPrometheusVersion: string | undefined;
  /** The panel's shortest step (its `interval`, e.g. `1d` for the daily bars), in seconds; 0 when it sets none. */
  readonly minStepSeconds: number;
}

interface PrometheusQuery {
  readonly refId?: string;
  readonly expr?: string;
  readonly legendFormat?: string;
  readonly instant?: boolean;
}

/** `$name`, `${name}`, `${name:format}` and the deprecated `[[name]]`, as Grafana's template service reads them. */
const VARIABLE = /\$(\w+)|\$\{(\w+)(?::([^}]+))?\}|\[\[(\w+)(?::([^\]]+))?\]\]/g;

export function variablesOf(expr: string): string[] {
  const names = [...expr.matchAll(VARIABLE)].map((match) => match[1] ?? match[2] ?? match[4] ?? '');
  return [...new Set(names)].sort();
}

/**
 * Replaces every variable of `expr` with its value from `values`, whatever the reference's format (`:regex`,
 * `:pipe`, ...): the caller gives the value already in the shape the expression needs. A variable without a value
 * is an error, so a test cannot silently send `$event_id` to Prometheus.
 */
export function interpolate(expr: string, values: Readonly<Record<string, string>>): string {
  return expr.replace(VARIABLE, (reference: string, ...groups: (string | undefined)[]) => {
    const name = groups[0] ?? groups[1] ?? groups[3] ?? '';
    const value = values[name];
    if (value === undefined) throw new Error(`no value for ${reference} in: ${expr}`);
    return value;
  });
}

/** Panels that draw data (rows only group them). */
function dataPanels(dashboard: ClassicDashboard): Panel[] {
  return (dashboard.panels ?? []).filter((panel): panel is Panel => panel.type !== 'row');
}

export function dashboardTargets(dashboards: Iterable<ClassicDashboard>): DashboardTarget[] {
  return [...dashboards].flatMap((dashboard) =>
    dataPanels(dashboard).flatMap((panel) =>
      (panel.targets ?? []).map((target): DashboardTarget => {
        const query = target as PrometheusQuery;
        const expr = query.expr ?? '';
        return {
          dashboardUid: dashboard.uid ?? '',
          panelTitle: panel.title ?? '',
          refId: query.refId ?? '',
          expr,
          legendFormat: query.legendFormat,
          instant: query.instant === true,
          variables: variablesOf(expr),
          minimumPrometheusVersion: Object.entries(METRICS_SINCE).find(([metric]) => expr.includes(metric))?.[1],
          minStepSeconds: durationSeconds(panel.interval ?? '0s'),
        };
      }),
    ),
  );
}

/** `15s`, `2m`, `1d` → seconds. */
export function durationSeconds(duration: string): number {
  const match = /^(\d+)([smhd])$/.exec(duration);
  if (match === null) throw new Error(`unsupported duration ${duration}`);
  return Number(match[1]) * { s: 1, m: 60, h: 3_600, d: 86_400 }[match[2] as 's' | 'm' | 'h' | 'd'];
}

export interface RangeQueryTimes {
  readonly start: Date;
  readonly end: Date;
  readonly stepSeconds: number;
}

/**
 * The range query Grafana sends for a panel showing `from`..`to` at `stepSeconds` or more: the step at least the
 * panel's shortest one, start and end rounded down to multiples of it (Grafana's Prometheus data source aligns them
 * so, shifted by the dashboard's UTC offset: 0, the dashboards are in UTC). A daily panel's last step is therefore
 * today's midnight.
 */
export function grafanaRange(target: DashboardTarget, from: Date, to: Date, stepSeconds: number): RangeQueryTimes {
  const step = Math.max(stepSeconds, target.minStepSeconds);
  const align = (date: Date): Date => new Date(Math.floor(date.getTime() / 1000 / step) * step * 1000);
  return { start: align(from), end: align(to), stepSeconds: step };
}
