/**
 * The Prometheus rule files (prometheus/rules/*.yml) and their promtool unit tests (prometheus/tests/*.yml), read
 * into typed values for the checks in ./check.ts. promtool validates the full syntax; this reads what the checks need.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface RecordingRule {
  readonly kind: 'recording';
  readonly name: string;
  readonly expr: string;
  /** `file: group`, for messages. */
  readonly origin: string;
}

export interface AlertingRule {
  readonly kind: 'alerting';
  readonly name: string;
  readonly expr: string;
  readonly for: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly origin: string;
}

export type Rule = RecordingRule | AlertingRule;

/** What the promtool unit tests exercise. */
export interface RuleTests {
  /** Every `promql_expr_test` expression. */
  readonly exprs: readonly string[];
  /** Every `alert_rule_test`: the alert, and whether it expects the alert to fire. */
  readonly alertChecks: readonly { readonly alertname: string; readonly firing: boolean }[];
}

export function yamlFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yml'))
    .sort()
    .map((name) => join(dir, name));
}

export function loadRules(files: readonly string[]): Rule[] {
  return files.flatMap((file) =>
    list(record(parse(readFileSync(file, 'utf8')), file).groups, `${file}: groups`).flatMap((groupValue) => {
      const group = record(groupValue, file);
      const origin = `${file}: ${text(group.name, `${file}: group name`)}`;
      return list(group.rules, `${origin}: rules`).map((ruleValue): Rule => {
        const rule = record(ruleValue, origin);
        const expr = text(rule.expr, `${origin}: expr`);
        if (rule.record !== undefined) return { kind: 'recording', name: text(rule.record, origin), expr, origin };
        return {
          kind: 'alerting',
          name: text(rule.alert, `${origin}: alert`),
          expr,
          for: rule.for === undefined ? undefined : text(rule.for, `${origin}: for`),
          labels: strings(rule.labels ?? {}, `${origin}: labels`),
          annotations: strings(rule.annotations ?? {}, `${origin}: annotations`),
          origin,
        };
      });
    }),
  );
}

export function loadRuleTests(files: readonly string[]): RuleTests {
  const tests = files.flatMap((file) => list(record(parse(readFileSync(file, 'utf8')), file).tests, `${file}: tests`).map((test) => record(test, file)));
  return {
    exprs: tests.flatMap((test) => list(test.promql_expr_test ?? [], 'promql_expr_test').map((check) => text(record(check, 'promql_expr_test').expr, 'expr'))),
    alertChecks: tests.flatMap((test) =>
      list(test.alert_rule_test ?? [], 'alert_rule_test').map((checkValue) => {
        const check = record(checkValue, 'alert_rule_test');
        return { alertname: text(check.alertname, 'alertname'), firing: list(check.exp_alerts ?? [], 'exp_alerts').length > 0 };
      }),
    ),
  };
}

function record(value: unknown, where: string): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: expected a mapping`);
  return value as Record<string, unknown>;
}

function list(value: unknown, where: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where}: expected a list`);
  return value;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new Error(`${where}: expected a string`);
  return value;
}

function strings(value: unknown, where: string): Record<string, string> {
  return Object.fromEntries(Object.entries(record(value, where)).map(([key, entry]) => [key, text(entry, `${where}: ${key}`)]));
}
