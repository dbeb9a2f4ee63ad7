/** The shape of a generated Prometheus rule group, before it is rendered as YAML. */

export interface RecordingRuleSpec {
  readonly record: string;
  readonly expr: string;
  /** One line for the file's header. */
  readonly help: string;
}

export interface AlertRuleSpec {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly severity: 'critical' | 'warning';
  readonly summary: string;
  readonly description: string;
  /** One line for the file's header: when it fires. */
  readonly firesWhen: string;
  /** Why the expression is written as it is, above the rule. */
  readonly comment?: string;
}

export interface RuleGroupSpec<Rule> {
  readonly name: string;
  readonly interval: string;
  readonly rules: readonly Rule[];
}
