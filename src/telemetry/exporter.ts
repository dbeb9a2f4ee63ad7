/**
 * The exposition: the recorder's, the HTTP counter's and the guard's series go through an OpenTelemetry
 * MeterProvider's Prometheus reader (@opentelemetry/exporter-prometheus) by a MetricProducer, and are rendered with
 * the label text that reader's serializer made for each series once. prom-client adds the Node.js process metrics.
 * No resource, scope, host or process attributes reach the output: only the schema's labels.
 *
 * A scrape must neither stall the app nor cost more than it must: series are kept between scrapes (no callbacks,
 * no re-aggregation), each one's label text is rendered once, and both the collection and the rendering yield to
 * the event loop between slices. Scrapes are served one at a time, in the order they arrive.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { emptyResource } from '@opentelemetry/resources';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { metricFamilies, type MetricName } from '../schema/metrics.ts';
import type { Guard } from './guard.ts';
import type { UsageRecorder } from './recorder.ts';
import type { HttpResponseCounter } from './http.ts';
import { FamilyText } from './exposition/series-lines.ts';
import { SeriesProducer, SLICE, type CollectionFor, type Family } from './exposition/series-producer.ts';
import type { ExportedSeries } from './exposition/series.ts';
import { ZeroFirst } from './exposition/zero-first.ts';
import { startProcessMetrics } from './process-metrics.ts';

export interface Exporter {
  /** The text a scrape by `scraper` gets: new series at 0 first (zero-first.ts). */
  scrape(scraper: string): Promise<string>;
  /** Every count as it stands, without the zero-first rule, changing no state: for tests and debugging. */
  peek(): Promise<string>;
  /** The process is stopping: scrapes from now on export every count, new series included (zero-first.ts). */
  releaseAll(): void;
  shutdown(): Promise<void>;
}

export interface ExporterOptions {
  readonly usage: UsageRecorder;
  readonly responses: HttpResponseCounter;
  readonly guard: Guard;
  /** Under opt-out the usage family is not exported at all. */
  readonly collecting: boolean;
  /** How long a new series' 0 waits for the scrapers that have not seen it. */
  readonly zeroHoldMs: number;
}

export function createExporter(options: ExporterOptions): Exporter {
  const family = (metric: MetricName, series: () => readonly ExportedSeries[]): Family => ({
    metric,
    description: metricFamilies[metric].description,
    series,
  });
  const families: Family[] = [
    ...(options.collecting ? [family('analytics_events_total', () => options.usage.series())] : []),
    family('http_responses_total', () => options.responses.series()),
    family('analytics_rejected_total', () => options.guard.series()),
  ];
  const texts = new Map(families.map((one) => [one.metric.replace(/_total$/, ''), new FamilyText(one.metric, one.description)]));
  const zeroFirst = new ZeroFirst(options.zeroHoldMs);
  const producer = new SeriesProducer(families, zeroFirst);
  const reader = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true, withoutTargetInfo: true, metricProducers: [producer] });
  const provider = new MeterProvider({ resource: emptyResource(), readers: [reader] });
  const processMetrics = startProcessMetrics();

  const render = async (purpose: CollectionFor): Promise<string> => {
    producer.collectingFor = purpose;
    let collected;
    try {
      collected = await reader.collect();
    } finally {
      producer.collectingFor = undefined;
    }
    if (collected.errors.length > 0) throw new AggregateError(collected.errors, 'metrics collection failed');
    let text = '';
    for (const { metrics } of collected.resourceMetrics.scopeMetrics) {
      for (const metric of metrics) {
        const familyText = texts.get(metric.descriptor.name);
        if (familyText === undefined) continue;
        text += familyText.metadata;
        const points = metric.dataPoints as unknown as readonly ExportedSeries[];
        for (let start = 0; start < points.length; start += SLICE) {
          const end = Math.min(start + SLICE, points.length);
          for (let index = start; index < end; index += 1) {
            const point = points[index] as ExportedSeries;
            text += `${familyText.lineOf(point)}${String(point.value)}\n`;
          }
          await yieldToEventLoop();
        }
      }
    }
    return `${text}${await processMetrics.text()}`;
  };

  // One collection at a time: the producer's scrape context is for one scrape.
  let queue: Promise<unknown> = Promise.resolve();
  const queued = (purpose: () => CollectionFor): Promise<string> => {
    const next = queue.then(() => render(purpose()));
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    scrape: (scraper) => queued(() => ({ scrape: zeroFirst.begin(scraper) })),
    peek: () => queued(() => ({ peek: true })),
    releaseAll: () => {
      zeroFirst.releaseAll();
    },
    shutdown: async () => {
      processMetrics.stop();
      await provider.shutdown();
    },
  };
}
