/** `quietcount rules`: the app's Prometheus recording and alerting rules. */
import { renderRuleFiles, RULES_DIR } from '../generate/rules/render-rule-files.ts';
import type { CliIo } from '../cli-io.ts';
import { generatorUsage, runGenerator, type Generator } from './generator-command.ts';

export const rules: Generator = {
  name: 'rules',
  writes: `${RULES_DIR}/recording.yml and alerts.yml`,
  description:
    "Writes the Prometheus rules for the app: recording rules that the dashboards read, and alerts (error spikes, usage\ndrop-offs of the events marked dropOffAlert, rejections, overflow, scrape failures). The job and the thresholds\ncome from the catalog's monitoring settings. Load them with rule_files in prometheus.yml.",
  takesJob: true,
  render: (catalog) => renderRuleFiles(catalog.model),
};

export const main = (argv: readonly string[], io: CliIo): Promise<number> => runGenerator(rules, argv, io);
export const usage = (): string => generatorUsage(rules);
