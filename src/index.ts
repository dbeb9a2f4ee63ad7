/**
 * quietcount: what an app imports. No generator or CLI code is reachable from here (those are quietcount-cli's), and
 * no web framework: each has its own subpath (`quietcount/express`, `quietcount/fastify`, …).
 *
 *   import { createTelemetry } from 'quietcount';
 *   import { httpCounter } from 'quietcount/express';
 *   import catalog from './quietcount.catalog.ts';
 *
 *   const telemetry = createTelemetry({ catalog });   // settings left out are read from the environment
 *   app.use(httpCounter(telemetry));                   // http_responses_total by route template and status code
 *   telemetry.record('checkout_started', orderId);     // compiles only for a declared memory event
 *   await telemetry.startMetricsServer();              // /metrics on its own listener
 */

// The app's catalog.
export { defineCatalog } from './catalog/define.ts';
export type { Catalog, CatalogDefinition, EventDefinition, EventName, EventSource, IsoDate, MemoryEventName, MonitoringSettings, PublicationSettings, TableEventName } from './catalog/define.ts';

// Recording.
export { createTelemetry, type Telemetry, type TelemetryOf } from './telemetry/create-telemetry.ts';
export { telemetryOptionsFromEnv, type TelemetryConfig } from './telemetry/config.ts';
export { ConfigError, EnvReader } from './telemetry/env-reader.ts';
export type { LogLevel, MetricsListenerSettings, TelemetryOptions, TelemetrySettings } from './telemetry/options.ts';
export type { Logger } from './telemetry/logger.ts';
export { isEndpointLabel, isStatusCode, QuietcountRuleError } from './telemetry/guard.ts';
export type { EventCount } from './telemetry/recorder.ts';
export type { ListeningAddress } from './telemetry/metrics-server.ts';
export type { ClusterRole } from './telemetry/cluster/role.ts';
export { canonicalEventId } from './common/event-id.ts';

// quietcount's schema, and what tools that read catalogs (quietcount-cli, an app's own) need of it.
export { DEFAULT_MAX_EVENT_IDS, MAX_ENDPOINTS, OTHER, UNMATCHED } from './schema/bounds.ts';
export { metricFamilies, type MetricFamily, type MetricName } from './schema/metrics.ts';
export { rejectionReasons, type RejectionReason } from './schema/rejection-reasons.ts';
export { CatalogError, isEventName, validateCatalog } from './catalog/validate.ts';
export type { CatalogModel, MonitoringModel, PublicationModel } from './catalog/model.ts';
export { expiredEvents } from './catalog/expiry.ts';
export { formatIsoDay, parseIsoDay, todayUtc } from './catalog/days.ts';
export { readSecretFile, SecretFileError } from './common/secret-file.ts';
