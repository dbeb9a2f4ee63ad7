/**
 * `npm start`: the reference app on PORT, its metrics on METRICS_HOST:METRICS_PORT, until SIGTERM or SIGINT.
 * With WEB_CONCURRENCY above 1, this process is the cluster primary and the app runs in that many workers
 * (cluster.ts). Under PM2's cluster mode (`pm2 start ... -i N`) each instance runs as one process. Signals are
 * handled here and nowhere else. The start script `exec`s node, so the shell npm runs it with is replaced by this
 * process and the signal npm passes on arrives here instead of ending a shell and orphaning us.
 */
import cluster from 'node:cluster';
import { httpUrl } from './url.ts';
import { CatalogError, ConfigError } from 'quietcount';
import { startPrimary } from './cluster.ts';
import { loadAppConfig } from './config.ts';
import { DISK_FULL_MESSAGE, diskFullCode } from './disk-full.ts';
import { createAppLogger, loggableError } from './logger.ts';
import { createApp, type App } from './server.ts';
import { REPEATED_SIGNAL_WINDOW_MS, shutDownGracefully, shutDownPrimary, shutDownWorker } from './shutdown.ts';

const logger = createAppLogger();

/** Starts what this process runs, and returns how it stops. */
async function start(): Promise<() => Promise<void>> {
  const config = loadAppConfig(process.env);
  if (cluster.isWorker) {
    const running = createApp({ env: process.env, logger });
    if (running.telemetry.role === 'worker') {
      await running.listen();
      return () => shutDownWorker(running);
    }
    // PM2's cluster mode: PM2 forked this process, so it runs as one process does; its quietcount and the other
    // instances' agree which of them serves /metrics.
    return startOne(running);
  }
  if (config.webConcurrency > 1) {
    const firstListening = new Promise<number>((resolve) => {
      cluster.on('listening', (worker, address) => {
        logger.info({ workerPid: worker.process.pid, appPort: address.port }, 'worker listening');
        resolve(address.port);
      });
    });
    const primary = await startPrimary(config, process.env, logger);
    const appPort = await firstListening;
    const appUrl = httpUrl(config.host, appPort);
    logger.info(
      { appUrl, appPort, workers: config.webConcurrency, metricsUrl: primary.metrics.url, metricsPort: primary.metrics.port },
      `quietcount reference app on ${appUrl} (${String(config.webConcurrency)} workers), metrics on ${primary.metrics.url}`,
    );
    return () => shutDownPrimary(primary, config, logger);
  }
  return startOne(createApp({ env: process.env, logger }));
}

/** One process: the app and its metrics listener. */
async function startOne(running: App): Promise<() => Promise<void>> {
  const metrics = await running.telemetry.startMetricsServer();
  const app = await running.listen();
  logger.info(
    { appUrl: app.url, appPort: app.port, metricsUrl: metrics.url, metricsPort: metrics.port },
    `quietcount reference app on ${app.url}, metrics on ${metrics.url}`,
  );
  return () => shutDownGracefully(running);
}

function stopOnSignals(shutDown: () => Promise<void>): void {
  let firstSignalAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignalAt !== undefined) {
      if (performance.now() - firstSignalAt < REPEATED_SIGNAL_WINDOW_MS) return;
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    firstSignalAt = performance.now();
    logger.info({ signal }, 'shutting down (send the signal again to exit at once)');
    shutDown().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ error: loggableError(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

try {
  stopOnSignals(await start());
} catch (error) {
  // A configuration message names variables, never their values: safe to show in full.
  const diskFull = diskFullCode(error);
  if (error instanceof ConfigError || error instanceof CatalogError) logger.fatal(error.message);
  else if (diskFull !== undefined) logger.fatal({ code: diskFull }, `failed to start: ${DISK_FULL_MESSAGE} (${diskFull})`);
  else logger.fatal({ error: loggableError(error) }, 'failed to start');
  process.exit(1);
}
