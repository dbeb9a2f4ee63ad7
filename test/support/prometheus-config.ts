/**
 * The project's own prometheus.yml for tests, with only paths and targets substituted: the secret files compose
 * mounts under /run/secrets/ become temp files, and a job's static targets (or the Alertmanagers') become loopback
 * ports. The copy sits next to a symlink to the repo's prometheus/ directory, so its relative rule_files resolve to
 * the real rules.
 *
 * Two options go further, each saying so in the test that uses it:
 *   scaleOut  switches on the commented external_labels and remote_write blocks, uncommented as the README says,
 *             with the central store's URL and this edge's label values substituted;
 *   tuning    shortens the scrape interval, the rule groups' intervals and the alerts' `for:` clauses (rule files
 *             copied and rewritten; their expressions untouched), so that alerts fire in seconds rather than minutes,
 *             or only a slow group's interval, for a test that cannot wait for it.
 */
import { readFileSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { uncommentBlocks } from './commented-examples.ts';
import { yamlFilesIn } from './rules/rule-files.ts';
import { REPO_ROOT } from './paths.ts';

export const PROJECT_CONFIG = join(REPO_ROOT, 'prometheus.yml');
export const PROMETHEUS_DIR = join(REPO_ROOT, 'prometheus');
/** The blocks prometheus.yml carries commented out for a Prometheus that remote-writes to a central store. */
export const SCALE_OUT_BLOCKS = ['external_labels', 'remote_write'] as const;

interface StaticConfigs {
  static_configs?: { targets: string[] }[];
}

interface BasicAuthConfig {
  basic_auth?: { username?: string; password_file?: string };
}

interface ScrapeConfig extends StaticConfigs, BasicAuthConfig {
  job_name: string;
  authorization?: { credentials_file?: string };
}

interface RemoteWriteConfig extends BasicAuthConfig {
  url: string;
}

interface PrometheusConfig {
  global: { scrape_interval?: string; scrape_timeout?: string; external_labels?: Record<string, string> };
  rule_files?: string[];
  alerting?: { alertmanagers?: (StaticConfigs & BasicAuthConfig)[] };
  scrape_configs: ScrapeConfig[];
  remote_write?: RemoteWriteConfig[];
}

interface RuleGroup {
  name: string;
  interval?: string;
  rules: { alert?: string; for?: string }[];
}

export interface TestTuning {
  /** By default the project's. */
  readonly scrapeInterval?: string;
  readonly scrapeTimeout?: string;
  /** Rule group name → its interval in the test; a group not named keeps its own. */
  readonly groupIntervals: Readonly<Record<string, string>>;
  /** Every alert's name → its `for:` in the test; by default the `for:` clauses stay as generated. */
  readonly alertFor?: Readonly<Record<string, string>>;
}

export interface ScaleOut {
  /** The central store's remote-write URL, in place of the example's. */
  readonly url: string;
  /** This edge's values of the example's external labels (the same names). */
  readonly externalLabels: Readonly<Record<string, string>>;
  /**
   * Further stores that get every sample too, each through a copy of the example's entry (same credentials): for a
   * test that compares two stores fed the same samples.
   */
  readonly mirrorUrls?: readonly string[];
}

export interface ConfigSubstitutions {
  /** A secret path of prometheus.yml (`/run/secrets/metrics_token`) → the file to read instead. */
  readonly secretFiles?: Readonly<Record<string, string>>;
  /** job_name → the targets that replace the job's static targets. */
  readonly targets?: Readonly<Record<string, readonly string[]>>;
  /** The targets that replace the Alertmanagers' (`host:port`; none: alerts go nowhere). */
  readonly alertmanagers?: readonly string[];
  readonly scaleOut?: ScaleOut;
  readonly tuning?: TestTuning;
}

export function readProjectConfig(): PrometheusConfig {
  return parse(readFileSync(PROJECT_CONFIG, 'utf8')) as PrometheusConfig;
}

/** prometheus.yml with its scale-out blocks uncommented, as the README tells an operator to. */
export function readScaleOutConfig(): PrometheusConfig {
  return parse(uncommentBlocks(readFileSync(PROJECT_CONFIG, 'utf8'), SCALE_OUT_BLOCKS)) as PrometheusConfig;
}

export function scrapeJobNames(): string[] {
  return readProjectConfig().scrape_configs.map((job) => job.job_name);
}

/**
 * Writes `<dir>/prometheus.yml` and the `<dir>/prometheus` symlink (or, when tuned, a `<dir>/prometheus/rules`
 * of rewritten copies), and returns the config path. Throws when a substitution matches nothing, so a test notices
 * when prometheus.yml changes under it.
 */
export async function writeProjectConfig(dir: string, substitutions: ConfigSubstitutions): Promise<string> {
  const config = substitutions.scaleOut === undefined ? readProjectConfig() : readScaleOutConfig();
  const unused = new Set([...Object.keys(substitutions.secretFiles ?? {}), ...Object.keys(substitutions.targets ?? {})]);
  const secret = (path: string): string => {
    const replacement = substitutions.secretFiles?.[path];
    if (replacement === undefined) return path;
    unused.delete(path);
    return replacement;
  };
  const withSecret = (holder: BasicAuthConfig): void => {
    if (holder.basic_auth?.password_file !== undefined) holder.basic_auth.password_file = secret(holder.basic_auth.password_file);
  };
  for (const job of config.scrape_configs) {
    const { authorization } = job;
    if (authorization?.credentials_file !== undefined) authorization.credentials_file = secret(authorization.credentials_file);
    withSecret(job);
    const targets = substitutions.targets?.[job.job_name];
    if (targets !== undefined) {
      job.static_configs = [{ targets: [...targets] }];
      unused.delete(job.job_name);
    }
  }
  const alertmanagers = config.alerting?.alertmanagers ?? [];
  if (substitutions.alertmanagers !== undefined && alertmanagers.length === 0) throw new Error('prometheus.yml has no alertmanagers to substitute');
  for (const alertmanager of alertmanagers) {
    withSecret(alertmanager);
    if (substitutions.alertmanagers !== undefined) alertmanager.static_configs = [{ targets: [...substitutions.alertmanagers] }];
  }
  if (substitutions.scaleOut !== undefined) scaleOut(config, substitutions.scaleOut, withSecret);
  if (substitutions.tuning !== undefined) {
    if (substitutions.tuning.scrapeInterval !== undefined) config.global.scrape_interval = substitutions.tuning.scrapeInterval;
    if (substitutions.tuning.scrapeTimeout !== undefined) config.global.scrape_timeout = substitutions.tuning.scrapeTimeout;
  }
  if (unused.size > 0) throw new Error(`prometheus.yml has no ${[...unused].join(', ')} to substitute`);
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, stringify(config));
  if (substitutions.tuning === undefined) await symlink(PROMETHEUS_DIR, join(dir, 'prometheus'), 'dir');
  else await writeTunedRules(join(dir, 'prometheus', 'rules'), substitutions.tuning);
  return configFile;
}

