/**
 * The rule checks of src/rules catch what they are for: each broken rule below yields the problem that names it.
 */
import { describe, expect, it } from 'vitest';
import { alertProblems, catalogProblems, coverageProblems, namingProblems } from '../support/rules/check.ts';
import { analysePromQL } from '../support/rules/promql.ts';
import type { AlertingRule, RecordingRule } from '../support/rules/rule-files.ts';

const VOCABULARY = { eventNames: ['signup_completed', 'page_viewed', 'search_run'], scrapeJobs: ['quietcount'] };

const recording = (name: string, expr: string): RecordingRule => ({ kind: 'recording', name, expr, origin: 'test' });
const alerting = (overrides: Partial<AlertingRule> = {}): AlertingRule => ({
  kind: 'alerting',
  name: 'SomeAlert',
  expr: 'up{job="quietcount"} == 0',
  for: '5m',
  labels: { severity: 'warning' },
  annotations: { summary: '{{ $labels.instance }} is down', description: 'Scrapes of {{ $labels.instance }} fail.' },
  origin: 'test',
  ...overrides,
});

describe('analysePromQL', () => {
  it('finds selectors, matchers with their values, and the labels aggregations keep', () => {
    const analysis = analysePromQL(
      'sum by (event_name) (rate(analytics_events_total{event_id!="__other__", event_name=~`a|b`}[5m] offset 1w)) / on() group_left absent(up)',
    );
    expect(analysis.syntaxErrors).toEqual([]);
    expect(analysis.selectors).toEqual([
      {
        metric: 'analytics_events_total',
        matchers: [
          { name: 'event_id', operator: '!=', value: '__other__' },
          { name: 'event_name', operator: '=~', value: 'a|b' },
        ],
      },
      { metric: 'up', matchers: [] },
    ]);
    expect(analysis.aggregations).toEqual([{ modifier: 'by', labels: ['event_name'], selectors: [analysis.selectors[0]] }]);
  });

  it('reports a syntax error', () => {
    expect(analysePromQL('sum(rate(analytics_events_total[5m])').syntaxErrors).toHaveLength(1);
  });
});

describe('catalogProblems', () => {
  it('accepts catalog metrics, target labels, up and recording rules', () => {
    const rules = [
      recording('event_name:analytics_events:rate5m', 'sum by (event_name) (rate(analytics_events_total{job="quietcount", event_id="42"}[5m]))'),
      recording('endpoint:http_responses:rate5m', 'sum by (endpoint) (rate(http_responses_total{status_code=~"5..", endpoint!="unmatched"}[5m]))'),
      alerting({ expr: 'event_name:analytics_events:rate5m{event_name=~"signup_completed|search_run"} > 0 or absent(up{job="quietcount"})' }),
    ];
    expect(catalogProblems(rules, VOCABULARY)).toEqual([]);
  });

  it.each([
    ['an undeclared metric', 'rate(analytics_signups_total[5m]) > 0', 'reads analytics_signups_total'],
    ['a selector without a metric name', '{__name__="analytics_events_total"} > 0', 'a selector without a metric name'],
    ['an undeclared label', 'rate(analytics_events_total{user_id="1"}[5m]) > 0', 'has no label user_id'],
    ['a label of another metric', 'rate(analytics_rejected_total{event_name="signup_completed"}[5m]) > 0', 'has no label event_name'],
    ['an unknown event name', 'rate(analytics_events_total{event_name="signup"}[5m]) > 0', 'event_name="signup" is not a known value'],
    ['an unknown value in an alternation', 'rate(analytics_events_total{event_name=~"signup_completed|serch"}[5m]) > 0', 'names unknown values: serch'],
    ['a regex matching no status code', 'rate(http_responses_total{status_code=~"6.."}[5m]) > 0', 'matches no known value'],
    ['an unknown rejection reason', 'rate(analytics_rejected_total{reason="too_long"}[5m]) > 0', 'is not a known value'],
    ['an invalid event id', 'rate(analytics_events_total{event_id="someone@example.com"}[5m]) > 0', 'is not a valid value'],
    ['a raw URL as endpoint', 'rate(http_responses_total{endpoint="/api/events/12"}[5m]) > 0', 'is not a valid value'],
    ['a job prometheus.yml does not scrape', 'up{job="app"} == 0', 'job="app" is not a known value'],
    ['grouping by a label the metric lacks', 'sum by (reason) (rate(analytics_events_total[5m])) > 0', 'aggregates by reason'],
    ['a syntax error', 'rate(analytics_events_total[5m] > 0', 'syntax error'],
  ])('reports %s', (_, expr, problem) => {
    const problems = catalogProblems([alerting({ expr })], VOCABULARY);
    expect(problems).toEqual([expect.stringContaining(problem)]);
  });
});

