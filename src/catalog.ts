/**
 * The metrics catalog: the one place where everything quietcount collects is declared.
 *
 * Declare before you collect: an `event_name` that is not a key of `usageEvents` does not compile and is rejected at
 * run time. TELEMETRY.md, the Grafana dashboards and the Prometheus rules are generated from this file or checked
 * against it; `npm test` fails when they are stale or when an entry has passed its expiry date.
 */

/** A calendar date, `YYYY-MM-DD`. */
export type IsoDate = `${number}-${number}-${number}`;

export interface Stewardship {
  /** What is counted, in one sentence a person being counted can read. */
  readonly description: string;
  /** The product question this answers: no question, no metric. */
  readonly question: string;
  /** Who answers for it (a team, not a person). */
  readonly owner: string;
  readonly added: IsoDate;
  /** After this date `npm test` fails until the entry is renewed or removed. */
  readonly expires: IsoDate | 'never';
}

/**
 * Where a usage count comes from.
 * - `memory`: the app calls `telemetry.record()`; buffered increments, read at scrape (lost on restart, like any
 *   process counter; Prometheus handles the reset).
 * - `table`: derived at scrape from an append-only table of the app (`telemetry.observeTable()`), so it survives restarts.
 */
export type EventSource = 'memory' | 'table';

export interface UsageEventDefinition extends Stewardship {
  readonly source: EventSource;
}

const CORE_TEAM = 'core-team';
const PHASE_1: IsoDate = '2026-11-24';

/** The `event_name` vocabulary of `analytics_events_total`. */
export const usageEvents = {
  event_signup: {
    source: 'table',
    description: 'A person signed up to an event. Only the count per event is kept, never who signed up.',
    question: 'How many signups did each event get each day?',
    owner: CORE_TEAM,
    added: PHASE_1,
    expires: 'never',
  },
  directory_page_view: {
    source: 'memory',
    description: "A page of an event's attendee directory was shown.",
    question: 'Is the attendee directory used, and for which events?',
    owner: CORE_TEAM,
    added: PHASE_1,
    expires: 'never',
  },
  directory_search: {
    source: 'memory',
    description: "A search in an event's attendee directory. Counted only: the search text is never recorded.",
    question: 'Do attendees search the directory, or only browse it?',
    owner: CORE_TEAM,
    added: PHASE_1,
    expires: 'never',
  },
  profile_visibility_on: {
    source: 'table',
    description: 'A profile was made visible in the directory by its owner.',
    question: 'Do people choose to appear in the directory?',
    owner: CORE_TEAM,
    added: PHASE_1,
    expires: 'never',
  },
  profile_visibility_off: {
    source: 'table',
    description: 'A profile was hidden from the directory by its owner.',
    question: 'Do people withdraw from the directory after joining it?',
    owner: CORE_TEAM,
    added: PHASE_1,
    expires: 'never',
  },
  consent_granted: {
    source: 'table',
    description: 'A person granted consent (to be contacted by other attendees).',
    question: 'How many people opt in, per event?',
    owner: CORE_TEAM,
    added: PHASE_1,
    expires: 'never',
  },
  consent_withdrawn: {
    source: 'table',
    description: 'A person withdrew a consent they had granted.',
    question: 'How often is consent withdrawn, per event?',
    owner: CORE_TEAM,
    added: PHASE_1,
    expires: 'never',
  },
} as const satisfies Record<string, UsageEventDefinition>;

export type EventName = keyof typeof usageEvents;
type EventsFrom<S extends EventSource> = {
  [K in EventName]: (typeof usageEvents)[K]['source'] extends S ? K : never;
}[EventName];
/** Event names the app records in memory with `telemetry.record()`. */
export type MemoryEventName = EventsFrom<'memory'>;
/** Event names derived from the app's append-only tables with `telemetry.observeTable()`. */
export type TableEventName = EventsFrom<'table'>;

export const eventNames = Object.keys(usageEvents) as EventName[];

/**
 * Why an increment was refused or diverted: the `reason` label of `analytics_rejected_total`.
 * A closed list, so the self-metric is bounded too.
 */
export const rejectionReasons = {
  unknown_event_name: 'an event_name that is not declared in the catalog',
  wrong_event_source: 'an event_name recorded through the wrong API (memory vs table) for its catalog source',
  invalid_event_id: 'an event_id that is neither a UUID nor a positive integer',
  unknown_label: 'a label that the catalog does not declare for the metric',
  invalid_increment: 'an increment that is not a positive safe integer',
  invalid_endpoint: 'an endpoint that is not an HTTP method and a route template',
  invalid_status_code: 'a status code outside 100-599',
  cardinality_overflow: 'a new label value beyond the per-counter bound, counted under "__other__" instead',
} as const;
export type RejectionReason = keyof typeof rejectionReasons;
export const rejectionReasonNames = Object.keys(rejectionReasons) as RejectionReason[];

/** The label value that collects increments beyond the cardinality bound: counted, never a new series. */
export const OTHER = '__other__';
/** Distinct endpoints of `http_responses_total` before `__other__`: an app's route templates are far fewer. */
export const MAX_ENDPOINTS = 200;
/** The endpoint of a response that matched no route. */
export const UNMATCHED = 'unmatched';

export interface MetricDefinition extends Stewardship {
  readonly type: 'counter';
  readonly labels: readonly string[];
  /** How the label values are bounded (rendered into TELEMETRY.md). */
  readonly bound: string;
}

/** Every metric quietcount exports, by its Prometheus name. */
export const metrics = {
  analytics_events_total: {
    type: 'counter',
    labels: ['event_name', 'event_id'],
    description: 'Product usage events, per event name (see the vocabulary below) and per event (the gathering, not a person).',
    question: 'How is the product used, per event and per day?',
    bound: `event_name from the catalog; event_id a UUID or positive integer, at most ANALYTICS_MAX_EVENT_IDS per event_name, then "${OTHER}"`,
    owner: CORE_TEAM,
    added: PHASE_1,
    expires: 'never',
  },
  http_responses_total: {
    type: 'counter',
    labels: ['endpoint', 'status_code'],
    description: `HTTP responses of the app, per endpoint (method and route template, never a raw URL; "${UNMATCHED}" when no route matched) and status code.`,
    question: 'Which endpoints fail, how often, and how much traffic do they get?',
    bound: `endpoint from the app's route templates, at most ${String(MAX_ENDPOINTS)}, then "${OTHER}"; status_code 100-599`,
    owner: CORE_TEAM,
    added: PHASE_1,
    expires: 'never',
  },
  analytics_rejected_total: {
    type: 'counter',
    labels: ['reason'],
    description: 'Increments that quietcount refused or diverted to protect privacy and bound cardinality, per reason.',
    question: 'Is an app sending data it must not, or more distinct ids than the bound?',
    bound: `reason from a closed list of ${String(rejectionReasonNames.length)}`,
    owner: CORE_TEAM,
    added: PHASE_1,
    expires: 'never',
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof metrics;
export const metricNames = Object.keys(metrics) as MetricName[];

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(usageEvents, value);
}

/** Catalog entries whose expiry date is before `today` (a `YYYY-MM-DD` string in UTC). */
export function expiredEntries(
  today: string = new Date().toISOString().slice(0, 10),
  entries: Readonly<Record<string, Stewardship>> = { ...metrics, ...usageEvents },
): string[] {
  return Object.entries(entries)
    .filter(([, entry]) => entry.expires !== 'never' && entry.expires < today)
    .map(([name]) => name);
}
