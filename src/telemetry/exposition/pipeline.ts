/**
 * The OpenTelemetry path of a scrape: the series go to a MeterProvider's Prometheus reader
 * (@opentelemetry/exporter-prometheus) by a MetricProducer, and the collected data points are rendered with the
 * label text that reader's serializer made for each series once. Loaded on the first scrape (exporter.ts), so that
 * an app, or a cluster worker that never serves /metrics, does not pay for loading the SDK at start.
 */
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { emptyResource } from '@opentelemetry/resources';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { FamilyText } from './series-lines.ts';
import { SeriesProducer, type CollectionFor, type Family } from './series-producer.ts';
import type { ExportedSeries } from './series.ts';
import type { ZeroFirst } from './zero-first.ts';

/** Series per chunk of text: a chunk is encoded and written in well under a millisecond. */
const CHUNK_SERIES = 512;

export interface Pipeline {
  /** The families' text as UTF-8 chunks, encoded within the collection's slices. */
  render(purpose: CollectionFor): Promise<Buffer[]>;
  shutdown(): Promise<void>;
}

export function createPipeline(families: readonly Family[], zeroFirst: ZeroFirst): Pipeline {
  const texts = new Map(families.map((one) => [one.metric.replace(/_total$/, ''), new FamilyText(one.metric, one.description)]));
  const producer = new SeriesProducer(families, zeroFirst);
  const reader = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true, withoutTargetInfo: true, metricProducers: [producer] });
  const provider = new MeterProvider({ resource: emptyResource(), readers: [reader] });

  return {
    render: async (purpose) => {
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
      return chunks;
    },
    shutdown: () => provider.shutdown(),
  };
}
