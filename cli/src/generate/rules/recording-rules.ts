/**
 * The recording rules every quietcount app gets, named level:metric:operations (level = the labels kept, joined by
 * "_"). Every rule sums over app instances (`sum by` keeps only schema labels), so replicas add up and a restarted
 * app (a counter reset) is handled by rate()/increase() before the sum.
 */
import { OTHER } from 'quietcount';
import type { RecordingRuleSpec, RuleGroupSpec } from './rule-specs.ts';

export const RATES_GROUP = 'quietcount-rates';
export const WINDOWS_GROUP = 'quietcount-windows';
export const DAYS_GROUP = 'quietcount-days';

/** Usage events per 5-minute tile, per event_name and event_id: what the last 24 hours are added up from. */
export const USAGE_TILE_RULE = 'event_name_event_id:analytics_events:increase5m';
/** Usage events per UTC day, per event_name and event_id: one sample a day, just before midnight UTC. */
export const USAGE_DAY_RULE = 'event_name_event_id:analytics_events:increase_utc_day';

const SECONDS_PER_DAY = 86_400;
/**
 * The days group's interval, so the width of a tile and the most a day's edge moves. It divides a day, so exactly
 * one evaluation a day falls in the last interval before midnight.
 */
export const TILE_SECONDS = 300;
const TILE = `${String(TILE_SECONDS / 60)}m`;
/**
 * The tiles of one day: one second short of a day, so the tile that ended exactly a day before is left to the day
 * before (Prometheus 2 ranges include their start; Prometheus 3 ranges do not, and hold the same 288 tiles).
 */
const DAY_OF_TILES = '23h59m59s';

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
    {
      name: DAYS_GROUP,
      interval: TILE,
      rules: [
        {
          record: USAGE_TILE_RULE,
          expr: `sum by (event_name, event_id) (increase(analytics_events_total[${TILE}]))`,
          help: `usage events in the ${TILE} before each sample, per event_name and event_id (tiles side by side)`,
        },
        {
          record: USAGE_DAY_RULE,
          // Evaluated every time, recorded only at the last evaluation before midnight UTC: `and` keeps the day's
          // sum when the evaluation time of day is within the last interval, and drops it otherwise.
          expr: `sum by (event_name, event_id) (sum_over_time(${USAGE_TILE_RULE}[${DAY_OF_TILES}]))
and on ()
(vector(time() % ${String(SECONDS_PER_DAY)}) >= ${String(SECONDS_PER_DAY - TILE_SECONDS)})
`,
          help: `usage events per UTC day (its ${String(SECONDS_PER_DAY / TILE_SECONDS)} tiles), per event_name and event_id; once a day, before midnight`,
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

export const RECORDING_HEADER = `Daily counts: the days group records a tile of increase() per event id every ${TILE} (each covers the ${TILE} since the
previous evaluation) and, at its last evaluation before midnight UTC, one sample per event id with the day's ${String(SECONDS_PER_DAY / TILE_SECONDS)}
tiles added up, so a daily panel reads one sample per series-day (the increase1d rule it replaces had 720). A day
runs from the last evaluation before one midnight to the last before the next: Prometheus offsets a group's
evaluations within its interval by a hash of the group, so a day's edges sit up to ${TILE} before midnight, and events in
those minutes count on the next day. An evaluation Prometheus misses (down, restarting) loses its tile, and the day
rule if it was that day's last: quietcount report gives exact integers from the raw samples.
The windows group runs every 2m so that its samples stay inside the 5m lookback of every query.
Ratios are absent for an endpoint without responses in the window, and 0 when it had responses but no errors.`;
