/**
 * The real Prometheus for tests: Debian's `prometheus` and `promtool` binaries, on loopback, an ephemeral port and a
 * temporary (or given) data dir, always with the project's 180-day retention. Never a mock, never a skip: a missing
 * binary is an error that says how to install it.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { access, constants, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const RETENTION_FLAG = '--storage.tsdb.retention.time=180d';
const STDERR_LINES_KEPT = 20;
const STOP_TIMEOUT_MS = 10_000;
const POLL_INTERVAL_MS = 100;
const READY_PROBE_TIMEOUT_MS = 2_000;

export interface BasicAuth {
  readonly username: string;
  readonly password: string;
}

export interface PrometheusOptions {
  /** Reuse a data dir (e.g. one filled by `backfillOpenMetrics`); by default a temp dir removed by `close()`. */
  readonly dataDir?: string;
  /** prometheus.yml as text, or `configFile`; by default a config that scrapes nothing. */
  readonly config?: string;
  readonly configFile?: string;
  readonly extraFlags?: readonly string[];
  /** Credentials the harness itself sends (readiness, queries) when `--web.config.file` requires them. */
  readonly basicAuth?: BasicAuth;
  readonly readyTimeoutMs?: number;
  /** A port picked beforehand with `freePort()`, e.g. for a config that scrapes Prometheus itself; by default a free one. */
  readonly port?: number;
}

/** The `data` of a successful `/api/v1/query` or `/api/v1/query_range` answer. */
export interface QueryData {
  readonly resultType: 'vector' | 'matrix' | 'scalar' | 'string';
  readonly result: unknown;
}

