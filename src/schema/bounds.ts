/**
 * quietcount's bounds and reserved label values: what keeps the number of series finite whatever traffic arrives.
 * They belong to the library, not to any app's catalog.
 */

/** The label value that collects increments beyond a cardinality bound: counted, never a new series. */
export const OTHER = '__other__';
/** The endpoint of a response that no route handler of its method produced. */
export const UNMATCHED = 'unmatched';
/** Distinct endpoints of `http_responses_total` before `__other__`: an app's route templates are far fewer. */
export const MAX_ENDPOINTS = 200;
/** Distinct event ids per event name before `__other__`, unless `maxEventIds` says otherwise. */
export const DEFAULT_MAX_EVENT_IDS = 1000;
/** A ceiling on the ceiling: past this, the series count would hurt Prometheus more than any dashboard helps. */
export const MAX_EVENT_IDS_LIMIT = 100_000;
/** Status codes an HTTP response can have (100-599): the bound of the `status_code` label. */
export const STATUS_CODE_MIN = 100;
export const STATUS_CODE_MAX = 599;
