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

export interface CatalogModel {
  /** `quietcount` when the catalog names no app. */
  readonly app: string;
  /** Whether the catalog named its app (dashboard uids keep quietcount's own when it did not). */
  readonly appNamed: boolean;
  readonly eventIdMeaning: string;
  readonly monitoring: MonitoringModel;
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
