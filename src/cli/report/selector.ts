/**
 * The PromQL selector of the report: `analytics_events_total` narrowed to the asked event names and ids. Values are
 * escaped twice over (RE2 metacharacters, then the PromQL string), so no input can change the query's shape.
 */
export const USAGE_METRIC = 'analytics_events_total';

const RE2_METACHARACTERS = /[\\^$.|?*+()[\]{}]/g;

function exactAlternatives(values: readonly string[]): string {
  // JSON string syntax is a subset of PromQL's double-quoted strings.
  return JSON.stringify(values.map((value) => value.replace(RE2_METACHARACTERS, '\\$&')).join('|'));
}

export function usageSelector(eventNames: readonly string[], eventIds: readonly string[]): string {
  const matchers = [`event_name=~${exactAlternatives(eventNames)}`];
  if (eventIds.length > 0) matchers.push(`event_id=~${exactAlternatives(eventIds)}`);
  return `${USAGE_METRIC}{${matchers.join(',')}}`;
}
