/**
 * The path of an alert, checked on the files: prometheus.yml's alerting block (the labels an alert may leave with),
 * alertmanager/alertmanager.yml (amtool check-config, with its commented Slack and email examples switched on too;
 * routes by severity; grouping; inhibition naming alerts the generated rules have) and alertmanager/web.yml.
 * Debian's amtool 0.25 here; a missing binary fails, never skips. Delivery itself, through a real Prometheus and a
 * real Alertmanager, is test/integration/alerts.test.ts.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricFamilies } from 'quietcount';
import { amtool } from '../../../../test/support/alertmanager.ts';
import { uncommentBlocks } from '../../../../test/support/commented-examples.ts';
import { PROMETHEUS_DIR, readProjectConfig } from '../../../../test/support/prometheus-config.ts';
import { promtool } from '../../../../test/support/promtool.ts';
import { REPO_ROOT } from '../../../../test/support/paths.ts';
import { pathToFileURL } from 'node:url';
import { loadRules, yamlFilesIn, type AlertingRule } from '../../../../test/support/rules/rule-files.ts';

const root = pathToFileURL(`${REPO_ROOT}/`);
const CONFIG = new URL('alertmanager/alertmanager.yml', root).pathname;
const WEB_CONFIG = new URL('alertmanager/web.yml', root).pathname;

interface Route {
  readonly receiver?: string;
  readonly group_by?: readonly string[];
  readonly matchers?: readonly string[];
  readonly routes?: readonly Route[];
}
interface AlertmanagerConfig {
  readonly route: Route;
  readonly inhibit_rules: readonly { source_matchers: string[]; target_matchers: string[]; equal?: string[] }[];
  readonly receivers: readonly {
    name: string;
    webhook_configs?: { url: string; send_resolved?: boolean }[];
    slack_configs?: { api_url_file?: string; send_resolved?: boolean }[];
    email_configs?: { auth_password_file?: string; send_resolved?: boolean }[];
  }[];
}
interface AlertingBlock {
  readonly alert_relabel_configs: readonly { action: string; regex: string }[];
  readonly alertmanagers: readonly { basic_auth: { username: string; password_file: string } }[];
}

const alerts = loadRules(yamlFilesIn(join(PROMETHEUS_DIR, 'rules'))).filter((rule): rule is AlertingRule => rule.kind === 'alerting');
const alertNames = alerts.map((alert) => alert.name);
/** Labels Prometheus itself puts on an alert of a target's series, and the external label that tells servers apart. */
const TARGET_LABELS = ['job', 'instance'];
const EXTERNAL_LABELS = ['cluster'];
const schemaLabels = [...new Set(Object.values(metricFamilies).flatMap((family) => family.labels))];

/** `alertname=~"A|B"` → [A, B]; `alertname="A"` → [A]. */
function alertnamesOf(matchers: readonly string[]): string[] {
  const [matcher, ...more] = matchers;
  expect(more).toEqual([]);
  const match = /^alertname(=~|=)"([^"]+)"$/.exec(matcher ?? '');
  expect(match, matcher).not.toBeNull();
  return match?.[1] === '=' ? [match[2] ?? ''] : (match?.[2] ?? '').split('|');
}

/** The labels an alert's expression can keep: the schema labels and target labels it names anywhere. */
function labelsKept(alert: AlertingRule): string[] {
  return [...schemaLabels, ...TARGET_LABELS].filter((label) => new RegExp(`\\b${label}\\b`).test(alert.expr) || alert.annotations.description?.includes(`$labels.${label}`));
}

let text: string;
let config: AlertmanagerConfig;
let alerting: AlertingBlock;
let workDir: string;

