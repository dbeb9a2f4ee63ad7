/**
 * A real VictoriaMetrics for tests, the second engine the dashboards and the report run against: Debian's
 * single-node `victoria-metrics` (and its `vmalert`), on loopback, an ephemeral port and a temporary data dir, with
 * the project's 180-day retention. It serves the Prometheus HTTP API, so it is handed out as a `PrometheusServer`,
 * and it accepts Prometheus remote_write at `/api/v1/write`. Never a mock, never a skip: a missing binary is an error
 * that says how to install it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, type BasicAuth, type PrometheusServer, type QueryData } from './prometheus.ts';

const RETENTION = '180d';
const STDERR_LINES_KEPT = 20;
const STOP_TIMEOUT_MS = 10_000;
const POLL_INTERVAL_MS = 100;
const READY_TIMEOUT_MS = 30_000;
const READY_PROBE_TIMEOUT_MS = 2_000;

export interface VictoriaMetricsOptions {
  /** Required on every request, remote_write included (`-httpAuth.*`), as a central store must. */
  readonly basicAuth?: BasicAuth;
  readonly extraFlags?: readonly string[];
}

async function executable(envVariable: string, fallback: string): Promise<string> {
  const path = process.env[envVariable] ?? fallback;
  try {
    await access(path, constants.X_OK);
  } catch {
    throw new Error(`${path} is not an executable: apt-get install victoria-metrics, or set ${envVariable}`);
  }
  return path;
}

export const victoriaMetricsBinary = (): Promise<string> => executable('VICTORIA_METRICS_BIN', '/usr/bin/victoria-metrics');
export const vmalertBinary = (): Promise<string> => executable('VMALERT_BIN', '/usr/bin/vmalert');

const lastLines = (text: string): string => text.trimEnd().split('\n').slice(-STDERR_LINES_KEPT).join('\n');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts VictoriaMetrics. Two flags make it answer as a test needs: `-search.latencyOffset=0s` (by default the last
 * 30 s of samples stay hidden from queries while they may still arrive) and `-search.disableCache` (a cached range
 * answer would not see samples written since).
 */
export async function startVictoriaMetrics(options: VictoriaMetricsOptions = {}): Promise<PrometheusServer> {
  const binary = await victoriaMetricsBinary();
  const dataDir = await mkdtemp(join(tmpdir(), 'quietcount-victoria-metrics-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${String(port)}`;
  const headers: Record<string, string> = {};
  const auth = options.basicAuth;
  if (auth !== undefined) headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  const args = [
    `-storageDataPath=${dataDir}`,
    `-httpListenAddr=127.0.0.1:${String(port)}`,
    `-retentionPeriod=${RETENTION}`,
    '-search.latencyOffset=0s',
    '-search.disableCache',
    '-loggerLevel=ERROR',
    ...(auth === undefined ? [] : [`-httpAuth.username=${auth.username}`, `-httpAuth.password=${auth.password}`]),
    ...(options.extraFlags ?? []),
  ];

  let child: ChildProcess | undefined;
  let stderr = '';

  async function start(): Promise<void> {
    stderr = '';
    const started = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = started;
    started.stderr.setEncoding('utf8');
    started.stderr.on('data', (chunk: string) => {
      stderr = lastLines(stderr + chunk);
    });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (started.exitCode !== null || started.signalCode !== null) throw new Error(`victoria-metrics exited before it was ready (${args.join(' ')}):\n${stderr}`);
      const ready = await fetch(`${url}/health`, { headers, signal: AbortSignal.timeout(READY_PROBE_TIMEOUT_MS) }).then((response) => response.ok, () => false);
      if (ready) return;
      await sleep(POLL_INTERVAL_MS);
    }
    await stop();
    throw new Error(`victoria-metrics was not ready at ${url} within ${String(READY_TIMEOUT_MS)} ms:\n${stderr}`);
  }

  async function stop(): Promise<void> {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => { resolve(); }));
    running.kill('SIGTERM');
    const killTimer = setTimeout(() => running.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(killTimer);
  }

  async function api<T>(path: string, params?: Record<string, string>): Promise<T> {
    const response = await fetch(
      `${url}${path}`,
      params === undefined
        ? { headers }
        : { method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) },
    );
    const text = await response.text();
    let body: { status?: string; data?: T; error?: string } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // Not the API's JSON: the error below quotes the text.
    }
    if (body.status !== 'success' || body.data === undefined) {
      throw new Error(`victoria-metrics ${path} failed (HTTP ${String(response.status)}): ${body.error ?? text.slice(0, 200)}`);
    }
    return body.data;
  }

  const query = (expr: string, time?: Date): Promise<QueryData> =>
    api<QueryData>('/api/v1/query', time === undefined ? { query: expr } : { query: expr, time: time.toISOString() });

  try {
    await start();
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    dataDir,
    query,
    queryRange: (expr, start, end, stepSeconds) =>
      api<QueryData>('/api/v1/query_range', { query: expr, start: start.toISOString(), end: end.toISOString(), step: String(stepSeconds) }),
    get: (path) => api<unknown>(path),
    async waitForValue(expr, expected, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let last: number | undefined;
      while (Date.now() < deadline) {
        const data = await query(expr);
        last = data.resultType === 'scalar' ? Number((data.result as [number, string])[1]) : Number((data.result as { value: [number, string] }[])[0]?.value[1] ?? Number.NaN);
        if (last === expected) return;
        await sleep(POLL_INTERVAL_MS);
      }
      throw new Error(`${expr} was ${String(last)}, not ${String(expected)}, after ${String(timeoutMs)} ms`);
    },
    stop,
    async restart() {
      await stop();
      await start();
    },
    async close() {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
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
