/**
 * Zero first: a series exported for the first time shows 0, and its count from the next scrape on, so that
 * Prometheus' increase() and rate() see its first increments, and a restart is always seen as a reset.
 *
 * The rule, for one series:
 * - the first scrape that includes it gets 0;
 * - it stays 0 until a scraper that was served that 0 scrapes again, or `holdMs` has passed since the 0 was first
 *   served; from then on every scrape gets its count.
 * "Served" means written to the scraper's socket in full: a scraper that hangs up before the answer was written
 * (`written()` is never called for its scrape) has seen nothing, so it still gets the 0 at its next scrape, and a
 * 0 nobody received starts no hold. So one Prometheus sees 0 at one scrape and the count at its next; the two
 * servers of an HA pair (the other one scrapes within one interval) both see the 0; nothing counted meanwhile is
 * lost, it is late by one scrape. Scrapers are told apart by the `scraper` URL parameter when they send one
 * (prometheus.yml `params: { scraper: [a] }`), otherwise by their address: two Prometheus servers on one host need
 * the parameter. A series that is live stays live for every scraper, so no scraper ever sees a count go back to 0.
 *
 * A stopping app has no later scrape: once `releaseAll()` is called (telemetry.waitForNextScrape), every series is
 * exported with its count, new ones included. Prometheus' increase() cannot see those last first increments, but
 * `quietcount report`, which counts a series' first sample from 0, does; a 0 would have lost them for both.
 */
import { Phase, type ExportedSeries } from './series.ts';

/** One scrape, as the rule needs it. */
export interface Scrape {
  readonly number: number;
  readonly scraper: string;
  /** The number of this scraper's last scrape that was written in full, or -1 for none. */
  readonly previousOfScraper: number;
  readonly at: number;
}

/** Distinct scrapers remembered; beyond, the one seen longest ago is forgotten (it then waits for the hold). */
const MAX_SCRAPERS = 32;
/**
 * Scrapes written in full that are remembered, to find when a series' 0 was first served. A 0 is looked at in every
 * collection, and collections run one at a time, so far fewer scrapes than this finish between two looks.
 */
const MAX_WRITTEN = 64;

interface Written {
  readonly number: number;
  readonly at: number;
}

export class ZeroFirst {
  private readonly holdMs: number;
  private scrapes = 0;
  /** scraper → the number of its last scrape written in full; Map order is least recently written first. */
  private readonly lastWrittenOf = new Map<string, number>();
  /** Scrapes written in full, in the order they finished. */
  private readonly finished: Written[] = [];
  private released = false;

  constructor(holdMs: number) {
    this.holdMs = holdMs;
  }

  begin(scraper: string, at: number = Date.now()): Scrape {
    this.scrapes += 1;
    return { number: this.scrapes, scraper, previousOfScraper: this.lastWrittenOf.get(scraper) ?? -1, at };
  }

  /** The answer to `scrape` was written to its scraper in full: what it exported counts as seen. */
  written(scrape: Scrape, at: number = Date.now()): void {
    const previous = this.lastWrittenOf.get(scrape.scraper) ?? -1;
    this.lastWrittenOf.delete(scrape.scraper);
    this.lastWrittenOf.set(scrape.scraper, Math.max(previous, scrape.number));
    if (this.lastWrittenOf.size > MAX_SCRAPERS) {
      const oldest = this.lastWrittenOf.keys().next().value;
      if (oldest !== undefined) this.lastWrittenOf.delete(oldest);
    }
    this.finished.push({ number: scrape.number, at });
    if (this.finished.length > MAX_WRITTEN) this.finished.shift();
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
        series.zeroAt = 0;
        return 0;
      case Phase.Zero: {
        const servedAt = this.servedAt(series);
        if (scrape.previousOfScraper >= series.zeroScrape || (servedAt !== undefined && scrape.at - servedAt >= this.holdMs)) {
          series.phase = Phase.Live;
          return series.count;
        }
        return 0;
      }
    }
  }

  /**
   * When the series' 0 was first written to a scraper in full, if it has been: the first scrape to finish among
   * those from its first 0 on (every one of them exported it as 0). Found once, then kept on the series.
   */
  private servedAt(series: ExportedSeries): number | undefined {
    if (series.zeroAt > 0) return series.zeroAt;
    const first = this.finished.find((scrape) => scrape.number >= series.zeroScrape);
    if (first === undefined) return undefined;
    series.zeroAt = first.at;
    return first.at;
  }
}
