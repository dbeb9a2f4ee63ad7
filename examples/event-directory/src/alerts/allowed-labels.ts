/**
 * The labels an alert may be logged with, and the values each may have. The names are the allow-list of
 * prometheus.yml's `alert_relabel_configs` (its `labelkeep` regex; test/integration/alert-log.test.ts checks that
 * both hold the same names): the alert's name and severity, the labels of quietcount's schema, the scrape target's
 * job and instance, and the `cluster` of external_labels. The values are checked too, so that a notification that
 * did not come through that Prometheus cannot slip an address into an allowed label.
 */
import { canonicalEventId, isEndpointLabel, isStatusCode, metricFamilies, OTHER, rejectionReasons, UNMATCHED, type MetricName } from 'quietcount';
import { catalog } from '../telemetry.ts';

/** The alert's own labels: its rule's name and the severity Alertmanager routes on. */
const ROUTING_LABELS = ['alertname', 'severity'] as const;
/** What Prometheus itself puts on an alert about a scrape target. */
const TARGET_LABELS = ['job', 'instance'] as const;
/** The external label that tells several Prometheus servers apart (prometheus.yml, `external_labels`). */
const EXTERNAL_LABELS = ['cluster'] as const;

type SchemaLabel = (typeof metricFamilies)[MetricName]['labels'][number];
type AlertLabel = SchemaLabel | (typeof ROUTING_LABELS)[number] | (typeof TARGET_LABELS)[number] | (typeof EXTERNAL_LABELS)[number];

const schemaLabels: readonly SchemaLabel[] = [...new Set(Object.values(metricFamilies).flatMap((family): readonly SchemaLabel[] => family.labels))];

/** Every label name an alert is logged with; any other label is dropped and counted. */
export const ALERT_LOG_LABELS: readonly AlertLabel[] = [...ROUTING_LABELS, ...schemaLabels, ...TARGET_LABELS, ...EXTERNAL_LABELS];

/** The severities the generated rules set (`quietcount rules`), which alertmanager/alertmanager.yml routes. */
const SEVERITIES = new Set(['critical', 'warning']);
/** A Prometheus alert name: a metric-name-like identifier. */
const ALERT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** A job name, a `host:port` (an IPv6 host in brackets) or a cluster name. */
const TARGET_NAME = /^[A-Za-z0-9_.:[\]-]{1,253}$/;

const validValue: Readonly<Record<AlertLabel, (value: string) => boolean>> = {
  alertname: (value) => ALERT_NAME.test(value),
  severity: (value) => SEVERITIES.has(value),
  event_name: (value) => Object.hasOwn(catalog.events, value),
  event_id: (value) => value === OTHER || canonicalEventId(value) === value,
  endpoint: (value) => value === UNMATCHED || value === OTHER || isEndpointLabel(value),
  status_code: (value) => isStatusCode(Number(value)) && String(Number(value)) === value,
  reason: (value) => Object.hasOwn(rejectionReasons, value),
  job: (value) => TARGET_NAME.test(value),
  instance: (value) => TARGET_NAME.test(value),
  cluster: (value) => TARGET_NAME.test(value),
};

const allowed = new Set<string>(ALERT_LOG_LABELS);

/** Whether the label `name` with `value` may be logged. */
export function isLoggableLabel(name: string, value: string): boolean {
  return allowed.has(name) && validValue[name as AlertLabel](value);
}
