/**
 * The MetricProducer (sdk-metrics' hook for data that has its own aggregation) that hands the SDK quietcount's
 * series as they are kept between scrapes: no observable callback, no re-aggregation, no new data point per series
 * per scrape. It sets each series' exported value by the zero-first rule of the scrape in progress, and yields to the
 * event loop between slices so that a large bound does not block the app.
 */
import { emptyResource } from '@opentelemetry/resources';
import type { CollectionResult, MetricData, MetricProducer } from '@opentelemetry/sdk-metrics';
import type { MetricName } from '../../schema/metrics.ts';
import { counterData } from './series-lines.ts';
import type { ExportedSeries } from './series.ts';
import { Slicer } from './slicer.ts';
import type { Scrape, ZeroFirst } from './zero-first.ts';

export interface Family {
  readonly metric: MetricName;
  readonly description: string;
  /** Brings the family's series up to date before they are read (the usage family reads the app's tables). */
  readonly prepare?: (slicer: Slicer) => Promise<void>;
  /** The family's series now, in a stable order; empty: the family is left out. */
  readonly series: () => readonly ExportedSeries[];
}

/** What the next collection is for: a scrape (zero-first applies) or a look at the counts as they are. */
export type CollectionFor = ({ readonly scrape: Scrape } | { readonly peek: true }) & { readonly slicer: Slicer };

export class SeriesProducer implements MetricProducer {
  private readonly families: readonly Family[];
  private readonly zeroFirst: ZeroFirst;
  /** Set by the exporter around each collection; collections never overlap (the exporter queues them). */
  collectingFor: CollectionFor | undefined;

  constructor(families: readonly Family[], zeroFirst: ZeroFirst) {
    this.families = families;
    this.zeroFirst = zeroFirst;
  }

  async collect(): Promise<CollectionResult> {
    const purpose = this.collectingFor ?? { peek: true, slicer: new Slicer() };
    const { slicer } = purpose;
    const metrics: MetricData[] = [];
    for (const family of this.families) {
      await family.prepare?.(slicer);
      const series = family.series();
      if (series.length === 0) continue;
      for (const one of series) {
        one.value = 'peek' in purpose ? one.count : this.zeroFirst.valueOf(one, purpose.scrape);
        if (slicer.due()) await slicer.pause();
      }
      metrics.push(counterData(family.metric, family.description, series));
    }
    return { resourceMetrics: { resource: emptyResource(), scopeMetrics: [{ scope: { name: 'quietcount' }, metrics }] }, errors: [] };
  }
}
