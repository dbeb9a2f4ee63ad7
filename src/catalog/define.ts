/**
 * An app's catalog: every usage event it counts, declared before it is collected, in the app's own repo (the way a
 * Glean app owns its metrics.yaml). `defineCatalog()` only keeps the literal types, so that `record()` compiles for
 * a declared memory event and nothing else; the catalog is validated where it is used (`createTelemetry`, the CLI).
 *
 *   export default defineCatalog({
 *     events: {
 *       checkout_started: { source: 'memory', description: '…', question: '…', owner: 'shop-team',
 *                           added: '2026-12-01', expires: 'never' },
 *     },
 *   });
 */

/** A calendar date, `YYYY-MM-DD` (UTC). */
export type IsoDate = `${number}-${number}-${number}`;

/**
 * Where a usage count comes from.
 * - `memory`: the app calls `telemetry.record()`; buffered in the process, read at scrape (a restart starts again
 *   from 0, which Prometheus sees as a counter reset).
 * - `table`: derived at scrape from an append-only table of the app (`telemetry.observeTable()`), so it survives
 *   restarts.
 */
export type EventSource = 'memory' | 'table';

export interface EventDefinition {
  readonly source: EventSource;
  /** What is counted, in one sentence a person being counted can read. */
  readonly description: string;
  /** The product question this answers: no question, no metric. */
  readonly question: string;
  /** Who answers for it (a team, not a person). */
  readonly owner: string;
  readonly added: IsoDate;
  /** After this day the event is no longer recorded, and `quietcount … --check` fails until it is renewed or removed. */
  readonly expires: IsoDate | 'never';
  /** A title for dashboards and docs; defaults to the event name. */
  readonly displayName?: string;
  /** Watched by the usage drop-off alert that `quietcount rules` generates. */
  readonly dropOffAlert?: boolean;
  /**
   * Whether `quietcount publish` may put this event's totals per period on the public aggregates page (default
   * false): only totals per event name, small counts suppressed, the rest rounded (see `publication`).
   */
  readonly publish?: boolean;
}

/** Knobs of the generated rules and dashboards, as a monitoring mixin's config. Every one has a default. */
export interface MonitoringSettings {
  /** The Prometheus scrape job of the app's metrics listener (default `quietcount`). */
  readonly job?: string;
  /** The job of Prometheus scraping itself, read by the telemetry-health dashboard (default `prometheus`). */
  readonly prometheusJob?: string;
  /** Share of 5xx responses of an endpoint that fires the error-rate alert (default 0.05). */
  readonly serverErrorRatio?: number;
  /** Share of 4xx responses of an endpoint that fires the client-error alert (default 0.5). */
  readonly clientErrorRatio?: number;
  /** Responses per 5 minutes an endpoint needs before its error alerts can fire (default 20). */
  readonly minResponsesPer5m?: number;
  /** The drop-off alert fires below this share of the same 6 hours one week earlier (default 0.5)… */
  readonly dropOffRatio?: number;
  /** …when those 6 hours counted at least this many (default 50). */
  readonly dropOffMinimumLastWeek?: number;
  /**
   * How many days the app's Prometheus keeps samples (its --storage.tsdb.retention.time), for TELEMETRY.md and the
   * telemetry-health dashboard to state. Unset: they say the retention is the Prometheus server's to set.
   */
  readonly retentionDays?: number;
}

/** The public aggregates page of `quietcount publish`. Every one has a default. */
export interface PublicationSettings {
  /** The page's title (default: "<app>: usage in numbers", or "Usage in numbers" when the catalog names no app). */
  readonly title?: string;
  /** Counts from 1 to minCount - 1 are never published (default 10, never below 5). */
  readonly minCount?: number;
  /** Published counts are rounded to the nearest multiple of this (default 5; from 1, no rounding, to minCount). */
  readonly rounding?: number;
}

export interface CatalogDefinition<Events extends Readonly<Record<string, EventDefinition>>> {
  /**
   * A short name of the app (`a-z`, `0-9`, `-`) for dashboard titles, dashboard uids and docs, so that several apps
   * can share one Grafana. Unset: `quietcount`.
   */
  readonly app?: string;
  /** What an `event_id` identifies in this app, completing "An event_id identifies …, never a person". */
  readonly eventIdMeaning?: string;
  readonly monitoring?: MonitoringSettings;
  readonly publication?: PublicationSettings;
  readonly events: Events;
}

export type Catalog<Events extends Readonly<Record<string, EventDefinition>> = Readonly<Record<string, EventDefinition>>> =
  CatalogDefinition<Events>;

/** Returns the catalog as given (frozen), keeping every event's literal name and source for the types below. */
export function defineCatalog<const Events extends Readonly<Record<string, EventDefinition>>>(
  definition: CatalogDefinition<Events>,
): Catalog<Events> {
  return deepFreeze(definition);
}

type EventsOf<C> = C extends CatalogDefinition<infer Events> ? Events : never;
type NamesWithSource<C, S extends EventSource> = {
  [K in keyof EventsOf<C>]: EventsOf<C>[K] extends { readonly source: S } ? K : never;
}[keyof EventsOf<C>] &
  string;

/** Every event name a catalog declares. */
export type EventName<C> = keyof EventsOf<C> & string;
/** The names `telemetry.record()` takes: events of source `memory`. */
export type MemoryEventName<C> = NamesWithSource<C, 'memory'>;
/** The names `telemetry.observeTable()` takes: events of source `table`. */
export type TableEventName<C> = NamesWithSource<C, 'table'>;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
