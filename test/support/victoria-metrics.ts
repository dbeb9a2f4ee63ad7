/**
 * A real VictoriaMetrics for tests, the second engine the dashboards and the report run against: Debian's
 * single-node `victoria-metrics` (and its `vmalert`), on loopback, an ephemeral port and a temporary data dir, with
 * the project's 180-day retention. It serves the Prometheus HTTP API, so it is handed out as a `PrometheusServer`,
 * and it accepts Prometheus remote_write at `/api/v1/write`. Never a mock, never a skip: a missing binary is an error
 * that says how to install it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { executable, lastLines, startApiServer, type BasicAuth, type PrometheusServer } from './api-server.ts';
import { freePort } from './prometheus.ts';

const RETENTION = '180d';
const READY_TIMEOUT_MS = 30_000;

export interface VictoriaMetricsOptions {
  /** Required on every request, remote_write included (`-httpAuth.*`), as a central store must. */
  readonly basicAuth?: BasicAuth;
  readonly extraFlags?: readonly string[];
}

export const victoriaMetricsBinary = (): Promise<string> => executable('VICTORIA_METRICS_BIN', '/usr/bin/victoria-metrics', 'victoria-metrics');
export const vmalertBinary = (): Promise<string> => executable('VMALERT_BIN', '/usr/bin/vmalert', 'victoria-metrics');

/**
 * Starts VictoriaMetrics. Two flags make it answer as a test needs: `-search.latencyOffset=0s` (by default the last
 * 30 s of samples stay hidden from queries while they may still arrive) and `-search.disableCache` (a cached range
 * answer would not see samples written since).
 */
export async function startVictoriaMetrics(options: VictoriaMetricsOptions = {}): Promise<PrometheusServer> {
  const binary = await victoriaMetricsBinary();
  const dataDir = await mkdtemp(join(tmpdir(), 'quietcount-victoria-metrics-'));
  const port = await freePort();
  const auth = options.basicAuth;
  return startApiServer({
    name: 'victoria-metrics',
    binary,
    args: [
      `-storageDataPath=${dataDir}`,
      `-httpListenAddr=127.0.0.1:${String(port)}`,
      `-retentionPeriod=${RETENTION}`,
      '-search.latencyOffset=0s',
      '-search.disableCache',
      '-loggerLevel=ERROR',
      ...(auth === undefined ? [] : [`-httpAuth.username=${auth.username}`, `-httpAuth.password=${auth.password}`]),
      ...(options.extraFlags ?? []),
    ],
    url: `http://127.0.0.1:${String(port)}`,
    dataDir,
    readyPath: '/health',
    readyTimeoutMs: READY_TIMEOUT_MS,
    basicAuth: auth,
    cleanUp: () => rm(dataDir, { recursive: true, force: true }),
  });
}

/**
 * `vmalert -dryRun`: loads Prometheus rule files as vmalert would run them against VictoriaMetrics, checking every
 * expression parses as MetricsQL and every template renders. A refusal carries the last lines of its output.
 */
export async function checkRulesWithVmalert(ruleFiles: readonly string[]): Promise<void> {
  const args = ['-dryRun', '-rule.validateExpressions', '-rule.validateTemplates', '-loggerLevel=ERROR', ...ruleFiles.map((file) => `-rule=${file}`)];
  await promisify(execFile)(await vmalertBinary(), args).catch((error: unknown) => {
    const { stderr = '', stdout = '' } = error as { stderr?: string; stdout?: string };
    throw new Error(`vmalert ${args.join(' ')} refused the rules: ${lastLines(`${stdout}\n${stderr}`)}`);
  });
}
