/**
 * The text of a metric family, rendered by @opentelemetry/exporter-prometheus's own serializer: its HELP and TYPE
 * lines once, and each series' `name{labels} ` once, when the series is first exported. A scrape then appends only
 * values, instead of escaping and joining every label set again (which costs more than prom-client's whole scrape).
 */
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { emptyResource } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type DataPoint, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { ValueType, type Attributes } from '@opentelemetry/api';
import type { MetricName } from '../../schema/metrics.ts';
import type { ExportedSeries } from './series.ts';

const serializer = new PrometheusSerializer(undefined, false, undefined, true, true);
const NO_TIME: [number, number] = [0, 0];

/** A monotonic cumulative sum, as an OTel counter's data. */
export function counterData(metric: MetricName, description: string, points: readonly DataPoint<number>[]): MetricData {
  return {
    // The serializer appends `_total` to monotonic sums: the OTel name goes without it.
    descriptor: { name: metric.replace(/_total$/, ''), description, unit: '', valueType: ValueType.INT },
    dataPointType: DataPointType.SUM,
    isMonotonic: true,
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPoints: points as DataPoint<number>[],
  };
}

function serialize(metric: MetricData): string {
  const resourceMetrics: ResourceMetrics = { resource: emptyResource(), scopeMetrics: [{ scope: { name: 'quietcount' }, metrics: [metric] }] };
  return serializer.serialize(resourceMetrics);
}

function point(attributes: Attributes): DataPoint<number> {
  return { attributes, startTime: NO_TIME, endTime: NO_TIME, value: 0 };
}

export class FamilyText {
  /** `# HELP …\n# TYPE …\n`. */
  readonly metadata: string;
  private readonly metric: MetricName;
  private readonly description: string;

  constructor(metric: MetricName, description: string) {
    this.metric = metric;
    this.description = description;
    const lines = serialize(counterData(metric, description, [point({})])).split('\n');
    this.metadata = lines.filter((line) => line.startsWith('# ')).map((line) => `${line}\n`).join('');
  }

  /** `name{labels} ` of a series, rendered at its first export and kept. */
  lineOf(series: ExportedSeries): string {
    series.line ??= this.render(series.attributes);
    return series.line;
  }

  private render(attributes: Attributes): string {
    const lines = serialize(counterData(this.metric, this.description, [point(attributes)])).split('\n');
    const sample = lines.find((line) => line.startsWith(this.metric)) ?? '';
    // `name{labels} 0`: the value is each scrape's to append.
    return sample.slice(0, -1);
  }
}
