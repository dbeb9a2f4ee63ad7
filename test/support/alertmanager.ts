/**
 * The real Alertmanager for tests: Debian's `prometheus-alertmanager` and `amtool` binaries, on loopback and an
 * ephemeral port, with a temporary data dir and no cluster port (`--cluster.listen-address=`). Never a mock, never a
 * skip: a missing binary is an error that says how to install it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort, type BasicAuth } from './prometheus.ts';
import { REPO_ROOT } from './paths.ts';

export const ALERTMANAGER_CONFIG = join(REPO_ROOT, 'alertmanager', 'alertmanager.yml');
export const ALERTMANAGER_WEB_CONFIG = join(REPO_ROOT, 'alertmanager', 'web.yml');
/** The password whose bcrypt hash alertmanager/web.yml commits (replaced per installation by compose). */
export const DEVELOPMENT_PASSWORD = 'quietcount-dev-password-change-me';

interface Route {
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes?: Route[];
}

export interface AlertmanagerTimings {
  readonly groupWait: string;
  readonly groupInterval: string;
  readonly repeatInterval: string;
}

/**
 * Writes `<dir>/alertmanager.yml`: the project's configuration with every webhook pointed at `webhookUrl` and, for
 * a test that cannot wait minutes, every route's timings replaced. Routes, grouping, inhibition and receivers stay
 * as committed. Returns the path.
 */
export async function writeAlertmanagerConfig(dir: string, webhookUrl: string, timings: AlertmanagerTimings): Promise<string> {
  const config = parse(readFileSync(ALERTMANAGER_CONFIG, 'utf8')) as { route: Route; receivers: { webhook_configs?: { url: string }[] }[] };
  let webhooks = 0;
  for (const receiver of config.receivers) {
    for (const webhook of receiver.webhook_configs ?? []) {
      webhook.url = webhookUrl;
      webhooks += 1;
    }
  }
  if (webhooks === 0) throw new Error('alertmanager.yml has no webhook to point at the test receiver');
  const retime = (route: Route): void => {
    route.group_wait = timings.groupWait;
    route.group_interval = timings.groupInterval;
    route.repeat_interval = timings.repeatInterval;
    for (const child of route.routes ?? []) retime(child);
  };
  retime(config.route);
  const file = join(dir, 'alertmanager.yml');
  await writeFile(file, stringify(config));
  return file;
}

const STDERR_LINES_KEPT = 20;
const STOP_TIMEOUT_MS = 10_000;
const POLL_INTERVAL_MS = 100;
const READY_PROBE_TIMEOUT_MS = 2_000;

async function executable(envVariable: string, fallback: string): Promise<string> {
  const path = process.env[envVariable] ?? fallback;
  try {
    await access(path, constants.X_OK);
  } catch {
    throw new Error(`${path} is not an executable: apt-get install prometheus-alertmanager, or set ${envVariable}`);
  }
  return path;
}

export const alertmanagerBinary = (): Promise<string> => executable('ALERTMANAGER_BIN', '/usr/bin/prometheus-alertmanager');
export const amtoolBinary = (): Promise<string> => executable('AMTOOL_BIN', '/usr/bin/amtool');

/** Runs Debian's amtool; its output is stdout and stderr together. */
export async function amtool(args: readonly string[]): Promise<{ status: number | null; output: string }> {
  const result = spawnSync(await amtoolBinary(), [...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export interface AlertmanagerOptions {
  readonly configFile: string;
  /** `--web.config.file`: basic auth, which `basicAuth` then answers. */
  readonly webConfigFile?: string;
  readonly basicAuth?: BasicAuth;
  readonly readyTimeoutMs?: number;
}

export interface AlertmanagerServer {
  /** e.g. `http://127.0.0.1:40123` */
  readonly url: string;
  /** `host:port`, as prometheus.yml's alertmanagers name a target. */
  readonly target: string;
  /** GET of the v2 API, e.g. `/api/v2/alerts`: the parsed JSON. */
  get(path: string): Promise<unknown>;
  /** POST of JSON to the v2 API, e.g. alerts to `/api/v2/alerts`. */
  post(path: string, body: unknown): Promise<void>;
  /** SIGTERM, then awaits exit (SIGKILL after a bounded wait), and removes the data dir. */
  close(): Promise<void>;
}

function lastLines(text: string): string {
  return text.trimEnd().split('\n').slice(-STDERR_LINES_KEPT).join('\n');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startAlertmanager(options: AlertmanagerOptions): Promise<AlertmanagerServer> {
  const binary = await alertmanagerBinary();
  const dataDir = await mkdtemp(join(tmpdir(), 'quietcount-alertmanager-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${String(port)}`;
  const headers: Record<string, string> = {};
  if (options.basicAuth !== undefined) {
    const { username, password } = options.basicAuth;
    headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  const args = [
    `--config.file=${options.configFile}`,
    `--storage.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${String(port)}`,
    `--web.external-url=${url}`,
    // No cluster: it would listen on 0.0.0.0:9094, a fixed port, and gossip for peers.
    '--cluster.listen-address=',
    ...(options.webConfigFile === undefined ? [] : [`--web.config.file=${options.webConfigFile}`]),
  ];

  let stderr = '';
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = lastLines(stderr + chunk);
  });

  async function close(): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(killTimer);
    }
    await rm(dataDir, { recursive: true, force: true });
  }

  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let ready = false;
  while (!ready && Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await close();
      throw new Error(`alertmanager exited before it was ready (${args.join(' ')}):\n${stderr}`);
    }
    ready = await fetch(`${url}/-/ready`, { headers, signal: AbortSignal.timeout(READY_PROBE_TIMEOUT_MS) }).then((response) => response.ok, () => false);
    if (!ready) await sleep(POLL_INTERVAL_MS);
  }
  if (!ready) {
    await close();
    throw new Error(`alertmanager was not ready at ${url} within ${String(timeoutMs)} ms:\n${stderr}`);
  }

  async function call(path: string, init: RequestInit = {}): Promise<string> {
    const response = await fetch(`${url}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string> | undefined) } });
    const text = await response.text();
    if (!response.ok) throw new Error(`alertmanager ${path} answered ${String(response.status)}: ${text.slice(0, 200)}`);
    return text;
  }

  return {
    url,
    target: `127.0.0.1:${String(port)}`,
    get: async (path) => JSON.parse(await call(path)) as unknown,
    post: async (path, body) => {
      await call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    },
    close,
  };
}
