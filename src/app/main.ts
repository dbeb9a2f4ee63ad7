/**
 * `npm start`: the reference app on PORT, its metrics on METRICS_HOST:METRICS_PORT, until SIGTERM or SIGINT.
 * Signals are handled here and nowhere else. The start script `exec`s node, so the shell npm runs it with is
 * replaced by this process and the signal npm passes on arrives here instead of ending a shell and orphaning us.
 */
import { CatalogError, ConfigError } from '../index.ts';
import { createAppLogger, loggableError } from './logger.ts';
import { createApp, type App } from './server.ts';
import { REPEATED_SIGNAL_WINDOW_MS, shutDownGracefully } from './shutdown.ts';

const logger = createAppLogger();

async function start(): Promise<App> {
  const running = createApp({ env: process.env, logger });
  const metrics = await running.telemetry.startMetricsServer();
  const app = await running.listen();
  logger.info(
    { appUrl: app.url, appPort: app.port, metricsUrl: metrics.url, metricsPort: metrics.port },
    `quietcount reference app on ${app.url}, metrics on ${metrics.url}`,
  );
  return running;
}

function stopOnSignals(running: App): void {
  let firstSignalAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignalAt !== undefined) {
      if (performance.now() - firstSignalAt < REPEATED_SIGNAL_WINDOW_MS) return;
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    firstSignalAt = performance.now();
    logger.info({ signal }, 'shutting down (send the signal again to exit at once)');
    shutDownGracefully(running).then(
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
  if (error instanceof ConfigError || error instanceof CatalogError) logger.fatal(error.message);
  else logger.fatal({ error: loggableError(error) }, 'failed to start');
  process.exit(1);
}
