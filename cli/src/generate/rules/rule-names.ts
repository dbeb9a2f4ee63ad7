/**
 * The name of every recording rule quietcount generates, written here once: the recording rules record them, and the
 * alerts and the dashboards read them. Named level:metric:operations (level = the labels kept, joined by "_").
 */

/** Usage events per second, per event_name and event_id (5m window, group quietcount-rates, every 1m). */
export const USAGE_RATE_BY_EVENT_ID = 'event_name_event_id:analytics_events:rate5m';
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

/** Usage events in the 6 hours before each sample, per event_name (group quietcount-windows, every 2m). */
export const USAGE_6H = 'event_name:analytics_events:increase6h';
/** HTTP responses in the 24 hours before each sample, per endpoint and status code (every 2m). */
export const RESPONSES_1D = 'endpoint_status_code:http_responses:increase1d';
/** Rejected increments in the 24 hours before each sample, per reason (every 2m). */
export const REJECTIONS_1D = 'reason:analytics_rejected:increase1d';

/**
 * Usage events per 5-minute tile, per event_name and event_id (group quietcount-days, every 5m): each covers the 5
 * minutes since the evaluation before, so the tiles lie side by side; 288 of them make a day.
 */
export const USAGE_TILES = 'event_name_event_id:analytics_events:increase5m';
/**
 * Usage events per UTC day, per event_name and event_id: one sample a day, at the days group's last evaluation before
 * midnight UTC (up to 5m before it), stale right after.
 */
export const DAILY_USAGE = 'event_name_event_id:analytics_events:increase_utc_day';
