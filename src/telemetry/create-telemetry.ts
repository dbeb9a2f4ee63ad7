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
import { Handover, LAST_HANDOVER_TIMEOUT_MS } from './cluster/handover.ts';
import { connectToPrimary, startIpcReceiver, type IpcReceiver } from './cluster/ipc.ts';
import { PeerGroup } from './cluster/peers.ts';
import type { ReceiverTargets } from './cluster/receiver.ts';
import { clusterMode, type ClusterRole } from './cluster/role.ts';
import { within } from './cluster/within.ts';

/**
 * Every member is a bound function: `const { record } = telemetry` is safe. (They are declared as methods so that a
 * catalog's telemetry is also a `Telemetry` of any names, for code that takes any app's.)
 */
export interface Telemetry<Memory extends string = string, Table extends string = string> {
  readonly config: TelemetryConfig;
  /** The validated catalog. */
  readonly catalog: CatalogModel;
  /**
   * What this process does now (cluster/role.ts): `standalone`; `primary` (receives its node:cluster workers'
   * counts: the first telemetry created in a process that is no cluster worker); `worker` (hands its counts to such
   * a primary); `peer` (an instance of PM2's cluster mode handing its counts to the instance serving /metrics) or
   * `serving-peer` (that instance). A peer becomes the serving one when the one before it goes away.
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
  /**
   * `/metrics` and `/analytics/catalog` on the metrics listener (not in a cluster worker: its primary serves them).
   * In a PM2 instance: serves them if no other instance does, else hands this instance's counts over to the one
   * that does; resolves with the one metrics address either way.
   */
  startMetricsServer: () => Promise<ListeningAddress>;
  /**
   * The exposition text with every count as it stands (without the zero-first rule that scrapes of `/metrics`
   * follow), changing nothing: for tests and debugging.
   */
  metricsText: () => Promise<string>;
  /**
   * For a stopping app: resolves `true` once a scrape that began after the call has been written to its scraper in
   * full (in a PM2 instance, or a worker: by whichever process serves /metrics, with this one's counts), or `false`
   * after `graceMs`. From the call on, this process's scrapes export every count, new series included (there is no
   * later scrape to show them after a 0).
   */
  waitForNextScrape: (graceMs: number) => Promise<boolean>;
  /** Stops the metrics listener, the meter providers and the process-metric monitors: nothing is left running. */
  shutdown: () => Promise<void>;
}

/** The telemetry type of a catalog: `TelemetryOf<typeof catalog>`. */
export type TelemetryOf<C extends Catalog> = Telemetry<MemoryEventName<C>, TableEventName<C>>;

export function createTelemetry<C extends Catalog>(options: TelemetryOptions<C>): TelemetryOf<C> {
  const catalog = validateCatalog((options as { catalog?: unknown }).catalog);
  const config = resolveTelemetryConfig(options, options.env ?? process.env);
  const logger = telemetryLogger(options.logger, config.logLevel);
  const guard = createGuard({ strict: config.strict });
  const mode = clusterMode(options.env ?? process.env);
  // Set once this process hands its counts over; the recorder asks for an early handover through it.
  let handover: Handover | undefined;
  const usage = new UsageRecorder({
    catalog,
    guard,
    maxEventIds: config.maxEventIds,
    enabled: config.collecting,
    debugLog: config.logLevel === 'debug' || config.logLevel === 'trace' ? logger : undefined,
    ...(mode === 'single' ? {} : { handingOver: { onBoundFilled: () => handover?.requestFlush() } }),
    readsTables: mode === 'single',
  });
  const responses = new HttpResponseCounter(guard, logger);
  const exporter = createExporter({ usage, responses, guard, collecting: config.collecting, zeroHoldMs: config.zeroHoldMs });
  const server = new MetricsServer({
    config,
    exporter,
    logger,
    catalogDocument: () => catalogDocument(config, catalog, usage.expiredEvents()),
  });
  const targets: ReceiverTargets = { usage, responses, guard, afterNextScrape: (written) => server.afterNextScrape(written) };

  let ipcReceiver: IpcReceiver | undefined;
  let leavePrimary: (() => void) | undefined;
  let peers: PeerGroup | undefined;
  let standalone = false;
  if (mode === 'single') {
    ipcReceiver = startIpcReceiver(targets);
  } else {
    handover = new Handover({ usage, responses, guard, intervalMs: config.handoverIntervalMs });
    if (mode === 'worker') leavePrimary = connectToPrimary(handover);
    else peers = new PeerGroup({ host: config.metricsHost, port: config.metricsPort, directory: config.peersDirectory, server, exporter, usage, handover, targets, logger });
  }
  const roleNow = (): ClusterRole => {
    if (mode === 'worker') return 'worker';
    if (mode === 'single') return ipcReceiver !== undefined ? 'primary' : 'standalone';
    if (standalone) return 'standalone';
    return peers?.serving === true ? 'serving-peer' : 'peer';
  };

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
    get role() {
      return roleNow();
    },
    record: (eventName, eventId, increment) => {
      usage.record(eventName, eventId, increment);
    },
    recordLabels: (labels, increment) => {
      usage.recordLabels(labels, increment);
    },
    observeTable: (eventName, readCounts) => {
      if (mode === 'worker') {
        throw new Error('observeTable: this process is a cluster worker; table counters are read by the primary, once for all workers');
      }
      usage.observeTable(eventName, readCounts);
    },
    httpMiddleware: () => responseCounterMiddleware(responses),
    startMetricsServer: () => {
      if (mode === 'worker') {
        return Promise.reject(new Error("startMetricsServer: this process is a cluster worker; its primary serves /metrics with every worker's counts"));
      }
      if (peers === undefined) return server.listen();
      if (config.metricsPort === 0) {
        // Each instance on a port of its own: no instance to agree with.
        standalone = true;
        handover?.end();
        usage.serveOwnCounts();
        return server.listen();
      }
      return peers.join();
    },
    metricsText: () => exporter.peek(),
    waitForNextScrape: async (graceMs) => {
      // A worker: its primary serves the scrape that exports its last counts (the IPC channel keeps it alive).
      if (mode === 'worker' && handover !== undefined) return within(graceMs, handover.handOverLast(), false);
      if (peers !== undefined && !standalone) return peers.waitForNextScrape(graceMs);
      exporter.releaseAll();
      return server.waitForNextScrape(graceMs);
    },
    shutdown: async () => {
      if (peers !== undefined) await peers.stop();
      else await handover?.stop(LAST_HANDOVER_TIMEOUT_MS);
      leavePrimary?.();
      ipcReceiver?.stop();
      await server.close();
      await exporter.shutdown();
    },
  };
  attachResponseCounter(telemetry, responses);
  return telemetry;
}
