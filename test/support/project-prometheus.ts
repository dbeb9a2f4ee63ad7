/**
 * The real Prometheus run the way the project runs it: the project's prometheus.yml and rules, with only the scrape
 * targets and the secret files substituted (the app instances given, and Prometheus itself for its self-scrape job),
 * and the harness's 180-day retention flag.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeProjectConfig } from './prometheus-config.ts';
import { freePort, startPrometheus, type PrometheusServer } from './prometheus.ts';

export interface ProjectPrometheusOptions {
  /** An empty dir for the config and secret files. */
  readonly workDir: string;
  /** What Prometheus sends as its bearer token to every app target. */
  readonly metricsToken: string;
  /** `host:port` of each app's metrics listener. */
  readonly appTargets: readonly string[];
  readonly dataDir?: string;
  /** Rule group name → a shorter interval for it (see writeProjectConfig). */
  readonly ruleIntervals?: Readonly<Record<string, string>>;
}

export async function startProjectPrometheus(options: ProjectPrometheusOptions): Promise<PrometheusServer> {
  const { workDir } = options;
  await mkdir(workDir, { recursive: true });
  const tokenFile = join(workDir, 'metrics_token');
  // The self-scrape job sends basic auth; this Prometheus runs without a web config, so any password is accepted.
  const passwordFile = join(workDir, 'prometheus_password');
  await writeFile(tokenFile, `${options.metricsToken}\n`, { mode: 0o600 });
  await writeFile(passwordFile, 'unused-without-web-config\n', { mode: 0o600 });
  const port = await freePort();
  const configFile = await writeProjectConfig(workDir, {
    secretFiles: { '/run/secrets/metrics_token': tokenFile, '/run/secrets/prometheus_password': passwordFile },
    targets: { quietcount: options.appTargets, prometheus: [`127.0.0.1:${String(port)}`] },
    ...(options.ruleIntervals === undefined ? {} : { ruleIntervals: options.ruleIntervals }),
  });
  return startPrometheus({ configFile, port, ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }) });
}
