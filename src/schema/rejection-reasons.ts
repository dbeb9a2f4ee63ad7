/**
 * Why an increment was refused or diverted: the `reason` label of `analytics_rejected_total`. A closed list, so the
 * self-metric is bounded too.
 */
export const rejectionReasons = {
  unknown_event_name: 'an event_name that is not declared in the catalog',
  wrong_event_source: 'an event_name recorded through the wrong API (memory vs table) for its catalog source',
  expired_event: 'an event_name whose catalog entry has passed its expiry date: renew or remove the entry',
  invalid_event_id: 'an event_id that is neither a UUID nor a positive integer',
  unknown_label: 'a label that the schema does not declare for the metric',
  invalid_increment: 'an increment that is not a positive safe integer',
  invalid_endpoint: 'an endpoint that is not an HTTP method and a route template',
  invalid_status_code: 'a status code outside 100-599',
  cardinality_overflow: 'a new label value beyond the per-counter bound, counted under "__other__" instead',
} as const;

export type RejectionReason = keyof typeof rejectionReasons;
export const rejectionReasonNames = Object.keys(rejectionReasons) as RejectionReason[];
