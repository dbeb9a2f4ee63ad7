/**
 * Checks of the Prometheus rules against the catalog and the project's conventions. Each function returns the
 * problems found, one sentence each naming the rule, so a test can assert an empty list and print the rest.
 */
import { canonicalEventId } from '../../../src/common/event-id.ts';
import { OTHER, UNMATCHED } from '../../../src/schema/bounds.ts';
import { metricFamilies as metrics, type MetricName } from '../../../src/schema/metrics.ts';
import { rejectionReasonNames } from '../../../src/schema/rejection-reasons.ts';
import { analysePromQL, type LabelMatcher, type PromQLAnalysis } from './promql.ts';
import type { AlertingRule, RecordingRule, Rule, RuleTests } from './rule-files.ts';

/** Labels Prometheus attaches to every scraped series: they name a target, never a person. */
const TARGET_LABELS = ['job', 'instance'];
/** The series Prometheus writes for every scrape target. */
const UP = 'up';
const SEVERITIES = ['critical', 'warning'];
const REQUIRED_ANNOTATIONS = ['summary', 'description'];
const RECORDING_NAME = /^(?<level>[a-z][a-z0-9_]*):(?<metric>[a-z][a-z0-9_]*):(?<operations>[a-z][a-z0-9_]*)$/;
const STATUS_CODES = Array.from({ length: 500 }, (_, index) => String(100 + index));
const ROUTE_ENDPOINT = /^[A-Z]+ \/\S*$/;
const HOST_PORT = /^[^\s:]+:[0-9]+$/;
const LITERAL_ALTERNATION = /^[\w-]+(\|[\w-]+)*$/;

const isCatalogMetric = (metric: string): metric is MetricName => Object.hasOwn(metrics, metric);
const catalogLabels = new Set<string>(Object.values(metrics).flatMap((metric) => metric.labels));

export interface Vocabulary {
  /** The app catalog's event names. */
  readonly eventNames: readonly string[];
  /** The scrape jobs of prometheus.yml. */
  readonly scrapeJobs: readonly string[];
}

/** Problems with metrics, labels and label values that the schema, the catalog or prometheus.yml do not declare. */
export function catalogProblems(rules: readonly Rule[], { eventNames, scrapeJobs }: Vocabulary): string[] {
  const outputs = recordingOutputLabels(rules);
  const vocabularies: Readonly<Record<string, readonly string[]>> = {
    event_name: eventNames,
    reason: rejectionReasonNames,
    status_code: STATUS_CODES,
    job: scrapeJobs,
  };
  return rules.flatMap((rule) => {
    const analysis = analysePromQL(rule.expr);
    const where = `${rule.name} (${rule.origin})`;
    const labelsOf = (metric: string | undefined): readonly string[] | undefined => {
      if (metric === undefined) return undefined;
      if (isCatalogMetric(metric)) return [...metrics[metric].labels, ...TARGET_LABELS];
      return metric === UP ? TARGET_LABELS : outputs.get(metric);
    };
    return [
      ...analysis.syntaxErrors.map((error) => `${where}: ${error}`),
      ...analysis.selectors.flatMap((selector) => {
        const labels = labelsOf(selector.metric);
        if (labels === undefined) {
          return [`${where}: reads ${selector.metric ?? 'a selector without a metric name'}, which is neither in the catalog, nor "up", nor a recording rule`];
        }
        return selector.matchers.flatMap((matcher) =>
          labels.includes(matcher.name)
            ? matcherValueProblems(matcher, vocabularies).map((problem) => `${where}: ${matcher.name}${matcher.operator}"${matcher.value}" ${problem}`)
            : [`${where}: ${selector.metric ?? ''} has no label ${matcher.name}`],
        );
      }),
      ...analysis.aggregations.flatMap((aggregation) =>
        aggregation.labels.flatMap((label) =>
          aggregation.selectors.filter((selector) => labelsOf(selector.metric)?.includes(label) === false).map((selector) => `${where}: aggregates by ${label}, which ${selector.metric ?? ''} does not have`),
        ),
      ),
    ];
  });
}

function matcherValueProblems(matcher: LabelMatcher, vocabularies: Readonly<Record<string, readonly string[]>>): string[] {
  const vocabulary = vocabularies[matcher.name];
  if (matcher.operator === '=~' || matcher.operator === '!~') {
    let regex: RegExp;
    try {
      regex = new RegExp(`^(?:${matcher.value})$`);
    } catch {
      return ['is not a valid regular expression'];
    }
    if (vocabulary === undefined) return [];
    const unknown = LITERAL_ALTERNATION.test(matcher.value) ? matcher.value.split('|').filter((value) => !vocabulary.includes(value)) : [];
    if (unknown.length > 0) return [`names unknown values: ${unknown.join(', ')}`];
    return vocabulary.some((value) => regex.test(value)) ? [] : ['matches no known value'];
  }
  if (vocabulary !== undefined) return vocabulary.includes(matcher.value) ? [] : ['is not a known value'];
  const valid: Readonly<Record<string, (value: string) => boolean>> = {
    event_id: (value) => value === OTHER || canonicalEventId(value) === value,
    endpoint: (value) => value === OTHER || value === UNMATCHED || ROUTE_ENDPOINT.test(value),
    instance: (value) => HOST_PORT.test(value),
  };
  return valid[matcher.name]?.(matcher.value) === false ? ['is not a valid value'] : [];
}

