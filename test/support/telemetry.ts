import { afterEach } from 'vitest';
import { testCatalog } from '../fixtures/catalog.ts';
import { createTelemetry, type Telemetry } from '../../src/index.ts';
import { captureLogs } from './log-capture.ts';

const started: Telemetry[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((telemetry) => telemetry.shutdown()));
});

/**
 * A telemetry instance on an ephemeral loopback metrics port, logging into memory; shut down after the test.
 * `NODE_ENV` defaults to production (not strict) so refusals are counted rather than thrown.
 */
export async function startTelemetry(env: Record<string, string> = {}) {
  const logs = captureLogs('trace');
  const telemetry = createTelemetry({ catalog: testCatalog, env: { NODE_ENV: 'production', METRICS_PORT: '0', ...env }, logger: logs.logger });
  started.push(telemetry);
  const address = await telemetry.startMetricsServer();
  const scrape = async (headers: Record<string, string> = {}): Promise<string> => {
    const response = await fetch(`${address.url}/metrics`, { headers });
    if (response.status !== 200) throw new Error(`/metrics answered ${String(response.status)}`);
    return response.text();
  };
  /** Every count as it stands (metricsText: the zero-first rule of /metrics does not apply). */
  const counts = (): Promise<string> => telemetry.metricsText();
  return { telemetry, address, logs, scrape, counts };
}
