/**
 * What `GET /analytics/catalog` answers: everything that may be collected, and whether collection is on, so an
 * operator or an auditor can compare it with what `/metrics` shows; and which events the public aggregates page
 * (`quietcount publish`) may show, under which threshold and rounding.
 */
import type { CatalogModel } from '../catalog/model.ts';
import { MAX_ENDPOINTS, OTHER, UNMATCHED } from '../schema/bounds.ts';
import { metricFamilies } from '../schema/metrics.ts';
import { rejectionReasons } from '../schema/rejection-reasons.ts';
import type { TelemetryConfig } from './config.ts';

export function catalogDocument(config: TelemetryConfig, catalog: CatalogModel, expired: ReadonlySet<string>): object {
  return {
    app: catalog.app,
    collecting: config.collecting,
    optOut: config.optOut ?? null,
    maxEventIdsPerEventName: config.maxEventIds,
    maxEndpoints: MAX_ENDPOINTS,
    overflowLabelValue: OTHER,
    unmatchedEndpoint: UNMATCHED,
    eventIdMeaning: catalog.eventIdMeaning,
    metrics: metricFamilies,
    usageEvents: Object.fromEntries(
      [...catalog.events].map(([name, { publish, ...event }]) => [name, { ...event, published: publish === true, expired: expired.has(name) }]),
    ),
    publication: { title: catalog.publication.title, minCount: catalog.publication.minCount, rounding: catalog.publication.rounding },
    rejectionReasons,
  };
}
