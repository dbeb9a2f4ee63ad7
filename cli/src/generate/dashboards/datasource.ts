/**
 * The one Prometheus data source every dashboard reads, through a `datasource` variable so the same JSON works
 * against another Prometheus-compatible store (Mimir, Thanos, Cortex) by picking it in the variable.
 */
import { DatasourceVariableBuilder, VariableHide } from '@grafana/grafana-foundation-sdk/dashboard';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/** Pinned in grafana/provisioning/datasources/prometheus.yaml: the variable's default points at it. */
export const PROMETHEUS_DATASOURCE_UID = 'quietcount-prometheus';
export const PROMETHEUS_DATASOURCE_NAME = 'Prometheus';

export const DATASOURCE_VARIABLE = 'datasource';

/** What every panel and query names as its data source: whatever the `datasource` variable holds. */
export const datasourceRef: DataSourceRef = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` };

export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder(DATASOURCE_VARIABLE)
    .label('Data source')
    .type('prometheus')
    .current({ text: PROMETHEUS_DATASOURCE_NAME, value: PROMETHEUS_DATASOURCE_UID })
    .hide(VariableHide.DontHide);
}
