/**
 * The exposition: OpenTelemetry observable counters read the recorder at scrape, @opentelemetry/exporter-prometheus
 * serialises them, and prom-client adds the Node.js process metrics. No resource, scope, host or process attributes
 * reach the output: only the catalog's labels.
 */
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { emptyResource } from '@opentelemetry/resources';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { eventNames, MAX_ENDPOINTS, metrics, rejectionReasonNames, type MetricName } from '../catalog.ts';
import type { Guard } from './guard.ts';
import type { UsageRecorder } from './recorder.ts';
import type { HttpResponseCounter } from './http.ts';

/**
 * prom-client's gauges named like counters: `promtool check metrics` flags them, and their values are in
 * `nodejs_active_*` gauges of newer names anyway.
 */
const MISNAMED_PROCESS_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export interface Exporter {
  metricsText(): Promise<string>;
  shutdown(): Promise<void>;
}

export interface ExporterOptions {
  readonly usage: UsageRecorder;
  readonly responses: HttpResponseCounter;
  readonly guard: Guard;
  /** Under opt-out the usage counter is not even registered: no usage series is exported. */
  readonly collecting: boolean;
  readonly maxEventIds: number;
}

export function createExporter(options: ExporterOptions): Exporter {
  const reader = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true, withoutTargetInfo: true });
  // The SDK's own limit (2,000 per metric per collection) would fold our bounded series into an
  // `otel_metric_overflow` series nobody declared: lift it to our bound, which is the one that matters.
  const usageBound = eventNames.length * (options.maxEventIds + 1);
  const provider = new MeterProvider({
    resource: emptyResource(),
    readers: [reader],
    views: [
      { instrumentName: name('analytics_events_total'), aggregationCardinalityLimit: usageBound + 1 },
      { instrumentName: name('http_responses_total'), aggregationCardinalityLimit: (MAX_ENDPOINTS + 2) * 500 },
    ],
  });
  const meter = provider.getMeter('quietcount');

  if (options.collecting) {
    meter
      .createObservableCounter(name('analytics_events_total'), { description: metrics.analytics_events_total.description })
      .addCallback((result) => {
        options.usage.collect((eventName, eventId, count) => {
          result.observe(count, { event_name: eventName, event_id: eventId });
        });
      });
  }
  meter
    .createObservableCounter(name('http_responses_total'), { description: metrics.http_responses_total.description })
    .addCallback((result) => {
      options.responses.collect((endpoint, statusCode, count) => {
        result.observe(count, { endpoint, status_code: statusCode });
      });
    });
  meter
    .createObservableCounter(name('analytics_rejected_total'), { description: metrics.analytics_rejected_total.description })
    .addCallback((result) => {
      for (const reason of rejectionReasonNames) {
        result.observe(options.guard.rejectionCounts().get(reason) ?? 0, { reason });
      }
    });

  const serializer = new PrometheusSerializer(undefined, false, undefined, true, true);
  const processMetrics = new Registry();
  collectDefaultMetrics({ register: processMetrics });
  for (const misnamed of MISNAMED_PROCESS_METRICS) processMetrics.removeSingleMetric(misnamed);

  return {
    async metricsText() {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw new AggregateError(errors, 'metrics collection failed');
      const usageText = serializer.serialize(resourceMetrics);
      return `${usageText}${usageText.endsWith('\n') ? '' : '\n'}${await processMetrics.metrics()}`;
    },
    shutdown: () => provider.shutdown(),
  };
}

/** The OTel instrument name: the serializer appends `_total` to monotonic sums, so declare it without. */
function name(metric: MetricName): string {
  return metric.replace(/_total$/, '');
}
