/**
 * The real Prometheus run the way the project runs it: the project's prometheus.yml and rules, with only the scrape
 * targets, the Alertmanagers and the secret files substituted (the app instances given, and Prometheus itself for its
 * self-scrape job), and the harness's 180-day retention flag. `scaleOut` and `tuning` go further, as
 * ./prometheus-config.ts describes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeProjectConfig, type ScaleOut, type TestTuning } from '../../../../test/support/prometheus-config.ts';
import { freePort, startPrometheus, type PrometheusServer } from '../../../../test/support/prometheus.ts';

export interface ProjectPrometheusOptions {
  /** An empty dir for the config and secret files. */
  readonly workDir: string;
  /** What Prometheus sends as its bearer token to every app target. */
  readonly metricsToken: string;
  /** `host:port` of each app's metrics listener. */
  readonly appTargets: readonly string[];
  readonly dataDir?: string;
  /** `host:port` of each Alertmanager, and the password Prometheus sends them; by default none. */
  readonly alertmanagers?: readonly string[];
  readonly alertmanagerPassword?: string;
  /** The central store to remote-write to, with this edge's external labels, and the password it takes. */
  readonly scaleOut?: ScaleOut & { readonly password: string };
  readonly tuning?: TestTuning;
}

export async function startProjectPrometheus(options: ProjectPrometheusOptions): Promise<PrometheusServer> {
  const { workDir } = options;
  await mkdir(workDir, { recursive: true });
  const secret = async (name: string, value: string): Promise<string> => {
    const file = join(workDir, name);
    await writeFile(file, `${value}\n`, { mode: 0o600 });
    return file;
  };
  const secretFiles: Record<string, string> = {
    '/run/secrets/metrics_token': await secret('metrics_token', options.metricsToken),
    // The self-scrape job sends basic auth; this Prometheus runs without a web config, so any password is accepted.
    '/run/secrets/prometheus_password': await secret('prometheus_password', 'unused-without-web-config'),
    '/run/secrets/alertmanager_password': await secret('alertmanager_password', options.alertmanagerPassword ?? 'no-alertmanager-here'),
  };
  if (options.scaleOut !== undefined) {
    secretFiles['/run/secrets/remote_write_password'] = await secret('remote_write_password', options.scaleOut.password);
  }
  const port = await freePort();
  const configFile = await writeProjectConfig(workDir, {
    secretFiles,
    targets: { quietcount: options.appTargets, prometheus: [`127.0.0.1:${String(port)}`] },
    alertmanagers: options.alertmanagers ?? [],
    ...(options.scaleOut === undefined ? {} : { scaleOut: options.scaleOut }),
    ...(options.tuning === undefined ? {} : { tuning: options.tuning }),
  });
  return startPrometheus({
    configFile,
    port,
    // As compose does: the links in alerts (generatorURL) point at this server, not at the machine's hostname.
    extraFlags: [`--web.external-url=http://127.0.0.1:${String(port)}`],
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
  });
}
