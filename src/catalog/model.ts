/**
 * A catalog once validated: what the library and the generators work from. Every optional field has its value,
 * and the event names are split by source.
 */
import type { EventDefinition, EventSource } from './define.ts';

export interface MonitoringModel {
  readonly job: string;
  readonly prometheusJob: string;
  readonly serverErrorRatio: number;
  readonly clientErrorRatio: number;
  readonly minResponsesPer5m: number;
  readonly dropOffRatio: number;
  readonly dropOffMinimumLastWeek: number;
  /** Unset when the catalog does not say how long its Prometheus keeps samples. */
  readonly retentionDays: number | undefined;
}

export interface PublicationModel {
  readonly title: string;
  readonly minCount: number;
  readonly rounding: number;
  /** The events marked `publish: true`, in declaration order: the only ones `quietcount publish` reads. */
  readonly eventNames: readonly string[];
}

export interface CatalogModel {
  /** `quietcount` when the catalog names no app. */
  readonly app: string;
  /** Whether the catalog named its app (dashboard uids keep quietcount's own when it did not). */
  readonly appNamed: boolean;
  readonly eventIdMeaning: string;
  readonly monitoring: MonitoringModel;
  readonly publication: PublicationModel;
  /** In declaration order. */
  readonly events: ReadonlyMap<string, EventDefinition>;
  readonly eventNames: readonly string[];
  readonly namesBySource: Readonly<Record<EventSource, readonly string[]>>;
}

export const DEFAULT_APP = 'quietcount';
export const DEFAULT_EVENT_ID_MEANING = 'the thing the app counts per (an event, an order, a page)';

export const DEFAULT_MONITORING: MonitoringModel = {
  job: 'quietcount',
  prometheusJob: 'prometheus',
  serverErrorRatio: 0.05,
  clientErrorRatio: 0.5,
  minResponsesPer5m: 20,
  dropOffRatio: 0.5,
  dropOffMinimumLastWeek: 50,
  retentionDays: undefined,
};

/**
 * The publication's defaults and floor. A count below 5 is never published whatever the catalog says: 5 is the
 * smallest threshold statistical offices commonly use for counts of events that people take part in.
 */
export const DEFAULT_MIN_COUNT = 10;
export const LOWEST_MIN_COUNT = 5;
export const DEFAULT_ROUNDING = 5;
export const defaultPublicationTitle = (app: string | undefined): string => (app === undefined ? 'Usage in numbers' : `${app}: usage in numbers`);
