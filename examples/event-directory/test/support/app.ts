/**
 * The reference app in-process for tests: real HTTP on ephemeral loopback ports (app and metrics), logs captured in
 * memory, every app stopped and every temp dir removed after the file's tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { metricFamilies } from 'quietcount';

const metricNames = Object.keys(metricFamilies);
import { createApp, type App } from '../../src/server.ts';
import { shutDownGracefully } from '../../src/shutdown.ts';
import { parseExposition } from '../../../../test/support/exposition.ts';
import { captureLogs } from '../../../../test/support/log-capture.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

const BASE_ENV = {
  NODE_ENV: 'test',
  HOST: '127.0.0.1',
  PORT: '0',
  METRICS_HOST: '127.0.0.1',
  METRICS_PORT: '0',
  DATABASE_PATH: ':memory:',
  ADMIN_TOKEN,
};

const running = new Set<TestApp>();
const tempDirs: string[] = [];
afterAll(async () => {
  await Promise.all([...running].map((app) => app.stop()));
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

export interface RequestOptions {
  /** Sent as JSON, unless a string (sent as is). */
  readonly body?: unknown;
  readonly token?: string;
  readonly headers?: Record<string, string>;
}

export interface Reply {
  readonly status: number;
  readonly text: string;
  /** The parsed JSON body (every answer of the app is JSON). */
  readonly json: Record<string, unknown>;
}

export interface TestApp {
  readonly baseUrl: string;
  readonly metricsUrl: string;
  readonly running: App;
  readonly logs: ReturnType<typeof captureLogs>;
  readonly env: Record<string, string>;
  request(method: string, path: string, options?: RequestOptions): Promise<Reply>;
  /** The `/metrics` text, as a scrape gets it (new series at 0 first). */
  scrape(): Promise<string>;
  /** Every count as it stands (metricsText: the zero-first rule of /metrics does not apply). */
  counts(): Promise<string>;
  /** Signs up a fresh person to `eventId`; throws unless 201. */
  signUp(eventId: number, person?: Partial<{ name: string; email: string; bio: string }>): Promise<Signup>;
  stop(): Promise<void>;
}

export interface Signup {
  readonly profileId: string;
  readonly editToken: string;
}

let people = 0;

export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const fullEnv = { ...BASE_ENV, ...env };
  const logs = captureLogs('info');
  const app = createApp({ env: fullEnv, logger: logs.logger });
  const metrics = await app.telemetry.startMetricsServer();
  const { url } = await app.listen();

  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${url}${path}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, text, json: JSON.parse(text) as Record<string, unknown> };
  };

  const testApp: TestApp = {
    baseUrl: url,
    metricsUrl: metrics.url,
    running: app,
    logs,
    env: fullEnv,
    request,
    scrape: async () => {
      const response = await fetch(`${metrics.url}/metrics`);
      if (response.status !== 200) throw new Error(`/metrics answered ${String(response.status)}`);
      return response.text();
    },
    counts: () => app.telemetry.metricsText(),
    signUp: async (eventId, person = {}) => {
      people += 1;
      const body = { name: `Person ${String(people)}`, email: `person${String(people)}@example.test`, ...person };
      const reply = await request('POST', `/api/events/${String(eventId)}/signups`, { body });
      if (reply.status !== 201) throw new Error(`signup answered ${String(reply.status)}`);
      return reply.json as unknown as Signup;
    },
    stop: async () => {
      if (!running.delete(testApp)) return;
      await app.close();
    },
  };
  running.add(testApp);
  return testApp;
}

/**
 * Restarts an app the way a deployment does: main.ts's graceful shutdown (requests stop, then the metrics listener
 * waits for one more scrape, so nothing counted is lost), then a new app with the same environment on the same two
 * ports, so that Prometheus keeps scraping the same target. Use the returned app from then on.
 */
export async function restartTestApp(app: TestApp): Promise<TestApp> {
  if (!running.delete(app)) throw new Error('restartTestApp: this app is not running');
  await shutDownGracefully(app.running);
  const portOf = (url: string): string => new URL(url).port;
  return startTestApp({ ...app.env, PORT: portOf(app.baseUrl), METRICS_PORT: portOf(app.metricsUrl) });
}

/** A database file in a temp dir removed after the file's tests. */
export async function tempDatabasePath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'quietcount-app-'));
  tempDirs.push(dir);
  return join(dir, 'nested', 'quietcount.db');
}

/**
 * The quietcount series whose value differs between two expositions, as `name{label="value",...}` (labels sorted) →
 * difference. Process metrics are left out: they move on their own.
 */
export function seriesChanges(before: string, after: string): Record<string, number> {
  const values = (text: string) =>
    new Map(
      parseExposition(text)
        .filter((sample) => metricNames.includes(sample.name))
        .map((sample) => [seriesKey(sample.name, sample.labels), sample.value]),
    );
  const old = values(before);
  const changes: Record<string, number> = {};
  for (const [key, value] of values(after)) {
    const difference = value - (old.get(key) ?? 0);
    if (difference !== 0) changes[key] = difference;
  }
  return changes;
}

export function seriesKey(name: string, labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}="${value}"`);
  return `${name}{${pairs.join(',')}}`;
}

/** The key of `analytics_events_total` for one event name and event id. */
export function usageKey(eventName: string, eventId: number): string {
  return seriesKey('analytics_events_total', { event_id: String(eventId), event_name: eventName });
}

/** The key of `http_responses_total` for one endpoint and status. */
export function responseKey(endpoint: string, status: number): string {
  return seriesKey('http_responses_total', { endpoint, status_code: String(status) });
}
