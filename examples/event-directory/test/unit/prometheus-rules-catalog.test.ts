/**
 * The Prometheus rules and web configuration against the catalog and the project's conventions: every metric, label
 * and label value a rule reads is declared, recording rules are named level:metric:operations, alerts carry a
 * severity, a summary and a description, and the promtool unit tests exercise every rule.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { alertProblems, catalogProblems, coverageProblems, namingProblems } from '../../../../test/support/rules/check.ts';
import { loadRules, loadRuleTests, yamlFilesIn } from '../../../../test/support/rules/rule-files.ts';
import { PROMETHEUS_DIR, scrapeJobNames } from '../../../../test/support/prometheus-config.ts';
import { eventNames } from '../support/catalog.ts';
import * as ruleNames from '../../../../cli/src/generate/rules/rule-names.ts';

const rules = loadRules(yamlFilesIn(join(PROMETHEUS_DIR, 'rules')));
/** bcrypt below cost 10 is cheap to brute-force offline (the OWASP minimum). */
const MIN_BCRYPT_COST = 10;

describe('the Prometheus rules', () => {
  it('include recording and alerting rules', () => {
    expect(rules.filter((rule) => rule.kind === 'recording').length).toBeGreaterThan(0);
    expect(rules.filter((rule) => rule.kind === 'alerting').length).toBeGreaterThan(0);
  });

  it('read only catalog metrics and labels, up, and recording rules, with valid label values', () => {
    expect(catalogProblems(rules, { eventNames, scrapeJobs: scrapeJobNames() })).toEqual([]);
  });

  it('record exactly the names of rule-names.ts, the one module the rules, alerts and dashboards import them from', () => {
    const recorded = rules.filter((rule) => rule.kind === 'recording').map((rule) => rule.name);
    expect([...recorded].sort()).toEqual(Object.values(ruleNames).sort());
  });

  it('name recording rules level:metric:operations, the level being the labels they keep', () => {
    expect(namingProblems(rules)).toEqual([]);
  });

  it('give every alert a for: clause, a severity, a summary and a description quoting only catalog labels', () => {
    expect(alertProblems(rules)).toEqual([]);
  });

  it('are all exercised by the promtool unit tests, alerts firing and not firing', () => {
    expect(coverageProblems(rules, loadRuleTests(yamlFilesIn(join(PROMETHEUS_DIR, 'tests'))))).toEqual([]);
  });
});

describe('the Prometheus web configuration', () => {
  it('requires basic auth with bcrypt hashes of cost >= 10', () => {
    const config = parse(readFileSync(join(PROMETHEUS_DIR, 'web.yml'), 'utf8')) as { basic_auth_users?: Record<string, string> };
    const hashes = Object.values(config.basic_auth_users ?? {});
    expect(hashes.length).toBeGreaterThan(0);
    for (const hash of hashes) {
      const cost = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/.exec(hash)?.[1];
      expect(cost, 'a bcrypt hash').toBeDefined();
      expect(Number(cost)).toBeGreaterThanOrEqual(MIN_BCRYPT_COST);
    }
  });
});
