/**
 * Names the dashboards share with the Prometheus configuration: the recording rules of prometheus/rules/*.yml, read
 * instead of raw counters wherever that keeps a 180-day range fast. (Scrape jobs come from the catalog's `monitoring`.)
 * test/dashboards.test.ts checks every one against those files.
 */

/**
 * Usage events per UTC day, per event_name and event_id: one sample a day, at the days group's last evaluation before
 * midnight UTC (up to 5m before it), stale right after. Read it with `last_over_time(…[1d])` at steps of one day.
 */
export const DAILY_USAGE = 'event_name_event_id:analytics_events:increase_utc_day';
/** Usage events per 5-minute tile, per event_name and event_id (group every 5m): 288 of them make a day. */
export const USAGE_TILES = 'event_name_event_id:analytics_events:increase5m';
/** Usage events per second, per event_name (5m window, every 1m). */
export const USAGE_RATE = 'event_name:analytics_events:rate5m';
/** Usage events per second counted under event_id="__other__", per event_name (5m window, every 1m). */
export const OVERFLOW_USAGE_RATE = 'event_name:analytics_events_overflow:rate5m';
/** HTTP responses per second, per endpoint and status code (5m window, every 1m). */
export const RESPONSE_RATE_BY_STATUS = 'endpoint_status_code:http_responses:rate5m';
/** HTTP responses per second, per endpoint (5m window, every 1m). */
export const RESPONSE_RATE = 'endpoint:http_responses:rate5m';
/** Share of 5xx responses per endpoint, 0..1 (5m window, every 1m). */
export const SERVER_ERROR_RATIO = 'endpoint:http_server_errors_per_responses:ratio_rate5m';
/** Share of 4xx responses per endpoint, 0..1 (5m window, every 1m). */
export const CLIENT_ERROR_RATIO = 'endpoint:http_client_errors_per_responses:ratio_rate5m';
/** Rejected increments per second, per reason (5m window, every 1m). */
export const REJECTION_RATE = 'reason:analytics_rejected:rate5m';

/** prometheus.yml's global scrape interval (and the data source's `timeInterval`). */
export const SCRAPE_INTERVAL = '15s';

/**
 * Shortest step of a panel reading `*_over_time(x[$__interval])`: twice the interval between samples of x (the 1m
 * rule group, or the scrape), so every step holds at least one sample however evaluations and scrapes jitter.
 */
export const RULE_STEP = '2m';
export const SCRAPE_STEP = '30s';

/**
 * Metrics a dashboard reads that older Prometheus servers do not expose, with the first version that does: their
 * panels show "No data" on an older server (Debian's 2.42, used by the tests, is one).
 */
export const METRICS_SINCE: Readonly<Record<string, string>> = {
  prometheus_tsdb_retention_limit_seconds: '2.48.0',
};
