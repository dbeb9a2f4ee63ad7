/**
 * quietcount: what an app imports. No generator or CLI code is reachable from here.
 *
 *   import { createTelemetry } from 'quietcount';
 *   import catalog from './quietcount.catalog.ts';
 *
 *   const telemetry = createTelemetry({ catalog });   // settings left out are read from the environment
 *   app.use(telemetry.httpMiddleware());               // http_responses_total by route template and status code
 *   telemetry.record('checkout_started', orderId);     // compiles only for a declared memory event
 *   await telemetry.startMetricsServer();              // /metrics on its own listener
 */
export { defineCatalog } from './catalog/define.ts';
export type { Catalog, CatalogDefinition, EventDefinition, EventName, EventSource, IsoDate, MemoryEventName, MonitoringSettings, TableEventName } from './catalog/define.ts';
export { CatalogError, validateCatalog } from './catalog/validate.ts';
export type { CatalogModel } from './catalog/model.ts';
export { expiredEvents } from './catalog/expiry.ts';
export { createTelemetry, type Telemetry, type TelemetryOf } from './telemetry/create-telemetry.ts';
export { telemetryOptionsFromEnv, type TelemetryConfig } from './telemetry/config.ts';
export { ConfigError, readSecret } from './telemetry/env-reader.ts';
export type { LogLevel, MetricsListenerSettings, TelemetryOptions, TelemetrySettings } from './telemetry/options.ts';
export { QuietcountRuleError } from './telemetry/guard.ts';
export type { EventCount } from './telemetry/recorder.ts';
export type { HttpMiddleware } from './telemetry/http.ts';
export type { ListeningAddress } from './telemetry/metrics-server.ts';
export { DEFAULT_MAX_EVENT_IDS, MAX_ENDPOINTS, OTHER, UNMATCHED } from './schema/bounds.ts';
export { metricFamilies, type MetricName } from './schema/metrics.ts';
export { rejectionReasons, type RejectionReason } from './schema/rejection-reasons.ts';
