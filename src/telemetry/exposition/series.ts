/**
 * One exported series: its real cumulative count, and where it stands in the zero-first rule (zero-first.ts). The
 * recorder, the HTTP counter and the guard keep their counts in these objects, so the hot path is `series.count +=`.
 */
import type { Attributes } from '@opentelemetry/api';

export const Phase = {
  /** Not yet in any scrape: the next scrape exports it as 0. */
  New: 0,
  /** Exported as 0 until every scraper has been served that 0 (or the hold has passed). */
  Zero: 1,
  /** Exported with its count. */
  Live: 2,
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

/** The start time every data point reports: the exposition carries no timestamps, so it is never read. */
const NO_TIME: [number, number] = [0, 0];

/**
 * A series is also the OpenTelemetry data point the exporter's MetricProducer hands the SDK: `value` is what the
 * current scrape exports (0 or `count`, by the zero-first rule).
 */
export class ExportedSeries {
  count = 0;
  value = 0;
  readonly startTime = NO_TIME;
  readonly endTime = NO_TIME;
  phase: Phase;
  /** The number of the scrape that first exported it as 0. */
  zeroScrape = 0;
  /** When that 0 was first written to a scraper in full, in ms; 0 until then. */
  zeroAt = 0;
  readonly attributes: Attributes;
  /** `name{labels} `, rendered once by the exporter (series-lines.ts), then kept. */
  line: string | undefined;

  /** `live`: history that predates the process (a table's rows at start), exported as it is. */
  constructor(attributes: Attributes, live = false) {
    this.attributes = attributes;
    this.phase = live ? Phase.Live : Phase.New;
  }
}
