/**
 * What the alert log writes of a notification: only what cannot name a person, and how much it left out.
 *
 * - Labels (the notification's groupLabels and commonLabels, each alert's labels): those of ./allowed-labels.ts,
 *   with a value their label may have. Any other is dropped.
 * - Annotations: `summary` and `description`, the two the generated rules write, and only as plain text of at most
 *   2,000 characters that holds no `@` (no email address) and does not quote the value of a label dropped from the
 *   notification. Any other annotation is dropped. The log cannot tell a name in free text from a rule's own words:
 *   that the rules quote schema labels only is what keeps those out (`quietcount rules` writes them so, and
 *   test/integration/alerts.test.ts checks every delivered annotation against its rule's template).
 * - Fields: status, the receiver's name, each alert's status, startsAt, endsAt and fingerprint, and truncatedAlerts,
 *   each when it has the form Alertmanager gives it; a receiver, time or fingerprint of another form is dropped.
 *   The links and keys (generatorURL, externalURL, groupKey) are never logged: they can carry any text, and the
 *   group key repeats the values of the labels it groups by.
 *
 * Nothing dropped is logged, not even its name: only how many labels, annotations and fields were dropped.
 */
import { isLoggableLabel } from './allowed-labels.ts';
import type { AlertStatus, LabelSet, Notification } from './notification.ts';

export interface LoggedAlert {
  readonly status: AlertStatus;
  readonly labels: LabelSet;
  readonly annotations: LabelSet;
  readonly startsAt?: string;
  readonly endsAt?: string;
  readonly fingerprint?: string;
}

export interface LoggedNotification {
  readonly status: AlertStatus;
  readonly receiver?: string;
  readonly groupLabels: LabelSet;
  readonly commonLabels: LabelSet;
  readonly commonAnnotations: LabelSet;
  readonly alerts: readonly LoggedAlert[];
  readonly truncatedAlerts?: number;
}

export interface DroppedCounts {
  labels: number;
  annotations: number;
  fields: number;
}

const ANNOTATIONS = new Set(['summary', 'description']);
const MAX_ANNOTATION_LENGTH = 2_000;
/** Line breaks, control and invisible formatting characters: none is in a rule's text, all can disguise a log line. */
const HIDDEN_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
/** Shorter values of dropped labels ("1", "ok") would match any text: they are not looked for in annotations. */
const MIN_QUOTED_VALUE_LENGTH = 3;

/** A receiver's name as alertmanager.yml gives it (`critical`, `warning`). */
const RECEIVER = /^[A-Za-z0-9_.:-]{1,128}$/;
/** RFC 3339, as Alertmanager writes startsAt and endsAt. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** Alertmanager's fingerprint of an alert's labels: 16 hexadecimal digits. */
const FINGERPRINT = /^[0-9a-f]{16}$/;

export function loggableNotification(notification: Notification): { notification: LoggedNotification; dropped: DroppedCounts } {
  const dropped: DroppedCounts = { labels: 0, annotations: 0, fields: 0 };
  const droppedValues: string[] = [];

  const keepLabels = (labels: LabelSet): LabelSet => {
    const kept: Record<string, string> = {};
    for (const [name, value] of Object.entries(labels)) {
      if (isLoggableLabel(name, value)) {
        kept[name] = value;
        continue;
      }
      dropped.labels += 1;
      if (value.length >= MIN_QUOTED_VALUE_LENGTH) droppedValues.push(value);
    }
    return kept;
  };
  const keepAnnotations = (annotations: LabelSet): LabelSet => {
    const kept: Record<string, string> = {};
    for (const [name, text] of Object.entries(annotations)) {
      const plain = text.length <= MAX_ANNOTATION_LENGTH && !HIDDEN_CHARACTERS.test(text) && !text.includes('@');
      if (ANNOTATIONS.has(name) && plain && !droppedValues.some((value) => text.includes(value))) kept[name] = text;
      else dropped.annotations += 1;
    }
    return kept;
  };
  const keepField = (value: string | undefined, form: RegExp): string | undefined => {
    if (value === undefined) return undefined;
    if (form.test(value)) return value;
    dropped.fields += 1;
    return undefined;
  };

  // Every label first, so that an annotation anywhere that quotes a dropped value is recognised.
  const groupLabels = keepLabels(notification.groupLabels);
  const commonLabels = keepLabels(notification.commonLabels);
  const alertLabels = notification.alerts.map((alert) => keepLabels(alert.labels));

  const alerts = notification.alerts.map(
    (alert, index): LoggedAlert => ({
      status: alert.status,
      labels: alertLabels[index] ?? {},
      annotations: keepAnnotations(alert.annotations),
      ...optional('startsAt', keepField(alert.startsAt, TIMESTAMP)),
      ...optional('endsAt', keepField(alert.endsAt, TIMESTAMP)),
      ...optional('fingerprint', keepField(alert.fingerprint, FINGERPRINT)),
    }),
  );
  return {
    notification: {
      status: notification.status,
      ...optional('receiver', keepField(notification.receiver, RECEIVER)),
      groupLabels,
      commonLabels,
      commonAnnotations: keepAnnotations(notification.commonAnnotations),
      alerts,
      ...optional('truncatedAlerts', notification.truncatedAlerts),
    },
    dropped,
  };
}

/** `{ [name]: value }`, or nothing when there is no value: spread into an object literal. */
function optional<Name extends string, Value>(name: Name, value: Value | undefined): Partial<Record<Name, Value>> {
  return value === undefined ? {} : ({ [name]: value } as Record<Name, Value>);
}
