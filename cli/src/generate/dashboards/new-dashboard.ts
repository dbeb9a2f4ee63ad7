/**
 * How every quietcount dashboard starts: the classic dashboard JSON model, with the settings they all share.
 *
 * The SDK marks the classic builder deprecated in favour of dashboard schema v2, but Grafana 13's file provisioning
 * still saves through the classic API and rejects v2 JSON ("dashboard appears to be in v2 format"): provisioned
 * dashboards must stay classic. This is the one module that names the classic types; the rest use the aliases.
 */
/* eslint-disable @typescript-eslint/no-deprecated -- see above */
import { DashboardBuilder, DashboardCursorSync, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { CatalogModel } from 'quietcount';

export type ClassicDashboard = Dashboard;
export type ClassicDashboardBuilder = DashboardBuilder;

export type DashboardKind = 'product-usage' | 'per-event' | 'errors' | 'telemetry-health';

const TITLES: Readonly<Record<DashboardKind, string>> = {
  'product-usage': 'product usage',
  'per-event': 'per event',
  errors: 'errors',
  'telemetry-health': 'telemetry health',
};

/**
 * The uid Grafana links by: `<app>-<kind>`, where a catalog that names no app is `quietcount` (the reference app's
 * uids, kept since its first release), so that several apps share one Grafana.
 */
export function dashboardUid(catalog: CatalogModel, kind: DashboardKind): string {
  return `${catalog.app}-${kind}`;
}

/** A dashboard of the app: `<app>: <kind>`, its uid, tagged `quietcount` and with the app's name. */
export function appDashboard(catalog: CatalogModel, kind: DashboardKind): ClassicDashboardBuilder {
  return newDashboard(`${catalog.app}: ${TITLES[kind]}`, catalog.appNamed ? ['quietcount', catalog.app] : ['quietcount']).uid(dashboardUid(catalog, kind));
}

function newDashboard(title: string, tags: string[]): ClassicDashboardBuilder {
  return (
    new DashboardBuilder(title)
      .tags(tags)
      // Daily counts are per UTC day (the recording rules and the report CLI count UTC days): show days the same way.
      .timezone('utc')
      // Provisioned from code: edits in the UI could not be saved anyway, so do not invite them.
      .readonly()
      .tooltip(DashboardCursorSync.Crosshair)
      .refresh('5m')
      // An explicit empty list: Grafana adds its built-in annotations itself.
      .annotations([])
  );
}
