/**
 * The recording rules every quietcount app gets, named level:metric:operations (level = the labels kept, joined by
 * "_"). Every rule sums over app instances (`sum by` keeps only schema labels), so replicas add up and a restarted
 * app (a counter reset) is handled by rate()/increase() before the sum.
 */
import { OTHER } from '../../schema/bounds.ts';
import type { RecordingRuleSpec, RuleGroupSpec } from './rule-specs.ts';

export const RATES_GROUP = 'quietcount-rates';
export const WINDOWS_GROUP = 'quietcount-windows';

export function recordingRuleGroups(): RuleGroupSpec<RecordingRuleSpec>[] {
  return [
    {
      name: RATES_GROUP,
      interval: '1m',
      rules: [
        {
          record: 'event_name_event_id:analytics_events:rate5m',
          expr: 'sum by (event_name, event_id) (rate(analytics_events_total[5m]))',
          help: 'usage events per second, per event_name and event_id',
        },
        {
          record: 'event_name:analytics_events:rate5m',
          expr: 'sum by (event_name) (event_name_event_id:analytics_events:rate5m)',
          help: 'usage events per second, per event_name',
        },
        {
          record: 'event_name:analytics_events_overflow:rate5m',
          expr: `sum by (event_name) (event_name_event_id:analytics_events:rate5m{event_id="${OTHER}"})`,
          help: `usage events per second counted under event_id="${OTHER}"`,
        },
        {
          record: 'endpoint_status_code:http_responses:rate5m',
          expr: 'sum by (endpoint, status_code) (rate(http_responses_total[5m]))',
          help: 'HTTP responses per second, per endpoint and status code',
        },
        {
          record: 'endpoint:http_responses:rate5m',
          expr: 'sum by (endpoint) (endpoint_status_code:http_responses:rate5m)',
          help: 'HTTP responses per second, per endpoint',
        },
        {
          record: 'endpoint:http_server_errors_per_responses:ratio_rate5m',
          expr: errorRatio('5..'),
          help: 'share of 5xx responses, per endpoint (0..1)',
        },
        {
          record: 'endpoint:http_client_errors_per_responses:ratio_rate5m',
          expr: errorRatio('4..'),
          help: 'share of 4xx responses, per endpoint (0..1)',
        },
        {
          record: 'reason:analytics_rejected:rate5m',
          expr: 'sum by (reason) (rate(analytics_rejected_total[5m]))',
          help: 'rejected increments per second, per reason',
        },
      ],
    },
    {
      name: WINDOWS_GROUP,
      interval: '2m',
      rules: [
        {
          record: 'event_name_event_id:analytics_events:increase1d',
          expr: 'sum by (event_name, event_id) (increase(analytics_events_total[1d]))',
          help: 'usage events in the 24h before each sample, per event_name and event_id',
        },
        {
          record: 'event_name:analytics_events:increase1d',
          expr: 'sum by (event_name) (event_name_event_id:analytics_events:increase1d)',
          help: 'usage events in the 24h before each sample, per event_name',
        },
        {
          record: 'event_name:analytics_events:increase6h',
          expr: 'sum by (event_name) (increase(analytics_events_total[6h]))',
          help: 'usage events in the 6h before each sample, per event_name',
        },
        {
          record: 'endpoint_status_code:http_responses:increase1d',
          expr: 'sum by (endpoint, status_code) (increase(http_responses_total[1d]))',
          help: 'HTTP responses in the 24h before each sample',
        },
        {
          record: 'reason:analytics_rejected:increase1d',
          expr: 'sum by (reason) (increase(analytics_rejected_total[1d]))',
          help: 'rejected increments in the 24h before each sample',
        },
      ],
    },
  ];
}

/** 0 when an endpoint had responses but none of the class, absent when it had no responses. */
function errorRatio(statusClass: string): string {
  return `(
  sum by (endpoint) (endpoint_status_code:http_responses:rate5m{status_code=~"${statusClass}"})
  or
  endpoint:http_responses:rate5m * 0
)
/ (endpoint:http_responses:rate5m > 0)
`;
}

export const RECORDING_HEADER = `Daily bars: query the increase1d rules with a 1d step; the value at midnight is the day that just ended (give or
take the 2m evaluation interval). The 2m interval keeps a sample inside the 5m lookback of every query while an
increase over a day of 7,007 series at the default bound (40 million samples, about 1.4 s of one core, measured on
2.42) runs 30 times an hour, not 60. Watch prometheus_rule_group_last_duration_seconds as replicas are added.
Ratios are absent for an endpoint without responses in the window, and 0 when it had responses but no errors.`;
