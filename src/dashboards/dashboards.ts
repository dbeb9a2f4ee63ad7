/**
 * Every dashboard quietcount ships, by file name under grafana/dashboards/, and its JSON exactly as committed.
 */
import type { ClassicDashboard } from './new-dashboard.ts';
import { errorsDashboard } from './errors.ts';
import { productUsageDashboard } from './product-usage.ts';
import { telemetryHealthDashboard } from './telemetry-health.ts';

const dashboardBuilders: Readonly<Record<string, () => ClassicDashboard>> = {
  'product-usage.json': productUsageDashboard,
  'errors.json': errorsDashboard,
  'telemetry-health.json': telemetryHealthDashboard,
};

/** The dashboards, with panel ids pinned by position so links to a panel (`viewPanel=`) survive regeneration. */
export function buildDashboards(): Map<string, ClassicDashboard> {
  return new Map(
    Object.entries(dashboardBuilders).map(([file, build]) => {
      const dashboard = build();
      dashboard.panels?.forEach((panel, index) => {
        panel.id = index + 1;
      });
      return [file, dashboard];
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

/** File name → file content, as `quietcount dashboards` writes them. */
export function renderDashboards(): Map<string, string> {
  return new Map([...buildDashboards()].map(([file, dashboard]) => [file, renderJson(dashboard)]));
}
