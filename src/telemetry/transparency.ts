/**
 * What `GET /analytics/catalog` answers: everything that may be collected, and whether collection is on, so an
 * operator or an auditor can compare it with what `/metrics` shows.
 */
import { metrics, OTHER, rejectionReasons, UNMATCHED, usageEvents } from '../catalog.ts';
import type { TelemetryConfig } from './config.ts';

export function catalogDocument(config: TelemetryConfig): object {
  return {
    collecting: config.collecting,
    optOutVariable: config.optOutVariable ?? null,
    maxEventIdsPerEventName: config.maxEventIds,
    overflowLabelValue: OTHER,
    unmatchedEndpoint: UNMATCHED,
    metrics,
    usageEvents,
    rejectionReasons,
  };
}
