/**
 * Every dashboard `quietcount dashboards` writes for an app, by path under the output directory, and its JSON.
 */
import type { CatalogModel } from 'quietcount';
import type { ClassicDashboard, DashboardKind } from './new-dashboard.ts';
import { errorsDashboard } from './errors-dashboard.ts';
import { perEventDashboard } from './per-event.ts';
import { productUsageDashboard } from './product-usage.ts';
import { telemetryHealthDashboard } from './telemetry-health.ts';

export const DASHBOARDS_DIR = 'grafana/dashboards';

const dashboardBuilders: Readonly<Record<DashboardKind, (catalog: CatalogModel) => ClassicDashboard>> = {
  'product-usage': productUsageDashboard,
  'per-event': perEventDashboard,
  errors: errorsDashboard,
  'telemetry-health': telemetryHealthDashboard,
};

/** File name → dashboard, with panel ids pinned by position so links to a panel (`viewPanel=`) survive regeneration. */
export function buildDashboards(catalog: CatalogModel): Map<string, ClassicDashboard> {
  return new Map(
    Object.entries(dashboardBuilders).map(([kind, build]) => {
      const dashboard = build(catalog);
      dashboard.panels?.forEach((panel, index) => {
        panel.id = index + 1;
      });
      return [`${kind}.json`, dashboard];
    }),
  );
}

/** Pretty JSON with keys sorted at every level and a trailing newline: the same input always gives the same bytes. */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, child]) => [key, sortKeys(child)]),
    );
  }
  return value;
}

/** Path under the output directory → file content, as `quietcount dashboards` writes them. */
export function renderDashboards(catalog: CatalogModel): Map<string, string> {
  return new Map([...buildDashboards(catalog)].map(([file, dashboard]) => [`${DASHBOARDS_DIR}/${file}`, renderJson(dashboard)]));
}
