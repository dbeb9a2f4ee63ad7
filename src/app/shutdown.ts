import type { App } from './server.ts';

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
