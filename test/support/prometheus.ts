/**
 * The real Prometheus for tests: Debian's `prometheus` and `promtool` binaries, on loopback, an ephemeral port and a
 * temporary (or given) data dir, always with the project's 180-day retention. Never a mock, never a skip: a missing
 * binary is an error that says how to install it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { executable, lastLines, startApiServer, type BasicAuth, type PrometheusServer } from './api-server.ts';

export type { BasicAuth, PrometheusServer, QueryData } from './api-server.ts';

const RETENTION_FLAG = '--storage.tsdb.retention.time=180d';

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

export async function startPrometheus(options: PrometheusOptions = {}): Promise<PrometheusServer> {
  const binary = await prometheusBinary();
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'quietcount-prometheus-')));
  let configFile = options.configFile;
  if (configFile === undefined) {
    configFile = join(await mkdtemp(join(tmpdir(), 'quietcount-prometheus-config-')), 'prometheus.yml');
    await writeFile(configFile, options.config ?? 'global:\n  scrape_interval: 15s\n');
  }
  const ownConfigDir = options.configFile === undefined ? join(configFile, '..') : undefined;
  const port = options.port ?? (await freePort());
  return startApiServer({
    name: 'prometheus',
    binary,
    args: [`--config.file=${configFile}`, `--storage.tsdb.path=${dataDir}`, `--web.listen-address=127.0.0.1:${String(port)}`, RETENTION_FLAG, ...(options.extraFlags ?? [])],
    url: `http://127.0.0.1:${String(port)}`,
    dataDir,
    readyPath: '/-/ready',
    readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
    basicAuth: options.basicAuth,
    cleanUp: async () => {
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
      if (ownConfigDir !== undefined) await rm(ownConfigDir, { recursive: true, force: true });
    },
  });
}
