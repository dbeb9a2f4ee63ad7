/**
 * The reference app, assembled but not listening: `createApp()` for main.ts, the tests and the benchmarks.
 */
import type { AddressInfo } from 'node:net';
import type { DatabaseSync } from 'node:sqlite';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { createTelemetry } from 'quietcount';
import { httpUrl } from './url.ts';
import { loadAppConfig, type AppConfig } from './config.ts';
import { createEventRepository } from './db/events.ts';
import { openDatabase } from './db/open.ts';
import { createProfileRepository } from './db/profiles.ts';
import { observeUsageTables } from './db/usage-counts.ts';
import { trackConnections, type Drain } from './drain.ts';
import { errorHandler, notFound } from './error-responses.ts';
import { createHttpServer } from './http-server.ts';
import { createAppLogger } from './logger.ts';
import { requestLog } from './request-log.ts';
import { directoryRoutes } from './routes/directory.ts';
import { eventRoutes } from './routes/events.ts';
import { healthRoutes } from './routes/health.ts';
import { profileRoutes } from './routes/profiles.ts';
import { signupRoutes } from './routes/signups.ts';
import { noSniff } from './security-headers.ts';
import { catalog, type AppTelemetry } from './telemetry.ts';
import { tokenDigest } from './tokens.ts';

export interface AppOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Defaults to JSON lines on stdout. */
  readonly logger?: Logger;
  /**
   * The middleware that counts every response, first in the chain: quietcount's own by default. `none`, or another
   * library's middleware, exists so the benchmarks can measure what counting costs (bench/http.ts).
   */
  readonly httpInstrumentation?: RequestHandler | 'none';
}

export interface ListeningApp {
  readonly port: number;
  readonly url: string;
}

export interface App {
  readonly config: AppConfig;
  readonly app: Express;
  readonly telemetry: AppTelemetry;
  readonly db: DatabaseSync;
  readonly logger: Logger;
  /** Starts the app listener (not the metrics listener: `telemetry.startMetricsServer()`). */
  listen(): Promise<ListeningApp>;
  /**
   * Stops taking requests: no new connections; every request already on an accepted connection is answered (with
   * `Connection: close`), idle connections are closed, and whatever is left after a deadline is cut (drain.ts).
   */
  stopServing(): Promise<void>;
  /** stopServing, then the metrics listener and the database. */
  close(): Promise<void>;
}

/** Requests on accepted connections get this long to be answered once the app stops serving; then they are cut. */
const DRAIN_MS = 5_000;

export function createApp(options: AppOptions): App {
  const config = loadAppConfig(options.env);
  const logger = options.logger ?? createAppLogger();
  // Named, so the library's own lines (opt-out notice, debug increments) read as they do with its default logger.
  const telemetry = createTelemetry({ catalog, env: options.env, logger: logger.child({ name: 'quietcount' }) });
  const { db, emails } = openDatabase(config.databasePath, config.emailKey);
  // In a cluster worker the primary reads the tables, once for all workers (cluster.ts).
  if (telemetry.role !== 'worker') observeUsageTables(telemetry, db);
  const events = createEventRepository(db);
  const profiles = createProfileRepository(db, emails);

  if (config.adminToken === undefined) {
    logger.warn('ADMIN_TOKEN is not set: creating events is refused (403); the demo events are there to try the app');
  }

  const app = express();
  app.disable('x-powered-by');
  // First, so every response is counted, the 4xx and 500 of the handlers below included. Bodies are parsed per
  // route (json-body.ts).
  const httpInstrumentation = options.httpInstrumentation ?? telemetry.httpMiddleware();
  if (httpInstrumentation !== 'none') app.use(httpInstrumentation);
  app.use(requestLog(logger));
  app.use(noSniff);
  app.use(healthRoutes());
  app.use(eventRoutes(events, config.adminToken === undefined ? undefined : tokenDigest(config.adminToken)));
  app.use(signupRoutes(events, profiles));
  app.use(directoryRoutes(events, profiles, telemetry));
  app.use(profileRoutes(profiles));
  app.use(notFound);
  app.use(errorHandler(logger));

  let drain: Drain | undefined;
  let serving: Promise<void> | undefined;
  const stopServing = (): Promise<void> => {
    if (drain === undefined) return Promise.resolve();
    serving ??= drain.drain(DRAIN_MS);
    return serving;
  };

  return {
    config,
    app,
    telemetry,
    db,
    logger,
    listen: () =>
      new Promise((resolve, reject) => {
        const listening = createHttpServer(config.http, app);
        drain = trackConnections(listening);
        listening.once('error', reject);
        listening.listen(config.port, config.host, () => {
          listening.off('error', reject);
          const { port } = listening.address() as AddressInfo;
          resolve({ port, url: httpUrl(config.host, port) });
        });
      }),
    stopServing,
    close: async () => {
      await stopServing();
      await telemetry.shutdown();
      db.close();
    },
  };
}
