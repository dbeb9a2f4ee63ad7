/**
 * PromQL text built from values: every label value goes through one quoting rule, so no value can change a
 * query's shape. Used by the report, the rules and the dashboards.
 */

/** A PromQL double-quoted string literal (JSON string syntax is a subset of PromQL's). */
export function promqlString(value: string): string {
  return JSON.stringify(value);
}

const RE2_METACHARACTERS = /[\\^$.|?*+()[\]{}]/g;

/** The value of a `=~` matcher that matches exactly these literal values, quoted. */
export function exactAlternatives(values: readonly string[]): string {
  return promqlString(values.map((value) => value.replace(RE2_METACHARACTERS, '\\$&')).join('|'));
}

export type MatchOperator = '=' | '!=' | '=~' | '!~';

/** `label<op>"value"`. A `=~` value is a regex the caller wrote (or `exactAlternatives` made, already quoted). */
export function matcher(label: string, operator: MatchOperator, value: string): string {
  return `${label}${operator}${promqlString(value)}`;
}

/** `label="a"` or `label=~"a|b"`, matching exactly the given values. */
export function oneOf(label: string, values: readonly string[]): string {
  const [only] = values;
  return values.length === 1 && only !== undefined ? matcher(label, '=', only) : `${label}=~${exactAlternatives(values)}`;
}

/** `metric{m1, m2}`, or the bare metric without matchers. */
export function selector(metric: string, matchers: readonly string[]): string {
  return matchers.length === 0 ? metric : `${metric}{${matchers.join(', ')}}`;
}

/**
 * A usage series selector (`analytics_events_total` or a recording rule of it) narrowed to event names, plus any
 * further matchers (event ids, a Grafana variable). No names: every event name.
 */
export function usageSelector(metric: string, eventNames: readonly string[], more: readonly string[] = []): string {
  return selector(metric, [...(eventNames.length === 0 ? [] : [oneOf('event_name', eventNames)]), ...more]);
}
