/**
 * Telemetry health: is quietcount itself working and within its bounds? Rejections by reason, increments diverted to
 * `__other__`, the scrape (duration, samples, targets up), Prometheus storage and retention, alerts delivered to
 * Alertmanager and samples shipped by remote_write, and the app process.
 */
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { ReduceDataOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeSeriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { OTHER, metricFamilies, rejectionReasons, type CatalogModel } from 'quietcount';
import { matcher } from '../../promql.ts';
import { datasourceVariable } from './datasource.ts';
import { appDashboard, type ClassicDashboard } from './new-dashboard.ts';
import { describedPanel, instantTableQuery, rangeQuery, timeSeriesPanel, type PanelSpec } from './panels.ts';
import { RULE_STEP, SCRAPE_STEP } from './prometheus-names.ts';
import { OVERFLOW_USAGE_RATE, REJECTION_RATE, RESPONSE_RATE, USAGE_RATE, USAGE_TILES } from '../rules/rule-names.ts';
import { labelTotalsTable } from './tables.ts';

const SECONDS_PER_DAY = 86_400;
const DAYS = 'suffix: days';

/** The scrape jobs the panels select: the app's and Prometheus' own. */
interface Jobs {
  readonly name: string;
  readonly app: string;
  readonly prometheus: string;
  readonly prometheusName: string;
}

export function telemetryHealthDashboard(catalog: CatalogModel): ClassicDashboard {
  const { job, prometheusJob } = catalog.monitoring;
  const jobs: Jobs = { name: job, app: matcher('job', '=', job), prometheus: matcher('job', '=', prometheusJob), prometheusName: prometheusJob };
  return appDashboard(catalog, 'telemetry-health')
    .description(
      'Is quietcount itself working and within its bounds: rejected increments, ids diverted to "__other__", the scrape, Prometheus retention and storage, alerts delivered and samples shipped to a central store, and the app process.',
    )
    .time({ from: 'now-7d', to: 'now' })
    .withVariable(datasourceVariable())
    .withRow(new RowBuilder('Rejections and overflow'))
    .withPanel(rejectionRatePanel())
    .withPanel(rejectionTotalsPanel())
    .withPanel(overflowPanel())
    .withPanel(distinctEventIdsPanel())
    .withRow(new RowBuilder('Scrapes'))
    .withPanel(targetsUpPanel(jobs))
    .withPanel(scrapeDurationPanel(jobs))
    .withPanel(samplesPerScrapePanel(jobs))
    .withRow(new RowBuilder('Prometheus'))
    .withPanel(retentionPanel(jobs, catalog.monitoring.retentionDays))
    .withPanel(historyPanel(jobs))
    .withPanel(headSeriesPanel(jobs))
    .withPanel(storagePanel(jobs))
    .withRow(new RowBuilder('Alerts and remote write'))
    .withPanel(alertmanagersPanel(jobs))
    .withPanel(alertNotificationsPanel(jobs))
    .withPanel(remoteWriteLagPanel(jobs))
    .withPanel(remoteWriteFailuresPanel(jobs))
    .withRow(new RowBuilder('App process'))
    .withPanel(cpuPanel(jobs))
    .withPanel(memoryPanel(jobs))
    .withPanel(eventLoopLagPanel(jobs))
    .build();
}

function timeSeries(spec: PanelSpec): TimeSeriesPanel {
  return timeSeriesPanel(spec, { legend: 'list' });
}

/** Rule-backed: one value per minute, averaged within each step (`[$__interval]`, at least two values). */
function ruleTimeSeries(spec: PanelSpec): TimeSeriesPanel {
  return timeSeriesPanel(spec, { step: RULE_STEP, legend: 'list' });
}

/** Scraped gauges: the worst value within each step (`[$__interval]`, at least two scrapes). */
function scrapedTimeSeries(spec: PanelSpec): TimeSeriesPanel {
  return timeSeriesPanel(spec, { step: SCRAPE_STEP, legend: 'list' });
}

function lastValueStat(spec: PanelSpec): StatPanel {
  return describedPanel(new StatPanel(), spec).reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']));
}

const reasonList = Object.entries(rejectionReasons)
  .map(([reason, meaning]) => `${reason}: ${meaning}`)
  .join('; ');

function rejectionRatePanel(): TimeSeriesPanel {
  return ruleTimeSeries({
    title: 'Rejections per second by reason',
    description: `${metricFamilies.analytics_rejected_total.description} Anything but cardinality_overflow means the app records something the catalog does not declare. Reasons: ${reasonList}.`,
    unit: units.CountsPerSecond,
    width: 12,
    height: 8,
  }).withTarget(rangeQuery(`sum by (reason) (avg_over_time(${REJECTION_RATE}[$__interval]))`, '{{reason}}'));
}

function rejectionTotalsPanel(): TablePanel {
  return labelTotalsTable(
    {
      title: 'Rejections in range by reason',
      description: 'Increments refused or diverted over the chosen range, per reason (every reason is listed, 0 included).',
      unit: units.Short,
      width: 12,
      height: 8,
    },
    ['reason'],
    [{ refId: 'A', title: 'Rejected' }],
  ).withTarget(
    // Raw counters, for any range: one series per reason, a closed list.
    instantTableQuery('sum by (reason) (increase(analytics_rejected_total[$__range]))'),
  );
}

function overflowPanel(): TimeSeriesPanel {
  return ruleTimeSeries({
    title: `Increments counted under "${OTHER}"`,
    description: `Usage events (per event_name) and HTTP responses counted under "${OTHER}" because their counter reached its bound of distinct event ids (ANALYTICS_MAX_EVENT_IDS) or endpoints. Still counted, but no longer per event or endpoint.`,
    unit: units.CountsPerSecond,
    width: 12,
    height: 8,
  })
    // `or ... * 0`: a flat 0 for every event name and for the endpoints while nothing overflows, rather than "No data".
    .withTarget(
      rangeQuery(
        `sum by (event_name) (avg_over_time(${OVERFLOW_USAGE_RATE}[$__interval])) or sum by (event_name) (avg_over_time(${USAGE_RATE}[$__interval])) * 0`,
        '{{event_name}}',
        'A',
      ),
    )
    .withTarget(
      rangeQuery(
        `sum(avg_over_time(${RESPONSE_RATE}{endpoint="${OTHER}"}[$__interval])) or sum(avg_over_time(${RESPONSE_RATE}[$__interval])) * 0`,
        'http_responses_total',
        'B',
      ),
    );
}

function distinctEventIdsPanel(): TimeSeriesPanel {
  return timeSeries({
    title: 'Distinct event ids per event name',
    description: `Event ids with a series, per event_name, "${OTHER}" not included. When a line reaches ANALYTICS_MAX_EVENT_IDS (default 1000), new ids are counted under "${OTHER}".`,
    unit: units.Short,
    width: 12,
    height: 8,
  }).withTarget(rangeQuery(`count by (event_name) (${USAGE_TILES}{event_id!="${OTHER}"})`, '{{event_name}}'));
}

function targetsUpPanel(jobs: Jobs): StatPanel {
  return lastValueStat({
    title: 'App targets up',
    description: `App instances Prometheus scraped successfully at its last scrape (job "${jobs.name}"). Fewer than the replicas you run means counts are waiting in an app that is not scraped.`,
    unit: units.Short,
    width: 4,
    height: 8,
  }).withTarget(rangeQuery(`sum(up{${jobs.app}})`, 'up'));
}

function scrapeDurationPanel(jobs: Jobs): TimeSeriesPanel {
  return scrapedTimeSeries({
    title: 'Scrape duration',
    description: 'Time Prometheus took to scrape each app instance, worst within each step. It grows with the number of series (the app builds the exposition in slices of about a millisecond, yielding to its own requests between them).',
    unit: units.Seconds,
    width: 10,
    height: 8,
  }).withTarget(rangeQuery(`max by (instance) (max_over_time(scrape_duration_seconds{${jobs.app}}[$__interval]))`, '{{instance}}'));
}

function samplesPerScrapePanel(jobs: Jobs): TimeSeriesPanel {
  return scrapedTimeSeries({
    title: 'Series per scrape',
    description: 'Samples in each scrape of each app instance (one per series), largest within each step. A scrape job with a sample_limit drops a scrape over it whole, and the target shows as down.',
    unit: units.Short,
    width: 10,
    height: 8,
  }).withTarget(rangeQuery(`max by (instance) (max_over_time(scrape_samples_scraped{${jobs.app}}[$__interval]))`, '{{instance}}'));
}

function retentionPanel(jobs: Jobs, retentionDays: number | undefined): StatPanel {
  const intended = retentionDays === undefined ? '' : `; the app's catalog says ${String(retentionDays)} days`;
  return lastValueStat({
    title: 'Retention in force',
    description: `How long Prometheus keeps samples, as it reports it (--storage.tsdb.retention.time${intended}). Needs the "${jobs.prometheusName}" self-scrape job and Prometheus 2.48 or later.`,
    unit: DAYS,
    width: 4,
    height: 8,
  }).withTarget(rangeQuery(`max(prometheus_tsdb_retention_limit_seconds{${jobs.prometheus}}) / ${SECONDS_PER_DAY}`, 'retention'));
}

function historyPanel(jobs: Jobs): StatPanel {
  return lastValueStat({
    title: 'History kept',
    description: 'Age of the oldest sample Prometheus holds: grows until it reaches the retention, then stays there.',
    unit: DAYS,
    width: 4,
    height: 8,
  })
    .decimals(1)
    .withTarget(rangeQuery(`(time() - max(prometheus_tsdb_lowest_timestamp_seconds{${jobs.prometheus}})) / ${SECONDS_PER_DAY}`, 'history'));
}

function headSeriesPanel(jobs: Jobs): TimeSeriesPanel {
  return timeSeries({
    title: 'Series in Prometheus',
    description: 'Series in Prometheus\' in-memory head block: every series scraped or recorded in the last hours, all jobs.',
    unit: units.Short,
    width: 8,
    height: 8,
  }).withTarget(rangeQuery(`max(prometheus_tsdb_head_series{${jobs.prometheus}})`, 'series'));
}

function storagePanel(jobs: Jobs): TimeSeriesPanel {
  return timeSeries({
    title: 'Disk used by Prometheus blocks',
    description: 'Bytes of persisted TSDB blocks. Grows until the oldest samples reach the retention, then levels off as the oldest blocks expire.',
    unit: units.BytesIEC,
    width: 8,
    height: 8,
  }).withTarget(rangeQuery(`max(prometheus_tsdb_storage_blocks_bytes{${jobs.prometheus}})`, 'blocks'));
}

/**
 * `or on() vector(0)`: 0 rather than "No data" while the counter has no series yet (Prometheus creates the series
 * of an Alertmanager or a remote_write queue once it is configured).
 */
const perSecondOrZero = (counter: string, jobs: Jobs): string =>
  `sum(rate(${counter}{${jobs.prometheus}}[$__rate_interval])) or on() vector(0)`;

function alertmanagersPanel(jobs: Jobs): StatPanel {
  return lastValueStat({
    title: 'Alertmanagers reached',
    description: 'Alertmanagers Prometheus knows and sends alerts to (the alerting block of its configuration). 0 means alerts fire and reach no one.',
    unit: units.Short,
    width: 4,
    height: 8,
  }).withTarget(rangeQuery(`max(prometheus_notifications_alertmanagers_discovered{${jobs.prometheus}})`, 'alertmanagers'));
}

function alertNotificationsPanel(jobs: Jobs): TimeSeriesPanel {
  return timeSeries({
    title: 'Alerts sent to Alertmanager',
    description: 'Alerts Prometheus sent to Alertmanager per second (firing ones again every minute while they last, resolved ones once), send errors, and alerts dropped after errors (lost). Errors mean Prometheus sends Alertmanager the wrong credentials, or an Alertmanager is down. Whether Alertmanager reached its receivers is on its own /metrics: alertmanager_notifications_failed_total.',
    unit: units.CountsPerSecond,
    width: 8,
    height: 8,
  })
    .withTarget(rangeQuery(perSecondOrZero('prometheus_notifications_sent_total', jobs), 'sent', 'A'))
    .withTarget(rangeQuery(perSecondOrZero('prometheus_notifications_errors_total', jobs), 'errors', 'B'))
    .withTarget(rangeQuery(perSecondOrZero('prometheus_notifications_dropped_total', jobs), 'dropped', 'C'));
}

function remoteWriteLagPanel(jobs: Jobs): TimeSeriesPanel {
  const newest = `prometheus_remote_storage_highest_timestamp_in_seconds{${jobs.prometheus}}`;
  const sent = `prometheus_remote_storage_queue_highest_sent_timestamp_seconds{${jobs.prometheus}}`;
  return timeSeries({
    title: 'Remote write lag',
    description: 'How far the central store is behind this Prometheus, per remote_write queue: the newest sample appended minus the newest one the store accepted. A few seconds when healthy; it grows while the store is unreachable, and shrinks back once the samples kept in the WAL are sent. 0 without remote_write.',
    unit: units.Seconds,
    width: 6,
    height: 8,
  }).withTarget(rangeQuery(`max by (remote_name) (${newest} - ignoring(remote_name, url) group_right ${sent}) or on() vector(0)`, '{{remote_name}}'));
}

function remoteWriteFailuresPanel(jobs: Jobs): TimeSeriesPanel {
  return timeSeries({
    title: 'Remote write samples retried, failed, dropped',
    description: 'Samples per second that remote_write had to send again (retried: the store was unreachable or overloaded; they are kept and sent later), that the store refused for good (failed: a wrong password or tenant; lost), and dropped before sending (lost). Anything but retries means missing counts in the central store. 0 without remote_write.',
    unit: units.CountsPerSecond,
    width: 6,
    height: 8,
  })
    .withTarget(rangeQuery(perSecondOrZero('prometheus_remote_storage_samples_retried_total', jobs), 'retried', 'A'))
    .withTarget(rangeQuery(perSecondOrZero('prometheus_remote_storage_samples_failed_total', jobs), 'failed', 'B'))
    .withTarget(rangeQuery(perSecondOrZero('prometheus_remote_storage_samples_dropped_total', jobs), 'dropped', 'C'));
}

function cpuPanel(jobs: Jobs): TimeSeriesPanel {
  return timeSeries({
    title: 'App CPU',
    description: 'CPU time of each app process per second of wall time (1 = one core busy).',
    unit: units.PercentUnit,
    width: 8,
    height: 8,
  }).withTarget(rangeQuery(`sum by (instance) (rate(process_cpu_seconds_total{${jobs.app}}[$__rate_interval]))`, '{{instance}}'));
}

function memoryPanel(jobs: Jobs): TimeSeriesPanel {
  return timeSeries({
    title: 'App memory',
    description: 'Resident memory and used V8 heap of each app process. Bounded counters keep both flat under any traffic.',
    unit: units.BytesIEC,
    width: 8,
    height: 8,
  })
    .withTarget(rangeQuery(`max by (instance) (process_resident_memory_bytes{${jobs.app}})`, '{{instance}} resident', 'A'))
    .withTarget(rangeQuery(`max by (instance) (nodejs_heap_size_used_bytes{${jobs.app}})`, '{{instance}} heap used', 'B'));
}

function eventLoopLagPanel(jobs: Jobs): TimeSeriesPanel {
  return timeSeries({
    title: 'App event loop lag (p99)',
    description: '99th percentile of the event loop delay of each app process: how long a ready callback waited.',
    unit: units.Seconds,
    width: 8,
    height: 8,
  }).withTarget(rangeQuery(`max by (instance) (nodejs_eventloop_lag_p99_seconds{${jobs.app}})`, '{{instance}}'));
}