beforeAll(async () => {
  text = await readFile(CONFIG, 'utf8');
  config = parseYaml(text) as AlertmanagerConfig;
  alerting = (readProjectConfig() as unknown as { alerting: AlertingBlock }).alerting;
  workDir = await mkdtemp(join(tmpdir(), 'quietcount-alertmanager-config-'));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('alertmanager/alertmanager.yml', () => {
  it('passes amtool check-config', async () => {
    const result = await amtool(['check-config', CONFIG]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS');
  });

  it('passes amtool check-config with its Slack and email examples uncommented, which read their secrets from files', async () => {
    const uncommented = uncommentBlocks(text, ['slack_configs', 'email_configs']);
    const file = join(workDir, 'alertmanager.yml');
    await writeFile(file, uncommented);
    const result = await amtool(['check-config', file]);
    expect(result.status, result.output).toBe(0);
    const receivers = (parseYaml(uncommented) as AlertmanagerConfig).receivers;
    expect(receivers.find((receiver) => receiver.name === 'critical')?.slack_configs?.[0]).toMatchObject({ api_url_file: '/run/secrets/slack_webhook_url', send_resolved: true });
    expect(receivers.find((receiver) => receiver.name === 'warning')?.email_configs?.[0]).toMatchObject({ auth_password_file: '/run/secrets/smtp_password', send_resolved: true });
  });

  it('routes each severity the alerts use to the receiver named after it', async () => {
    const severities = [...new Set(alerts.map((alert) => alert.labels.severity ?? ''))].sort();
    expect(severities).toEqual(['critical', 'warning']);
    for (const severity of severities) {
      const alert = alerts.find((candidate) => candidate.labels.severity === severity);
      const result = await amtool(['config', 'routes', 'test', `--config.file=${CONFIG}`, `severity=${severity}`, `alertname=${alert?.name ?? ''}`]);
      expect(result.output.trim().split('\n')[0], severity).toBe(severity);
    }
    expect(config.receivers.map((receiver) => receiver.name).sort()).toEqual(severities);
  });

  it('groups by alert name and the labels that tell one endpoint or event apart, never by an instance', () => {
    expect(config.route.group_by).toEqual(['alertname', 'cluster', 'endpoint', 'event_name']);
    const carried = new Set(['alertname', ...EXTERNAL_LABELS, ...alerts.flatMap(labelsKept)]);
    for (const label of config.route.group_by ?? []) expect(carried, label).toContain(label);
  });

  it('silences the drop-off and error alerts while the app cannot be scraped, per Prometheus (cluster)', () => {
    expect(config.inhibit_rules).toHaveLength(1);
    const [rule] = config.inhibit_rules;
    const sources = alertnamesOf(rule?.source_matchers ?? []);
    const targets = alertnamesOf(rule?.target_matchers ?? []);
    expect(sources).toEqual(['QuietcountMetricsTargetDown', 'QuietcountMetricsTargetMissing']);
    expect(targets).toEqual(['QuietcountUsageDropOff', 'QuietcountHttpErrorRateSpike', 'QuietcountHttpClientErrorsHigh']);
    for (const name of [...sources, ...targets]) expect(alertNames, name).toContain(name);
    // The down target's alert has job and instance, the drop-off only event_name: no label of the rules is on both
    // sides, so equality on one would never hold. Only the external label that tells Prometheus servers apart is.
    expect(rule?.equal).toEqual(EXTERNAL_LABELS);
  });

  it('sends every notification to a webhook by default, resolved ones included', () => {
    for (const receiver of config.receivers) {
      expect(receiver.webhook_configs?.length, receiver.name).toBeGreaterThan(0);
      for (const webhook of receiver.webhook_configs ?? []) expect(webhook, receiver.name).toMatchObject({ send_resolved: true, url: 'http://alert-log:8080/alerts' });
    }
  });
});

describe('alertmanager/web.yml', () => {
  it('passes promtool check web-config, and has the user Prometheus sends alerts as', async () => {
    const result = await promtool(['check', 'web-config', WEB_CONFIG]);
    expect(result.status, result.output).toBe(0);
    const users = Object.keys((parseYaml(await readFile(WEB_CONFIG, 'utf8')) as { basic_auth_users: Record<string, string> }).basic_auth_users);
    expect(users).toEqual(alerting.alertmanagers.map((alertmanager) => alertmanager.basic_auth.username));
  });
});

describe("prometheus.yml's alerting block", () => {
  it('sends to Alertmanager with basic auth from a secret file', () => {
    expect(alerting.alertmanagers).toHaveLength(1);
    expect(alerting.alertmanagers[0]?.basic_auth.password_file).toBe('/run/secrets/alertmanager_password');
  });

  it('lets an alert leave with its name, severity, schema labels, job, instance and cluster only', () => {
    expect(alerting.alert_relabel_configs).toHaveLength(1);
    const [keep] = alerting.alert_relabel_configs;
    expect(keep?.action).toBe('labelkeep');
    expect(new Set(keep?.regex.split('|'))).toEqual(new Set(['alertname', 'severity', ...schemaLabels, ...TARGET_LABELS, ...EXTERNAL_LABELS]));
    // Every label a generated alert sets or keeps gets through.
    for (const alert of alerts) {
      for (const label of [...Object.keys(alert.labels), ...labelsKept(alert)]) expect(keep?.regex.split('|'), `${alert.name}: ${label}`).toContain(label);
    }
  });
});