function scaleOut(config: PrometheusConfig, { url, externalLabels, mirrorUrls = [] }: ScaleOut, withSecret: (holder: BasicAuthConfig) => void): void {
  const [remoteWrite, ...more] = config.remote_write ?? [];
  if (remoteWrite === undefined || more.length > 0) throw new Error('the remote_write example of prometheus.yml must have exactly one entry');
  remoteWrite.url = url;
  withSecret(remoteWrite);
  const named = remoteWrite as RemoteWriteConfig & { name?: string };
  config.remote_write = [remoteWrite, ...mirrorUrls.map((mirror, index) => ({ ...named, name: `${named.name ?? 'mirror'}-${String(index + 2)}`, url: mirror }))];
  const example = Object.keys(config.global.external_labels ?? {}).sort();
  if (JSON.stringify(example) !== JSON.stringify(Object.keys(externalLabels).sort())) {
    throw new Error(`prometheus.yml's external_labels example has ${example.join(', ')}, not ${Object.keys(externalLabels).join(', ')}`);
  }
  config.global.external_labels = { ...externalLabels };
}

/** The project's rule files with each group's interval and each alert's `for:` replaced, expressions untouched. */
async function writeTunedRules(rulesDir: string, tuning: TestTuning): Promise<void> {
  await mkdir(rulesDir, { recursive: true });
  const unusedGroups = new Set(Object.keys(tuning.groupIntervals));
  const unusedAlerts = new Set(Object.keys(tuning.alertFor ?? {}));
  for (const file of yamlFilesIn(join(PROMETHEUS_DIR, 'rules'))) {
    const rules = parse(readFileSync(file, 'utf8')) as { groups: RuleGroup[] };
    for (const group of rules.groups) {
      const interval = tuning.groupIntervals[group.name];
      if (interval !== undefined) {
        group.interval = interval;
        unusedGroups.delete(group.name);
      }
      for (const rule of group.rules) {
        if (rule.alert === undefined || tuning.alertFor === undefined) continue;
        const duration = tuning.alertFor[rule.alert];
        if (duration === undefined) throw new Error(`the test tuning has no for: for alert ${rule.alert}`);
        rule.for = duration;
        unusedAlerts.delete(rule.alert);
      }
    }
    await writeFile(join(rulesDir, file.slice(file.lastIndexOf('/') + 1)), stringify(rules));
  }
  if (unusedGroups.size + unusedAlerts.size > 0) throw new Error(`the rule files have no ${[...unusedGroups, ...unusedAlerts].join(', ')}`);
}