export interface PrometheusServer {
  /** e.g. `http://127.0.0.1:40123` */
  readonly url: string;
  readonly dataDir: string;
  query(expr: string, time?: Date): Promise<QueryData>;
  queryRange(expr: string, start: Date, end: Date, stepSeconds: number): Promise<QueryData>;
  /** The `data` of any GET endpoint of the HTTP API, e.g. `/api/v1/status/runtimeinfo` or `/api/v1/targets`. */
  get(path: string): Promise<unknown>;
  /** Polls an instant query until its single value (first vector element or scalar) equals `expected`. */
  waitForValue(expr: string, expected: number, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then awaits exit (SIGKILL after a bounded wait). The data dir is kept. */
  stop(): Promise<void>;
  /** Stops and starts again on the same port, data dir and flags. */
  restart(): Promise<void>;
  /** Stops and removes the data dir if the harness created it. */
  close(): Promise<void>;
}

async function executable(envVariable: string, fallback: string, aptPackage: string): Promise<string> {
  const path = process.env[envVariable] ?? fallback;
  try {
    await access(path, constants.X_OK);
  } catch {
    throw new Error(`${path} is not an executable: apt-get install ${aptPackage}, or set ${envVariable}`);
  }
  return path;
}

export const prometheusBinary = (): Promise<string> => executable('PROMETHEUS_BIN', '/usr/bin/prometheus', 'prometheus');
export const promtoolBinary = (): Promise<string> => executable('PROMTOOL_BIN', '/usr/bin/promtool', 'prometheus');

/** A port the OS just handed out and released: free unless someone grabs it in between. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  if (address === null || typeof address === 'string') throw new Error('could not get a free port');
  return address.port;
}

/**
 * Writes OpenMetrics text (samples with timestamps in seconds, ending with `# EOF`) into TSDB blocks in `dataDir`
 * with `promtool tsdb create-blocks-from openmetrics`. Run it before Prometheus starts on that dir.
 */
export async function backfillOpenMetrics(openMetrics: string, dataDir: string): Promise<void> {
  const workDir = await mkdtemp(join(tmpdir(), 'quietcount-backfill-'));
  try {
    const input = join(workDir, 'samples.om.txt');
    await writeFile(input, openMetrics);
    await runPromtool(['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', input, dataDir]);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * Evaluates recording rules over a past range against a running Prometheus (`promtool tsdb create-blocks-from rules`,
 * each group at its own interval) and moves the blocks into `dataDir`, the data dir of a Prometheus that loads them
 * when it starts again (`restart()`). Rules that read another rule of the files see nothing: a promtool limit.
 */
export async function backfillRecordingRules(
  prometheusUrl: string,
  ruleFiles: readonly string[],
  range: { readonly start: Date; readonly end: Date },
  dataDir: string,
): Promise<void> {
  const outputDir = await mkdtemp(join(tmpdir(), 'quietcount-rule-backfill-'));
  const seconds = (date: Date): string => String(Math.floor(date.getTime() / 1000));
  try {
    await runPromtool([
      'tsdb', 'create-blocks-from', 'rules', '--quiet', `--url=${prometheusUrl}`, `--start=${seconds(range.start)}`,
      `--end=${seconds(range.end)}`, `--output-dir=${outputDir}`, ...ruleFiles,
    ]);
    const blocks = await readdir(outputDir);
    if (blocks.length === 0) throw new Error('promtool create-blocks-from rules wrote no block: no rule had data in the range');
    await Promise.all(blocks.map((block) => rename(join(outputDir, block), join(dataDir, block))));
  } finally {
    await rm(outputDir, { recursive: true, force: true });
  }
}

/** Runs promtool; a failure carries the last lines of its stderr. */
export async function runPromtool(args: readonly string[]): Promise<void> {
  await promisify(execFile)(await promtoolBinary(), [...args], { maxBuffer: 64 * 1024 * 1024 }).catch((error: unknown) => {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`promtool ${args.slice(0, 3).join(' ')} failed: ${lastLines(stderr)}`);
  });
}

function lastLines(text: string): string {
  return text.trimEnd().split('\n').slice(-STDERR_LINES_KEPT).join('\n');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startPrometheus(options: PrometheusOptions = {}): Promise<PrometheusServer> {
  const binary = await prometheusBinary();
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'quietcount-prometheus-')));
  let configFile = options.configFile;
  if (configFile === undefined) {
    configFile = join(await mkdtemp(join(tmpdir(), 'quietcount-prometheus-config-')), 'prometheus.yml');
    await writeFile(configFile, options.config ?? 'global:\n  scrape_interval: 15s\n');
  }
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const headers: Record<string, string> = {};
  if (options.basicAuth !== undefined) {
    const { username, password } = options.basicAuth;
    headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    RETENTION_FLAG,
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
      // Keep only the tail: the readiness error quotes it, and a long run must not grow it without bound.
      stderr = lastLines(stderr + chunk);
    });
    const timeoutMs = options.readyTimeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (started.exitCode !== null || started.signalCode !== null) {
        throw new Error(`prometheus exited before it was ready (${args.join(' ')}):\n${stderr}`);
      }
      const ready = await fetch(`${url}/-/ready`, { headers, signal: AbortSignal.timeout(READY_PROBE_TIMEOUT_MS) }).then((response) => response.ok, () => false);
      if (ready) return;
      await sleep(POLL_INTERVAL_MS);
    }
    await stop();
    throw new Error(`prometheus was not ready at ${url} within ${timeoutMs} ms:\n${stderr}`);
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
      // Not the API's JSON (a 401 or 404 page): the error below quotes the text.
    }
    if (body.status !== 'success' || body.data === undefined) {
      throw new Error(`prometheus ${path} failed (HTTP ${response.status}): ${body.error ?? text.slice(0, 200)}`);
    }
    return body.data;
  }

  const query = (expr: string, time?: Date): Promise<QueryData> =>
    api<QueryData>('/api/v1/query', time === undefined ? { query: expr } : { query: expr, time: time.toISOString() });

  const removeOwnDirs = async (): Promise<void> => {
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    if (options.configFile === undefined) await rm(join(configFile, '..'), { recursive: true, force: true });
  };
  try {
    await start();
  } catch (error) {
    await removeOwnDirs();
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
        last = singleValue(await query(expr));
        if (last === expected) return;
        await sleep(POLL_INTERVAL_MS);
      }
      throw new Error(`${expr} was ${String(last)}, not ${expected}, after ${timeoutMs} ms`);
    },
    stop,
    async restart() {
      await stop();
      await start();
    },
    async close() {
      await stop();
      await removeOwnDirs();
    },
  };
}

/** The value of a scalar or of the first element of a vector; `undefined` for an empty vector. */
function singleValue(data: QueryData): number | undefined {
  if (data.resultType === 'scalar') return Number((data.result as [number, string])[1]);
  if (data.resultType !== 'vector') throw new Error(`expected a vector or scalar, got a ${data.resultType}`);
  const first = (data.result as { value: [number, string] }[])[0];
  return first === undefined ? undefined : Number(first.value[1]);
}
