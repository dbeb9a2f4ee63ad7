/**
 * The three metric families quietcount exports, by their Prometheus names, with their labels and bounds. Every app
 * gets exactly these; an app's catalog only fills in the `event_name` vocabulary of `analytics_events_total`.
 */
import { MAX_ENDPOINTS, OTHER, STATUS_CODE_MAX, STATUS_CODE_MIN, UNMATCHED } from './bounds.ts';
import { rejectionReasonNames } from './rejection-reasons.ts';

export interface MetricFamily {
  readonly type: 'counter';
  readonly labels: readonly string[];
  /** What is counted, in a sentence a person being counted can read. */
  readonly description: string;
  /** The question it answers. */
  readonly question: string;
  /** How the label values are bounded. */
  readonly bound: string;
}

export const metricFamilies = {
  analytics_events_total: {
    type: 'counter',
    labels: ['event_name', 'event_id'],
    description: "Product usage events, per event name (from the app's catalog) and per event id (what the app counts per, never a person).",
    question: 'How is the product used, per event id and per day?',
    bound: `event_name from the catalog; event_id a UUID or positive integer, at most maxEventIds (ANALYTICS_MAX_EVENT_IDS) per event_name, then "${OTHER}"`,
  },
  http_responses_total: {
    type: 'counter',
    labels: ['endpoint', 'status_code'],
    description: `HTTP responses of the app, per endpoint (method and route template, never a raw URL; "${UNMATCHED}" when no route handler of the method answered) and status code.`,
    question: 'Which endpoints fail, how often, and how much traffic do they get?',
    bound: `endpoint from the app's route templates, at most ${String(MAX_ENDPOINTS)}, then "${OTHER}"; status_code ${String(STATUS_CODE_MIN)}-${String(STATUS_CODE_MAX)}`,
  },
  analytics_rejected_total: {
    type: 'counter',
    labels: ['reason'],
    description: 'Increments that quietcount refused or diverted to protect privacy and bound cardinality, per reason.',
    question: 'Is an app sending data it must not, or more distinct ids than the bound?',
    bound: `reason from a closed list of ${String(rejectionReasonNames.length)}`,
  },
} as const satisfies Record<string, MetricFamily>;

export type MetricName = keyof typeof metricFamilies;
export const metricNames = Object.keys(metricFamilies) as MetricName[];
