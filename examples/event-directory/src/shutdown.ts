import type { Logger } from 'pino';
import type { Primary } from './cluster.ts';
import type { AppConfig } from './config.ts';
import type { App } from './server.ts';

/** A worker's drain (5 s) and last handover fit in this; one that takes longer is killed. */
const WORKER_STOP_TIMEOUT_MS = 10_000;

/**
 * A signal that arrives this soon after the first is a copy of it, not a second request: a terminal's Ctrl-C reaches
 * npm and the app alike (one process group), and npm passes its own copy on; a service manager may signal every
 * process of the group too. A person who means "now" presses again after that.
 */
export const REPEATED_SIGNAL_WINDOW_MS = 1_000;

/**
 * Stops the app without losing the last increments: requests stop first, then the metrics listener stays up until
 * Prometheus has scraped once more (or the grace period ends), so what was counted before the signal is exported.
 */
export async function shutDownGracefully(running: App): Promise<void> {
  const { logger, config, telemetry } = running;
  await running.stopServing();
  logger.info({ graceMs: config.shutdownGraceMs }, 'stopped taking requests; waiting for a final scrape');
  const scraped = await telemetry.waitForNextScrape(config.shutdownGraceMs);
  logger.info({ finalScrape: scraped }, scraped ? 'final scrape served' : 'no scrape within the grace period');
  await running.close();
}

/** A cluster worker: stops taking requests and hands its last counts over (the primary waits for the final scrape). */
export async function shutDownWorker(running: App): Promise<void> {
  await running.stopServing();
  await running.close();
}

/**
 * The cluster primary: the workers stop first (each drains and hands its last counts over), then /metrics stays up
 * for one more scrape, as in one process.
 */
export async function shutDownPrimary(primary: Primary, config: AppConfig, logger: Logger): Promise<void> {
  await primary.stopWorkers(WORKER_STOP_TIMEOUT_MS);
  logger.info({ graceMs: config.shutdownGraceMs }, 'workers stopped; waiting for a final scrape');
  const scraped = await primary.telemetry.waitForNextScrape(config.shutdownGraceMs);
  logger.info({ finalScrape: scraped }, scraped ? 'final scrape served' : 'no scrape within the grace period');
  await primary.close();
}