describe('namingProblems', () => {
  it('accepts level:metric:operations with the kept labels as level', () => {
    expect(namingProblems([recording('event_name_event_id:analytics_events:increase1d', 'sum by (event_name, event_id) (increase(analytics_events_total[1d]))')])).toEqual([]);
  });

  it.each([
    ['a name without three parts', 'analytics_events:rate5m', 'sum by (event_name) (rate(analytics_events_total[5m]))', 'not named level:metric:operations'],
    ['a level that is not the kept labels', 'event_id:analytics_events:rate5m', 'sum by (event_name) (rate(analytics_events_total[5m]))', 'level "event_id"'],
    ['an instance label kept', 'instance:analytics_events:rate5m', 'sum by (instance) (rate(analytics_events_total[5m]))', 'not a catalog label'],
    ['no aggregation', 'event_name:analytics_events:rate5m', 'rate(analytics_events_total[5m])', 'keeps no label'],
    ['without()', 'event_name:analytics_events:rate5m', 'sum without (instance, job, event_id) (rate(analytics_events_total[5m]))', 'use by(...)'],
    ['a _total metric part', 'event_name:analytics_events_total:rate5m', 'sum by (event_name) (rate(analytics_events_total[5m]))', 'keeps "_total"'],
  ])('reports %s', (_, name, expr, problem) => {
    expect(namingProblems([recording(name, expr)])).toContainEqual(expect.stringContaining(problem));
  });

  it('reports a name defined twice', () => {
    expect(namingProblems([alerting(), alerting()])).toEqual(['SomeAlert: defined more than once']);
  });
});

describe('alertProblems', () => {
  it('accepts an alert with for:, severity, summary and description', () => {
    expect(alertProblems([alerting()])).toEqual([]);
  });

  it.each([
    ['no for: clause', { for: undefined }, 'no for: clause'],
    ['no severity', { labels: {} }, 'severity must be one of'],
    ['an unknown severity', { labels: { severity: 'page' } }, 'severity must be one of'],
    ['another label', { labels: { severity: 'warning', team: 'core' } }, 'sets label team'],
    ['no summary', { annotations: { description: 'x' } }, 'no summary annotation'],
    ['an empty description', { annotations: { summary: 'x', description: ' ' } }, 'no description annotation'],
    ['a non-catalog label in a template', { annotations: { summary: '{{ $labels.email }}', description: 'x' } }, 'quotes label email'],
    ['the whole label set in a template', { annotations: { summary: 'x', description: '{{ $labels }}' } }, 'prints the whole label set'],
  ])('reports %s', (_, overrides: Partial<AlertingRule>, problem) => {
    expect(alertProblems([alerting(overrides)])).toEqual([expect.stringContaining(problem)]);
  });
});

describe('coverageProblems', () => {
  const rules = [recording('event_name:analytics_events:rate5m', 'sum by (event_name) (rate(analytics_events_total[5m]))'), alerting()];

  it('accepts rules read by an expression test and alerts tested both ways', () => {
    const tests = {
      exprs: ['event_name:analytics_events:rate5m{event_name="signup_completed"}'],
      alertChecks: [{ alertname: 'SomeAlert', firing: true }, { alertname: 'SomeAlert', firing: false }],
    };
    expect(coverageProblems(rules, tests)).toEqual([]);
  });

  it('reports an untested recording rule and an alert never tested firing', () => {
    expect(coverageProblems(rules, { exprs: [], alertChecks: [{ alertname: 'SomeAlert', firing: false }] })).toEqual([
      'event_name:analytics_events:rate5m: no promql_expr_test reads it',
      'SomeAlert: no alert_rule_test expects it to fire',
    ]);
  });
});
