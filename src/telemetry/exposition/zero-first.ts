/**
 * Zero first: a series exported for the first time shows 0, and its count from the next scrape on, so that
 * Prometheus' increase() and rate() see its first increments, and a restart is always seen as a reset.
 *
 * The rule, for one series:
 * - the first scrape that includes it gets 0;
 * - it stays 0 until a scraper that was served that 0 scrapes again, or `holdMs` has passed since; from then on
 *   every scrape gets its count.
 * So one Prometheus sees 0 at one scrape and the count at its next; the two servers of an HA pair (the other one
 * scrapes within one interval) both see the 0; nothing counted meanwhile is lost, it is late by one scrape. Scrapers
 * are told apart by the `scraper` URL parameter when they send one (prometheus.yml `params: { scraper: [a] }`),
 * otherwise by their address: two Prometheus servers on one host need the parameter. A series that is live stays
 * live for every scraper, so no scraper ever sees a count go back to 0.
 *
 * A stopping app has no later scrape: once `releaseAll()` is called (telemetry.waitForNextScrape), every series is
 * exported with its count, new ones included. Prometheus' increase() cannot see those last first increments, but
 * `quietcount report`, which counts a series' first sample from 0, does; a 0 would have lost them for both.
 */
import { Phase, type ExportedSeries } from './series.ts';

/** One scrape, as the rule needs it. */
export interface Scrape {
  readonly number: number;
  /** The number of this scraper's previous scrape, or -1 for a scraper not seen before. */
  readonly previousOfScraper: number;
  readonly at: number;
}

/** Distinct scrapers remembered; beyond, the one seen longest ago is forgotten (it then waits for the hold). */
const MAX_SCRAPERS = 32;

export class ZeroFirst {
  private readonly holdMs: number;
  private scrapes = 0;
  /** scraper → its last scrape number; Map order is least recently seen first. */
  private readonly lastScrapeOf = new Map<string, number>();
  private released = false;

  constructor(holdMs: number) {
    this.holdMs = holdMs;
  }

  begin(scraper: string, at: number = Date.now()): Scrape {
    this.scrapes += 1;
    const previousOfScraper = this.lastScrapeOf.get(scraper) ?? -1;
    this.lastScrapeOf.delete(scraper);
    this.lastScrapeOf.set(scraper, this.scrapes);
    if (this.lastScrapeOf.size > MAX_SCRAPERS) {
      const oldest = this.lastScrapeOf.keys().next().value;
      if (oldest !== undefined) this.lastScrapeOf.delete(oldest);
    }
    return { number: this.scrapes, previousOfScraper, at };
  }

  /** From now on every series is exported with its count: the process is stopping. */
  releaseAll(): void {
    this.released = true;
  }

  /** The value this scrape exports for `series`, moving it along the rule. */
  valueOf(series: ExportedSeries, scrape: Scrape): number {
    if (this.released) series.phase = Phase.Live;
    switch (series.phase) {
      case Phase.Live:
        return series.count;
      case Phase.New:
        series.phase = Phase.Zero;
        series.zeroScrape = scrape.number;
        series.zeroAt = scrape.at;
        return 0;
      case Phase.Zero:
        if (scrape.previousOfScraper >= series.zeroScrape || scrape.at - series.zeroAt >= this.holdMs) {
          series.phase = Phase.Live;
          return series.count;
        }
        return 0;
    }
  }
}
