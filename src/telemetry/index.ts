/**
 * quietcount: what an app imports.
 *
 *   const telemetry = createTelemetry();          // configuration from the environment
 *   app.use(telemetry.httpMiddleware());           // http_responses_total by route template and status code
 *   telemetry.record('directory_page_view', eventId);
 *   await telemetry.startMetricsServer();          // /metrics on its own listener
 */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { MemoryEventName, TableEventName } from '../catalog.ts';
import { loadTelemetryConfig, type TelemetryConfig } from './config.ts';
import { createGuard } from './guard.ts';
import { UsageRecorder, type EventCount } from './recorder.ts';
import { HttpResponseCounter, responseCounterMiddleware } from './http.ts';
import { createExporter } from './exporter.ts';
import { MetricsServer, type ListeningAddress } from './metrics-server.ts';
import { createTelemetryLogger } from './logger.ts';

export { QuietcountRuleError } from './guard.ts';
export { ConfigError, loadTelemetryConfig, readSecret, type TelemetryConfig } from './config.ts';
export type { EventCount } from './recorder.ts';
export type { ListeningAddress } from './metrics-server.ts';
export type { EventName, MemoryEventName, TableEventName } from '../catalog.ts';

export interface TelemetryOptions {
  /** Defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * A pino logger for quietcount's own lines (collection off, debug increments), used at ANALYTICS_LOG_LEVEL.
   * Defaults to JSON lines on stdout.
   */
  readonly logger?: Logger;
}

/** Every member is a bound function: `const { record } = telemetry` is safe. */
export interface Telemetry {
  readonly config: TelemetryConfig;
  /** Count one (or `increment`) usage event of `eventId`. Never throws outside strict mode; never blocks. */
  record: (eventName: MemoryEventName, eventId: string | number, increment?: number) => void;
  /** The same, with labels as an object (`{ event_name, event_id }`), for code shaped like OTel's `counter.add`. */
  recordLabels: (labels: { readonly event_name: MemoryEventName; readonly event_id: string | number }, increment?: number) => void;
  /**
   * Derive a usage counter from an append-only table: `readCounts` is called at each scrape and returns the
   * cumulative count per event id (for example `SELECT event_id, COUNT(*) ... GROUP BY event_id`).
   */
  observeTable: (eventName: TableEventName, readCounts: () => Iterable<EventCount>) => void;
  /** Express middleware counting every response by endpoint (method + route template) and status code. */
  httpMiddleware: () => RequestHandler;
  /** `/metrics` and `/analytics/catalog` on `METRICS_HOST`:`METRICS_PORT`. */
  startMetricsServer: () => Promise<ListeningAddress>;
  /** The exposition text, as `/metrics` serves it. */
  metricsText: () => Promise<string>;
  /** Resolves `true` once one more scrape has been served, or `false` after `graceMs`. */
  waitForNextScrape: (graceMs: number) => Promise<boolean>;
  /** Stops the metrics listener and the OpenTelemetry meter provider. */
  shutdown: () => Promise<void>;
}

export function createTelemetry(options: TelemetryOptions = {}): Telemetry {
  const config = loadTelemetryConfig(options.env ?? process.env);
  // ANALYTICS_LOG_LEVEL rules quietcount's own lines even on the app's logger: debug mode must show every increment
  // whatever level the app logs at.
  const logger = options.logger?.child({}, { level: config.logLevel }) ?? createTelemetryLogger(config.logLevel);
  const guard = createGuard({ strict: config.strict });
  const usage = new UsageRecorder({
    guard,
    maxEventIds: config.maxEventIds,
    enabled: config.collecting,
    debugLog: config.logLevel === 'debug' || config.logLevel === 'trace' ? logger : undefined,
  });
  const responses = new HttpResponseCounter(guard);
  const exporter = createExporter({ usage, responses, guard, collecting: config.collecting, maxEventIds: config.maxEventIds });
  const server = new MetricsServer({ config, exporter, logger });

  if (!config.collecting) {
    logger.info(
      { optOut: config.optOutVariable },
      `analytics collection is off (${config.optOutVariable ?? ''}): usage counters record nothing and export nothing`,
    );
  }

  return {
    config,
    record: (eventName, eventId, increment) => {
      usage.record(eventName, eventId, increment);
    },
    recordLabels: (labels, increment) => {
      usage.recordLabels(labels, increment);
    },
    observeTable: (eventName, readCounts) => {
      usage.observeTable(eventName, readCounts);
    },
    httpMiddleware: () => responseCounterMiddleware(responses),
    startMetricsServer: () => server.listen(),
    metricsText: () => exporter.metricsText(),
    waitForNextScrape: (graceMs) => server.waitForNextScrape(graceMs),
    shutdown: async () => {
      await server.close();
      await exporter.shutdown();
    },
  };
}
