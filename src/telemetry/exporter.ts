/**
 * The exposition: OpenTelemetry observable counters read the recorder at scrape, @opentelemetry/exporter-prometheus
 * serialises them, and prom-client adds the Node.js process metrics. No resource, scope, host or process attributes
 * reach the output: only the catalog's labels.
 *
 * A scrape must not stall the app: at the default bound (7 × 1,001 usage series) the SDK takes tens of
 * milliseconds to collect and serialise them in one synchronous run. So usage series are spread over shards of
 * SHARD_SIZE, each its own MeterProvider, by their admission number (a series never changes shard, as the SDK's
 * cumulative state requires), and the scrape yields to the event loop between shards.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { Meter } from '@opentelemetry/api';
import { emptyResource } from '@opentelemetry/resources';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MAX_ENDPOINTS, STATUS_CODE_MAX, STATUS_CODE_MIN } from '../schema/bounds.ts';
import { metricFamilies, type MetricName } from '../schema/metrics.ts';
import { rejectionReasonNames } from '../schema/rejection-reasons.ts';
import type { Guard } from './guard.ts';
import { startProcessMetrics } from './process-metrics.ts';
import { OVERFLOW_SERIES, type UsageRecorder } from './recorder.ts';
import type { HttpResponseCounter } from './http.ts';

const STATUS_CODES = STATUS_CODE_MAX - STATUS_CODE_MIN + 1;
/** Series per usage shard: small enough that collecting and serialising one shard stays well under 5 ms. */
const SHARD_SIZE = 256;

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
  /** Event names of the catalog: the `__other__` shard holds one series per name at most. */
  readonly eventNameCount: number;
}

interface Shard {
  readonly provider: MeterProvider;
  readonly reader: PrometheusExporter;
  readonly meter: Meter;
}

/**
 * One MeterProvider and its Prometheus reader. The SDK's own cardinality limit (2,000 per metric per collection)
 * would fold our bounded series into an `otel_metric_overflow` series nobody declared: set it above our bound,
 * which is the one that matters.
 */
function createShard(cardinalityLimit: number): Shard {
  const reader = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true, withoutTargetInfo: true });
  const provider = new MeterProvider({
    resource: emptyResource(),
    readers: [reader],
    views: [{ instrumentName: '*', aggregationCardinalityLimit: cardinalityLimit }],
  });
  return { provider, reader, meter: provider.getMeter('quietcount') };
}

interface UsageObservation {
  readonly eventName: string;
  readonly eventId: string;
  readonly count: number;
}

export function createExporter(options: ExporterOptions): Exporter {
  /** Shard number → shard, created when its first series is admitted; `OVERFLOW_SERIES` holds the `__other__`s. */
  const usageShards = new Map<number, Shard & { pending: UsageObservation[] }>();
  const usageShard = (number: number) => {
    let shard = usageShards.get(number);
    if (shard === undefined) {
      const created = { ...createShard(number === OVERFLOW_SERIES ? options.eventNameCount + 1 : SHARD_SIZE + 1), pending: [] as UsageObservation[] };
      created.meter
        .createObservableCounter(instrumentName('analytics_events_total'), { description: metricFamilies.analytics_events_total.description })
        .addCallback((result) => {
          for (const { eventName, eventId, count } of created.pending) result.observe(count, { event_name: eventName, event_id: eventId });
        });
      usageShards.set(number, created);
      shard = created;
    }
    return shard;
  };
  /** Reads the recorder once per scrape and hands each shard its series. */
  const distributeUsage = (): number[] => {
    for (const shard of usageShards.values()) shard.pending = [];
    options.usage.collect((eventName, eventId, count, series) => {
      usageShard(series === OVERFLOW_SERIES ? OVERFLOW_SERIES : Math.floor(series / SHARD_SIZE)).pending.push({ eventName, eventId, count });
    });
    const order = (number: number) => (number === OVERFLOW_SERIES ? Number.POSITIVE_INFINITY : number);
    return [...usageShards.keys()].sort((a, b) => order(a) - order(b));
  };

  const operational = createShard((MAX_ENDPOINTS + 2) * STATUS_CODES);
  operational.meter
    .createObservableCounter(instrumentName('http_responses_total'), { description: metricFamilies.http_responses_total.description })
    .addCallback((result) => {
      options.responses.collect((endpoint, statusCode, count) => {
        result.observe(count, { endpoint, status_code: statusCode });
      });
    });
  operational.meter
    .createObservableCounter(instrumentName('analytics_rejected_total'), { description: metricFamilies.analytics_rejected_total.description })
    .addCallback((result) => {
      for (const reason of rejectionReasonNames) {
        result.observe(options.guard.rejectionCounts().get(reason) ?? 0, { reason });
      }
    });

  const serializer = new PrometheusSerializer(undefined, false, undefined, true, true);
  const serialize = async (shard: Shard): Promise<string> => {
    const { resourceMetrics, errors } = await shard.reader.collect();
    if (errors.length > 0) throw new AggregateError(errors, 'metrics collection failed');
    const text = serializer.serialize(resourceMetrics);
    return text.startsWith('#') && !text.includes('\n') ? '' : text; // "# no registered metrics"
  };

  const processMetrics = startProcessMetrics();

  return {
    async metricsText() {
      // One family's lines must stay together, with its HELP and TYPE once: keep them from the first shard only.
      let usage = '';
      for (const number of options.collecting ? distributeUsage() : []) {
        const text = await serialize(usageShard(number));
        usage += usage === '' ? text : text.replace(/^# (HELP|TYPE) .*\n/gm, '');
        await yieldToEventLoop();
      }
      const operationalText = await serialize(operational);
      await yieldToEventLoop();
      return `${usage}${operationalText}${await processMetrics.text()}`;
    },
    shutdown: async () => {
      processMetrics.stop();
      await Promise.all([...usageShards.values(), operational].map((shard) => shard.provider.shutdown()));
    },
  };
}

/** The OTel instrument name: the serializer appends `_total` to monotonic sums, so declare it without. */
function instrumentName(metric: MetricName): string {
  return metric.replace(/_total$/, '');
}