/** The labels a recording rule's series carry: those its aggregations keep (`sum by (...)`), in order. */
function keptLabels(analysis: PromQLAnalysis): string[] {
  return [...new Set(analysis.aggregations.flatMap((aggregation) => (aggregation.modifier === 'by' ? aggregation.labels : [])))];
}

function recordingOutputLabels(rules: readonly Rule[]): Map<string, readonly string[]> {
  return new Map(recordingRules(rules).map((rule) => [rule.name, keptLabels(analysePromQL(rule.expr))]));
}

/**
 * Recording rules are named level:metric:operations (https://prometheus.io/docs/practices/rules/): the level is the
 * labels kept by `sum by (...)`, joined by "_", which must be catalog labels (no job or instance: rules sum over app
 * instances), and the metric drops the `_total` of a counter.
 */
export function namingProblems(rules: readonly Rule[]): string[] {
  const names = rules.map((rule) => rule.name);
  return [
    ...names.filter((name, index) => names.indexOf(name) !== index).map((name) => `${name}: defined more than once`),
    ...recordingRules(rules).flatMap((rule) => {
      const parts = RECORDING_NAME.exec(rule.name)?.groups;
      if (parts === undefined) return [`${rule.name}: not named level:metric:operations`];
      const analysis = analysePromQL(rule.expr);
      const kept = keptLabels(analysis);
      return [
        ...(analysis.aggregations.some((aggregation) => aggregation.modifier === 'without') ? [`${rule.name}: aggregates with without(...), so its labels are not known: use by(...)`] : []),
        ...(kept.length === 0 ? [`${rule.name}: keeps no label with sum by(...)`] : []),
        ...(kept.join('_') === parts.level ? [] : [`${rule.name}: level "${parts.level ?? ''}" but the expression keeps ${kept.join(', ') || 'no label'}`]),
        ...kept.filter((label) => !catalogLabels.has(label)).map((label) => `${rule.name}: keeps ${label}, which is not a catalog label`),
        ...(parts.metric?.endsWith('_total') === true ? [`${rule.name}: the metric part keeps "_total"`] : []),
      ];
    }),
  ];
}

/**
 * Every alert has a `for:` clause, a severity label and nothing else (the expression's catalog labels ride along),
 * and a summary and a description that quote only catalog or target labels.
 */
export function alertProblems(rules: readonly Rule[]): string[] {
  const quotable = new Set([...catalogLabels, ...TARGET_LABELS]);
  return alertingRules(rules).flatMap((rule) => [
    ...(rule.for === undefined ? [`${rule.name}: no for: clause, so one bad evaluation would notify`] : []),
    ...(SEVERITIES.includes(rule.labels.severity ?? '') ? [] : [`${rule.name}: severity must be one of ${SEVERITIES.join(', ')}`]),
    ...Object.keys(rule.labels).filter((label) => label !== 'severity').map((label) => `${rule.name}: sets label ${label}; only severity is allowed`),
    ...REQUIRED_ANNOTATIONS.filter((name) => (rule.annotations[name] ?? '').trim() === '').map((name) => `${rule.name}: no ${name} annotation`),
    ...Object.entries(rule.annotations).flatMap(([name, template]) => [
      ...[...template.matchAll(/\$labels\.(\w+)/g)].map((match) => match[1] ?? '').filter((label) => !quotable.has(label)).map((label) => `${rule.name}: ${name} quotes label ${label}, which is neither a catalog nor a target label`),
      ...(/\$labels(?!\.)/.test(template) ? [`${rule.name}: ${name} prints the whole label set`] : []),
    ]),
  ]);
}

/** Every recording rule is read by a promtool expression test; every alert is tested firing and not firing. */
export function coverageProblems(rules: readonly Rule[], tests: RuleTests): string[] {
  const tested = new Set(tests.exprs.flatMap((expr) => analysePromQL(expr).selectors.map((selector) => selector.metric)));
  const alertCase = (alertname: string, firing: boolean): boolean => tests.alertChecks.some((check) => check.alertname === alertname && check.firing === firing);
  return [
    ...recordingRules(rules).filter((rule) => !tested.has(rule.name)).map((rule) => `${rule.name}: no promql_expr_test reads it`),
    ...alertingRules(rules).flatMap((rule) => [
      ...(alertCase(rule.name, true) ? [] : [`${rule.name}: no alert_rule_test expects it to fire`]),
      ...(alertCase(rule.name, false) ? [] : [`${rule.name}: no alert_rule_test expects it not to fire`]),
    ]),
  ];
}

const recordingRules = (rules: readonly Rule[]): RecordingRule[] => rules.filter((rule) => rule.kind === 'recording');
const alertingRules = (rules: readonly Rule[]): AlertingRule[] => rules.filter((rule) => rule.kind === 'alerting');
