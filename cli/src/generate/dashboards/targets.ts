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
        };
      }),
    ),
  );
}
