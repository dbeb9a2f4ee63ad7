/**
 * A small express app instrumented like any adopter (`createTelemetry({ catalog })` with the reference catalog, its
 * HTTP middleware, its metrics listener with a bearer token), on ephemeral loopback ports, whose routes answer the
 * status code asked for: the reference app answers 500 only on a bug, and the alert tests need 5xx on demand.
 */
import type { Server } from 'node:http';
import express from 'express';
import { createTelemetry } from 'quietcount';
import { captureLogs } from '../../../../test/support/log-capture.ts';
import { referenceCatalog } from './catalog.ts';

/** The routes, by the endpoint label the middleware gives them. */
export const STATUS_ROUTES = { flaky: '/api/flaky', crashing: '/api/crashing' } as const;
export const STATUS_ENDPOINTS = Object.values(STATUS_ROUTES).map((path) => `GET ${path}`);
const STATUSES = new Set([200, 400, 500]);
/** Requests in flight at once when sending many. */
const CONCURRENCY = 16;

export interface StatusApp {
  /** `host:port` of the metrics listener, as Prometheus names the target. */
  readonly metricsTarget: string;
  /** Sends `times` requests to `path` that the app answers with `status`, and checks each answer. */
  answer(path: string, status: number, times: number): Promise<void>;
  /** Stops the app and its metrics listener: its target goes down. */
  stop(): Promise<void>;
}

export async function startStatusApp(metricsToken: string): Promise<StatusApp> {
  const telemetry = createTelemetry({
    catalog: referenceCatalog,
    env: { NODE_ENV: 'production', METRICS_HOST: '127.0.0.1', METRICS_PORT: '0', METRICS_TOKEN: metricsToken },
    logger: captureLogs('warn').logger,
  });
  const app = express();
  app.use(telemetry.httpMiddleware());
  for (const path of Object.values(STATUS_ROUTES)) {
    app.get(path, (request, response) => {
      const status = Number(request.query.status);
      response.status(STATUSES.has(status) ? status : 400).json({ status });
    });
  }
  const metrics = await telemetry.startMetricsServer();
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(0, '127.0.0.1', (error?: Error) => {
      if (error === undefined) resolve(listening);
      else reject(error);
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the status app has no TCP address');
  const baseUrl = `http://127.0.0.1:${String(address.port)}`;
  let stopped = false;

  return {
    metricsTarget: new URL(metrics.url).host,
    async answer(path, status, times) {
      let sent = 0;
      const worker = async (): Promise<void> => {
        while (sent < times) {
          sent += 1;
          const response = await fetch(`${baseUrl}${path}?status=${String(status)}`);
          await response.body?.cancel();
          if (response.status !== status) throw new Error(`${path} answered ${String(response.status)}, not ${String(status)}`);
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, times) }, worker));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => {
        server.close(() => { resolve(); });
        server.closeAllConnections();
      });
      await telemetry.shutdown();
    },
  };
}
