/**
 * The project's own prometheus.yml for tests, with only paths and targets substituted: the secret files compose
 * mounts under /run/secrets/ become temp files, and a job's static targets become loopback ports. The copy sits next
 * to a symlink to the repo's prometheus/ directory, so its relative rule_files resolve to the real rules; a test
 * that cannot wait for a slow rule group can have copies of the rule files with that group's interval shortened.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const PROJECT_CONFIG = join(REPO_ROOT, 'prometheus.yml');
export const PROMETHEUS_DIR = join(REPO_ROOT, 'prometheus');

interface ScrapeConfig {
  job_name: string;
  authorization?: { credentials_file?: string };
  basic_auth?: { password_file?: string };
  static_configs?: { targets: string[] }[];
}

interface PrometheusConfig {
  rule_files?: string[];
  scrape_configs: ScrapeConfig[];
}

export interface ConfigSubstitutions {
  /** A secret path of prometheus.yml (`/run/secrets/metrics_token`) → the file to read instead. */
  readonly secretFiles?: Readonly<Record<string, string>>;
  /** job_name → the targets that replace the job's static targets. */
  readonly targets?: Readonly<Record<string, readonly string[]>>;
  /** Rule group name → the interval that replaces its own, in copies of the rule files the config then loads. */
  readonly ruleIntervals?: Readonly<Record<string, string>>;
}

export function readProjectConfig(): PrometheusConfig {
  return parse(readFileSync(PROJECT_CONFIG, 'utf8')) as PrometheusConfig;
}

export function scrapeJobNames(): string[] {
  return readProjectConfig().scrape_configs.map((job) => job.job_name);
}

/**
 * Writes `<dir>/prometheus.yml` and the `<dir>/prometheus` symlink, and returns the config path. Throws when a
 * substitution matches nothing, so a test notices when prometheus.yml changes under it.
 */
export async function writeProjectConfig(dir: string, substitutions: ConfigSubstitutions): Promise<string> {
  const config = readProjectConfig();
  const unused = new Set([
    ...Object.keys(substitutions.secretFiles ?? {}),
    ...Object.keys(substitutions.targets ?? {}),
    ...Object.keys(substitutions.ruleIntervals ?? {}),
  ]);
  const secret = (path: string): string => {
    const replacement = substitutions.secretFiles?.[path];
    if (replacement === undefined) return path;
    unused.delete(path);
    return replacement;
  };
  for (const job of config.scrape_configs) {
    const { authorization, basic_auth: basicAuth } = job;
    if (authorization?.credentials_file !== undefined) authorization.credentials_file = secret(authorization.credentials_file);
    if (basicAuth?.password_file !== undefined) basicAuth.password_file = secret(basicAuth.password_file);
    const targets = substitutions.targets?.[job.job_name];
    if (targets !== undefined) {
      job.static_configs = [{ targets: [...targets] }];
      unused.delete(job.job_name);
    }
  }
  if (substitutions.ruleIntervals !== undefined) {
    config.rule_files = [await writeRuleCopies(join(dir, 'rules'), substitutions.ruleIntervals, unused)];
  }
  if (unused.size > 0) throw new Error(`prometheus.yml has no ${[...unused].join(', ')} to substitute`);
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, stringify(config));
  await symlink(PROMETHEUS_DIR, join(dir, 'prometheus'), 'dir');
  return configFile;
}

/** Copies the project's rule files into `dir` with the given groups' intervals replaced; returns their glob. */
async function writeRuleCopies(dir: string, intervals: Readonly<Record<string, string>>, unused: Set<string>): Promise<string> {
  await mkdir(dir);
  const ruleFiles = readdirSync(join(PROMETHEUS_DIR, 'rules')).filter((name) => name.endsWith('.yml'));
  for (const name of ruleFiles) {
    const rules = parse(await readFile(join(PROMETHEUS_DIR, 'rules', name), 'utf8')) as { groups: { name: string; interval?: string }[] };
    for (const group of rules.groups) {
      const interval = intervals[group.name];
      if (interval === undefined) continue;
      group.interval = interval;
      unused.delete(group.name);
    }
    await writeFile(join(dir, name), stringify(rules));
  }
  return join(dir, '*.yml');
}
