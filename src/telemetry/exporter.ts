/**
 * The exposition: the recorder's, the HTTP counter's and the guard's series go through an OpenTelemetry
 * MeterProvider's Prometheus reader by a MetricProducer (exposition/pipeline.ts), and prom-client adds the Node.js
 * process metrics. No resource, scope, host or process attributes reach the output: only the schema's labels.
 *
 * A scrape must neither stall the app nor cost more than it must: series are kept between scrapes (no callbacks,
 * no re-aggregation), each one's label text is rendered once, and every step yields to the event loop between
 * slices. Scrapes are served one at a time, in the order they arrive. The OpenTelemetry SDK and prom-client are
 * loaded when the metrics listener starts (or at the first scrape): an app starts faster, and a cluster worker,
 * which never serves /metrics, never loads them.
 */
import { metricFamilies, type MetricName } from '../schema/metrics.ts';
import type { Guard } from './guard.ts';
import type { UsageRecorder } from './recorder.ts';
import type { HttpResponseCounter } from './http.ts';
import type { Pipeline } from './exposition/pipeline.ts';
import type { CollectionFor, Family } from './exposition/series-producer.ts';
import { Slicer } from './exposition/slicer.ts';
import type { ExportedSeries } from './exposition/series.ts';
import { ZeroFirst, type Scrape } from './exposition/zero-first.ts';
import type { ProcessMetrics } from './process-metrics.ts';

/** A scrape's answer, and how the metrics listener says it reached the scraper. */
export interface ScrapeAnswer {
  /**
   * The text (new series at 0 first: zero-first.ts), as UTF-8 chunks of a few hundred series each, encoded within
   * the slices of the scrape: writing them costs the event loop no encoding.
   */
  readonly chunks: readonly Buffer[];
  /** To be called once the answer was written to the scraper in full: only then has the scraper seen its zeros. */
  written(): void;
}

export interface Exporter {
  /** What a scrape by `scraper` gets. */
  scrape(scraper: string): Promise<ScrapeAnswer>;
  /** Every count as it stands, without the zero-first rule, changing no state: for tests and debugging. */
  peek(): Promise<string>;
  /** The process is stopping: scrapes from now on export every count, new series included (zero-first.ts). */
  releaseAll(): void;
  /** Loads what scrapes need ahead of the first one (the metrics listener calls it as it starts). */
  prepare(): Promise<void>;
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
  const zeroFirst = new ZeroFirst(options.zeroHoldMs);
  let parts: Promise<{ pipeline: Pipeline; processMetrics: ProcessMetrics }> | undefined;
  let stopped = false;
  const loaded = () => {
    parts ??= Promise.all([import('./exposition/pipeline.ts'), import('./process-metrics.ts')]).then(([pipeline, process]) => {
      if (stopped) throw new Error('the exporter is shut down');
      return { pipeline: pipeline.createPipeline(families, zeroFirst), processMetrics: process.startProcessMetrics() };
    });
    return parts;
  };

  const render = async (purpose: CollectionFor): Promise<Buffer[]> => {
    const { pipeline, processMetrics } = await loaded();
    const chunks = await pipeline.render(purpose);
    // prom-client's collection reads /proc synchronously: one metric at a time, in slices.
    const perMetric = new Slicer(1);
    chunks.push(Buffer.from(await processMetrics.text(async () => (perMetric.due() ? perMetric.pause() : undefined))));
    await purpose.slicer.pause();
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
    scrape: async (scraper) => {
      let scrape: Scrape | undefined;
      const chunks = await queued(() => {
        scrape = zeroFirst.begin(scraper);
        return { scrape, slicer: new Slicer() };
      });
      const begun = scrape;
      return {
        chunks,
        written: () => {
          if (begun !== undefined) zeroFirst.written(begun);
        },
      };
    },
    peek: async () => Buffer.concat(await queued(() => ({ peek: true, slicer: new Slicer() }))).toString('utf8'),
    releaseAll: () => {
      zeroFirst.releaseAll();
    },
    prepare: async () => {
      await loaded();
    },
    shutdown: async () => {
      stopped = true;
      const running = await parts?.catch(() => undefined);
      running?.processMetrics.stop();
      await running?.pipeline.shutdown();
    },
  };
}
