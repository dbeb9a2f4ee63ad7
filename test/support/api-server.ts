/**
 * A real server process that speaks the Prometheus HTTP API (Debian's Prometheus, or VictoriaMetrics), as the tests
 * drive it: started on loopback, awaited until its readiness path answers, queried, restarted, stopped. The starters
 * (prometheus.ts, victoria-metrics.ts) say which binary with which flags; this is what they share.
 */
import { access, constants } from 'node:fs/promises';
import { spawn, type ChildProcess } from 'node:child_process';

/** The `data` of `/api/v1/query` and `/api/v1/query_range`. */
export interface QueryData {
  readonly resultType: 'vector' | 'matrix' | 'scalar' | 'string';
  readonly result: unknown;
}

export interface BasicAuth {
  readonly username: string;
  readonly password: string;
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

export interface ApiServerProcess {
  /** The name in error messages, e.g. `prometheus`. */
  readonly name: string;
  readonly binary: string;
  readonly args: readonly string[];
  readonly url: string;
  readonly dataDir: string;
  /** Answers 2xx once the server serves queries (`/-/ready`, `/health`). */
  readonly readyPath: string;
  readonly readyTimeoutMs: number;
  readonly basicAuth: BasicAuth | undefined;
  /** Removes what the starter created (data and config dirs it made), after the last stop. */
  readonly cleanUp: () => Promise<void>;
}

const STDERR_LINES_KEPT = 20;
const STOP_TIMEOUT_MS = 10_000;
const POLL_INTERVAL_MS = 100;
const READY_PROBE_TIMEOUT_MS = 2_000;

export const lastLines = (text: string): string => text.trimEnd().split('\n').slice(-STDERR_LINES_KEPT).join('\n');
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The path of a binary of Debian's packages (or `envVariable`), or an error saying how to install it. */
export async function executable(envVariable: string, fallback: string, aptPackage: string): Promise<string> {
  const path = process.env[envVariable] ?? fallback;
  try {
    await access(path, constants.X_OK);
  } catch {
    throw new Error(`${path} is not an executable: apt-get install ${aptPackage}, or set ${envVariable}`);
  }
  return path;
}

export function basicAuthHeader({ username, password }: BasicAuth): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** The value of a scalar or of the first element of a vector; `undefined` for an empty vector. */
function singleValue(data: QueryData): number | undefined {
  if (data.resultType === 'scalar') return Number((data.result as [number, string])[1]);
  if (data.resultType !== 'vector') throw new Error(`expected a vector or scalar, got a ${data.resultType}`);
  const first = (data.result as { value: [number, string] }[])[0];
  return first === undefined ? undefined : Number(first.value[1]);
}

export async function startApiServer(server: ApiServerProcess): Promise<PrometheusServer> {
  const { name, url } = server;
  const headers: Record<string, string> = server.basicAuth === undefined ? {} : { authorization: basicAuthHeader(server.basicAuth) };
  let child: ChildProcess | undefined;
  let stderr = '';

  async function start(): Promise<void> {
    stderr = '';
    const started = spawn(server.binary, [...server.args], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = started;
    started.stderr.setEncoding('utf8');
    started.stderr.on('data', (chunk: string) => {
      // Keep only the tail: the readiness error quotes it, and a long run must not grow it without bound.
      stderr = lastLines(stderr + chunk);
    });
    const deadline = Date.now() + server.readyTimeoutMs;
    while (Date.now() < deadline) {
      if (started.exitCode !== null || started.signalCode !== null) {
        throw new Error(`${name} exited before it was ready (${server.args.join(' ')}):\n${stderr}`);
      }
      const ready = await fetch(`${url}${server.readyPath}`, { headers, signal: AbortSignal.timeout(READY_PROBE_TIMEOUT_MS) }).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) return;
      await sleep(POLL_INTERVAL_MS);
    }
    await stop();
    throw new Error(`${name} was not ready at ${url} within ${String(server.readyTimeoutMs)} ms:\n${stderr}`);
  }

  async function stop(): Promise<void> {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) =>
      running.once('exit', () => {
        resolve();
      }),
    );
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
      throw new Error(`${name} ${path} failed (HTTP ${String(response.status)}): ${body.error ?? text.slice(0, 200)}`);
    }
    return body.data;
  }

  const query = (expr: string, time?: Date): Promise<QueryData> =>
    api<QueryData>('/api/v1/query', time === undefined ? { query: expr } : { query: expr, time: time.toISOString() });

  try {
    await start();
  } catch (error) {
    await server.cleanUp();
    throw error;
  }
  return {
    url,
    dataDir: server.dataDir,
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
      throw new Error(`${expr} was ${String(last)}, not ${String(expected)}, after ${String(timeoutMs)} ms`);
    },
    stop,
    async restart() {
      await stop();
      await start();
    },
    async close() {
      await stop();
      await server.cleanUp();
    },
  };
}
