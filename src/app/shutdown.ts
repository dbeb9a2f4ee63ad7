import type { App } from './server.ts';

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
