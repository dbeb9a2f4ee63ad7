/**
 * `createTelemetry({ catalog })`: the one object an app holds. Validates the catalog, resolves the options, and
 * wires guard → recorder / HTTP counter → exporter → metrics listener.
 */
import type { Catalog, MemoryEventName, TableEventName } from '../catalog/define.ts';
import type { CatalogModel } from '../catalog/model.ts';
import { validateCatalog } from '../catalog/validate.ts';
import { resolveTelemetryConfig, type TelemetryConfig } from './config.ts';
import { createGuard } from './guard.ts';
import { UsageRecorder, type EventCount } from './recorder.ts';
import { attachResponseCounter, HttpResponseCounter } from './http.ts';
import { responseCounterMiddleware, type HttpMiddleware } from '../adapters/express.ts';
import { createExporter } from './exporter.ts';
import { MetricsServer, type ListeningAddress } from './metrics-server.ts';
import { telemetryLogger } from './logger.ts';
import type { TelemetryOptions } from './options.ts';
import { catalogDocument } from './transparency.ts';
import { startHandover, type Handover } from './cluster/handover.ts';
import { startReceiver, type Receiver } from './cluster/receiver.ts';
import { isHandoverWorker, type ClusterRole } from './cluster/role.ts';
import type { CountsMessage } from './cluster/messages.ts';

/**
 * Every member is a bound function: `const { record } = telemetry` is safe. (They are declared as methods so that a
 * catalog's telemetry is also a `Telemetry` of any names, for code that takes any app's.)
 */
export interface Telemetry<Memory extends string = string, Table extends string = string> {
  readonly config: TelemetryConfig;
  /** The validated catalog. */
  readonly catalog: CatalogModel;
  /**
   * `worker`: a node:cluster worker whose primary runs quietcount; it hands its counts over and serves no /metrics.
   * `primary`: the process that receives its workers' counts (the first telemetry created in a non-worker process).
   * `standalone`: neither.
   */
  readonly role: ClusterRole;
  /** Count one (or `increment`) usage event of `eventId`. Never throws outside strict mode; never blocks. */
  record(this: void, eventName: Memory, eventId: string | number, increment?: number): void;
  /** The same, with labels as an object (`{ event_name, event_id }`), for code shaped like OTel's `counter.add`. */
  recordLabels(this: void, labels: { readonly event_name: Memory; readonly event_id: string | number }, increment?: number): void;
  /**
   * Derive a usage counter from an append-only table: `readCounts` is called at each scrape and returns the
   * cumulative count per event id (for example `SELECT event_id, COUNT(*) ... GROUP BY event_id`).
   */
  observeTable(this: void, eventName: Table, readCounts: () => Iterable<EventCount>): void;
  /**
   * express middleware counting every response by endpoint (method + route template) and status code: the same as
   * `httpCounter(telemetry)` of `quietcount/express`. Other frameworks have their own subpath (`quietcount/fastify`, …).
   */
  httpMiddleware: () => HttpMiddleware;
  /** `/metrics` and `/analytics/catalog` on the metrics listener (not in a cluster worker: its primary serves them). */
  startMetricsServer: () => Promise<ListeningAddress>;
  /**
   * The exposition text with every count as it stands (without the zero-first rule that scrapes of `/metrics`
   * follow), changing nothing: for tests and debugging.
   */
  metricsText: () => Promise<string>;
  /**
   * For a stopping app: resolves `true` once one more scrape has been served, or `false` after `graceMs`. From the
   * call on, scrapes export every count, new series included (there is no later scrape to show them after a 0).
   */
  waitForNextScrape: (graceMs: number) => Promise<boolean>;
  /** Stops the metrics listener, the meter providers and the process-metric monitors: nothing is left running. */
  shutdown: () => Promise<void>;
}

/**
 * A cluster worker keeps up to this many times the bound of distinct ids per event name between two handovers, so
 * that the primary, which bounds the sum, decides which ids get a series.
 */
const WORKER_BOUND_HEADROOM = 4;

/** The telemetry type of a catalog: `TelemetryOf<typeof catalog>`. */
export type TelemetryOf<C extends Catalog> = Telemetry<MemoryEventName<C>, TableEventName<C>>;

export function createTelemetry<C extends Catalog>(options: TelemetryOptions<C>): TelemetryOf<C> {
  const catalog = validateCatalog((options as { catalog?: unknown }).catalog);
  const config = resolveTelemetryConfig(options, options.env ?? process.env);
  const logger = telemetryLogger(options.logger, config.logLevel);
  const guard = createGuard({ strict: config.strict });
  const worker = isHandoverWorker(options.env ?? process.env) && process.send !== undefined;
  const usage = new UsageRecorder({
    localBound: worker ? config.maxEventIds * WORKER_BOUND_HEADROOM : config.maxEventIds,
    catalog,
    guard,
    maxEventIds: config.maxEventIds,
    enabled: config.collecting,
    debugLog: config.logLevel === 'debug' || config.logLevel === 'trace' ? logger : undefined,
  });
  const responses = new HttpResponseCounter(guard, logger);
  const exporter = createExporter({ usage, responses, guard, collecting: config.collecting, zeroHoldMs: config.zeroHoldMs });
  const server = new MetricsServer({
    config,
    exporter,
    logger,
    catalogDocument: () => catalogDocument(config, catalog, usage.expiredEvents()),
  });

  let handover: Handover | undefined;
  let receiver: Receiver | undefined;
  if (worker && process.send !== undefined) {
    const send = process.send.bind(process) as (message: CountsMessage, callback: (error: Error | null) => void) => boolean;
    handover = startHandover({ usage, responses, guard, intervalMs: config.handoverIntervalMs, send: (message, callback) => send(message, callback) });
  } else {
    receiver = startReceiver({ usage, responses, guard });
  }
  const role: ClusterRole = handover !== undefined ? 'worker' : receiver !== undefined ? 'primary' : 'standalone';

  if (!config.collecting) {
    logger.info({ optOut: config.optOut }, `analytics collection is off (${config.optOut ?? ''}): usage counters record nothing and export nothing`);
  }
  for (const eventName of usage.expiredEvents()) {
    logger.warn(
      { eventName, expires: catalog.events.get(eventName)?.expires },
      `catalog entry ${eventName} has expired: it is no longer recorded (renew or remove it in the catalog)`,
    );
  }

  const telemetry: TelemetryOf<C> = {
    config,
    catalog,
    role,
    record: (eventName, eventId, increment) => {
      usage.record(eventName, eventId, increment);
    },
    recordLabels: (labels, increment) => {
      usage.recordLabels(labels, increment);
    },
    observeTable: (eventName, readCounts) => {
      if (handover !== undefined) {
        throw new Error('observeTable: this process is a cluster worker; table counters are read by the primary, once for all workers');
      }
      usage.observeTable(eventName, readCounts);
    },
    httpMiddleware: () => responseCounterMiddleware(responses),
    startMetricsServer: () =>
      handover === undefined
        ? server.listen()
        : Promise.reject(new Error('startMetricsServer: this process is a cluster worker; its primary serves /metrics with every worker\'s counts')),
    metricsText: () => exporter.peek(),
    waitForNextScrape: (graceMs) => {
      exporter.releaseAll();
      return server.waitForNextScrape(graceMs);
    },
    shutdown: async () => {
      await handover?.stop();
      receiver?.stop();
      await server.close();
      await exporter.shutdown();
    },
  };
  attachResponseCounter(telemetry, responses);
  return telemetry;
}
