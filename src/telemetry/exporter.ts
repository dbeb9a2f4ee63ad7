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
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { emptyResource } from '@opentelemetry/resources';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { metricFamilies, type MetricName } from '../schema/metrics.ts';
import type { Guard } from './guard.ts';
import type { UsageRecorder } from './recorder.ts';
import type { HttpResponseCounter } from './http.ts';
import { FamilyText } from './exposition/series-lines.ts';
import { SeriesProducer, type CollectionFor, type Family } from './exposition/series-producer.ts';
import { Slicer } from './exposition/slicer.ts';
import type { ExportedSeries } from './exposition/series.ts';
import { ZeroFirst } from './exposition/zero-first.ts';
import { startProcessMetrics } from './process-metrics.ts';

export interface Exporter {
  /**
   * The text a scrape by `scraper` gets (new series at 0 first: zero-first.ts), as UTF-8 chunks of a few hundred
   * series each, encoded within the slices of the scrape: writing them costs the event loop no encoding.
   */
  scrape(scraper: string): Promise<readonly Buffer[]>;
  /** Every count as it stands, without the zero-first rule, changing no state: for tests and debugging. */
  peek(): Promise<string>;
  /** The process is stopping: scrapes from now on export every count, new series included (zero-first.ts). */
  releaseAll(): void;
  shutdown(): Promise<void>;
}

/** Series per chunk of text: a chunk is encoded and written in well under a millisecond. */
const CHUNK_SERIES = 512;

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
  const family = (metric: MetricName, series: () => readonly ExportedSeries[], prepare?: Family['prepare']): Family => ({
    metric,
    description: metricFamilies[metric].description,
    series,
    ...(prepare === undefined ? {} : { prepare }),
  });
  const families: Family[] = [
    ...(options.collecting
      ? [family('analytics_events_total', () => options.usage.series(), (slicer) => options.usage.readTables(slicer))]
      : []),
    family('http_responses_total', () => options.responses.series()),
    family('analytics_rejected_total', () => options.guard.series()),
  ];
  const texts = new Map(families.map((one) => [one.metric.replace(/_total$/, ''), new FamilyText(one.metric, one.description)]));
  const zeroFirst = new ZeroFirst(options.zeroHoldMs);
  const producer = new SeriesProducer(families, zeroFirst);
  const reader = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true, withoutTargetInfo: true, metricProducers: [producer] });
  const provider = new MeterProvider({ resource: emptyResource(), readers: [reader] });
  const processMetrics = startProcessMetrics();

  const render = async (purpose: CollectionFor): Promise<Buffer[]> => {
    producer.collectingFor = purpose;
    let collected;
    try {
      collected = await reader.collect();
    } finally {
      producer.collectingFor = undefined;
    }
    if (collected.errors.length > 0) throw new AggregateError(collected.errors, 'metrics collection failed');
    const { slicer } = purpose;
    const chunks: Buffer[] = [];
    let text = '';
    for (const { metrics } of collected.resourceMetrics.scopeMetrics) {
      for (const metric of metrics) {
        const familyText = texts.get(metric.descriptor.name);
        if (familyText === undefined) continue;
        text += familyText.metadata;
        let inChunk = 0;
        for (const point of metric.dataPoints as unknown as readonly ExportedSeries[]) {
          text += `${familyText.lineOf(point)}${String(point.value)}\n`;
          if (++inChunk === CHUNK_SERIES) {
            chunks.push(Buffer.from(text));
            text = '';
            inChunk = 0;
          }
          if (slicer.due()) await slicer.pause();
        }
      }
    }
    chunks.push(Buffer.from(text));
    // prom-client's collection reads /proc synchronously: one metric at a time, in slices.
    const perMetric = new Slicer(1);
    chunks.push(Buffer.from(await processMetrics.text(async () => (perMetric.due() ? perMetric.pause() : undefined))));
    await slicer.pause();
    return chunks;
  };

  // One collection at a time: the producer's scrape context is for one scrape.
  let queue: Promise<unknown> = Promise.resolve();
  const queued = (purpose: () => CollectionFor): Promise<Buffer[]> => {
    const next = queue.then(() => render(purpose()));
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    scrape: (scraper) => queued(() => ({ scrape: zeroFirst.begin(scraper), slicer: new Slicer() })),
    peek: async () => Buffer.concat(await queued(() => ({ peek: true, slicer: new Slicer() }))).toString('utf8'),
    releaseAll: () => {
      zeroFirst.releaseAll();
    },
    shutdown: async () => {
      processMetrics.stop();
      await provider.shutdown();
    },
  };
}
