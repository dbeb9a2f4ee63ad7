/**
 * The recording rules every quietcount app gets, named level:metric:operations (level = the labels kept, joined by
 * "_"). Every rule sums over app instances (`sum by` keeps only schema labels), so replicas add up and a restarted
 * app (a counter reset) is handled by rate()/increase() before the sum.
 */
import { OTHER } from 'quietcount';
import type { RecordingRuleSpec, RuleGroupSpec } from './rule-specs.ts';
import {
  CLIENT_ERROR_RATIO,
  DAILY_USAGE,
  OVERFLOW_USAGE_RATE,
  REJECTION_RATE,
  REJECTIONS_1D,
  RESPONSE_RATE,
  RESPONSE_RATE_BY_STATUS,
  RESPONSES_1D,
  SERVER_ERROR_RATIO,
  USAGE_6H,
  USAGE_RATE,
  USAGE_RATE_BY_EVENT_ID,
  USAGE_TILES,
} from './rule-names.ts';

export const RATES_GROUP = 'quietcount-rates';
export const WINDOWS_GROUP = 'quietcount-windows';
export const DAYS_GROUP = 'quietcount-days';

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
          record: USAGE_RATE_BY_EVENT_ID,
          expr: 'sum by (event_name, event_id) (rate(analytics_events_total[5m]))',
          help: 'usage events per second, per event_name and event_id',
        },
        {
          record: USAGE_RATE,
          expr: `sum by (event_name) (${USAGE_RATE_BY_EVENT_ID})`,
          help: 'usage events per second, per event_name',
        },
        {
          record: OVERFLOW_USAGE_RATE,
          expr: `sum by (event_name) (${USAGE_RATE_BY_EVENT_ID}{event_id="${OTHER}"})`,
          help: `usage events per second counted under event_id="${OTHER}"`,
        },
        {
          record: RESPONSE_RATE_BY_STATUS,
          expr: 'sum by (endpoint, status_code) (rate(http_responses_total[5m]))',
          help: 'HTTP responses per second, per endpoint and status code',
        },
        {
          record: RESPONSE_RATE,
          expr: `sum by (endpoint) (${RESPONSE_RATE_BY_STATUS})`,
          help: 'HTTP responses per second, per endpoint',
        },
        {
          record: SERVER_ERROR_RATIO,
          expr: errorRatio('5..'),
          help: 'share of 5xx responses, per endpoint (0..1)',
        },
        {
          record: CLIENT_ERROR_RATIO,
          expr: errorRatio('4..'),
          help: 'share of 4xx responses, per endpoint (0..1)',
        },
        {
          record: REJECTION_RATE,
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
          record: USAGE_6H,
          expr: 'sum by (event_name) (increase(analytics_events_total[6h]))',
          help: 'usage events in the 6h before each sample, per event_name',
        },
        {
          record: RESPONSES_1D,
          expr: 'sum by (endpoint, status_code) (increase(http_responses_total[1d]))',
          help: 'HTTP responses in the 24h before each sample',
        },
        {
          record: REJECTIONS_1D,
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
          record: USAGE_TILES,
          expr: `sum by (event_name, event_id) (increase(analytics_events_total[${TILE}]))`,
          help: `usage events in the ${TILE} before each sample, per event_name and event_id (tiles side by side)`,
        },
        {
          record: DAILY_USAGE,
          // Evaluated every time, recorded only at the last evaluation before midnight UTC: `and` keeps the day's
          // sum when the evaluation time of day is within the last interval, and drops it otherwise.
          expr: `sum by (event_name, event_id) (sum_over_time(${USAGE_TILES}[${DAY_OF_TILES}]))
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
  sum by (endpoint) (${RESPONSE_RATE_BY_STATUS}{status_code=~"${statusClass}"})
  or
  ${RESPONSE_RATE} * 0
)
/ (${RESPONSE_RATE} > 0)
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
