/**
 * The shape of an Alertmanager webhook notification (payload version 4), checked field by field on parsed JSON: a
 * body of any other shape is refused with a message naming the field and the type it must have, never its value.
 */

export type AlertStatus = 'firing' | 'resolved';
export type LabelSet = Readonly<Record<string, string>>;

export interface WebhookAlert {
  readonly status: AlertStatus;
  readonly labels: LabelSet;
  readonly annotations: LabelSet;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly fingerprint?: string;
}

export interface Notification {
  readonly status: AlertStatus;
  readonly receiver: string;
  readonly groupLabels: LabelSet;
  readonly commonLabels: LabelSet;
  readonly commonAnnotations: LabelSet;
  readonly alerts: readonly WebhookAlert[];
  readonly truncatedAlerts?: number;
}

export type ParsedNotification = { readonly notification: Notification } | { readonly problem: string };

type Fields = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStatus = (value: unknown): value is AlertStatus => value === 'firing' || value === 'resolved';
const isLabelSet = (value: unknown): value is LabelSet => isObject(value) && Object.values(value).every((entry) => typeof entry === 'string');
const isOptional = (value: unknown, check: (value: unknown) => boolean): boolean => value === undefined || check(value);
const isCount = (value: unknown): boolean => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** What is wrong with one alert of `alerts`, or `undefined`. */
function alertProblem(alert: unknown): string | undefined {
  if (!isObject(alert)) return 'every alert must be an object';
  if (!isStatus(alert.status)) return 'every alert needs a status of "firing" or "resolved"';
  if (!isLabelSet(alert.labels)) return "every alert's labels must be an object of strings";
  if (!isLabelSet(alert.annotations)) return "every alert's annotations must be an object of strings";
  if (typeof alert.startsAt !== 'string' || typeof alert.endsAt !== 'string') return 'every alert needs startsAt and endsAt as strings';
  if (!isOptional(alert.fingerprint, (value) => typeof value === 'string')) return "an alert's fingerprint must be a string";
  if (!isOptional(alert.generatorURL, (value) => typeof value === 'string')) return "an alert's generatorURL must be a string";
  return undefined;
}

/** `body`, parsed JSON, as a notification, or the first thing wrong with it. */
export function parseNotification(body: unknown): ParsedNotification {
  const problem = (text: string): ParsedNotification => ({ problem: `not an Alertmanager webhook notification: ${text}` });
  if (!isObject(body)) return problem('the body must be a JSON object');
  if (typeof body.version !== 'string') return problem('version must be a string');
  if (!isStatus(body.status)) return problem('status must be "firing" or "resolved"');
  if (typeof body.receiver !== 'string') return problem('receiver must be a string');
  for (const field of ['groupLabels', 'commonLabels', 'commonAnnotations'] as const) {
    if (!isLabelSet(body[field])) return problem(`${field} must be an object of strings`);
  }
  for (const field of ['externalURL', 'groupKey'] as const) {
    if (!isOptional(body[field], (value) => typeof value === 'string')) return problem(`${field} must be a string`);
  }
  if (!isOptional(body.truncatedAlerts, isCount)) return problem('truncatedAlerts must be a whole number');
  if (!Array.isArray(body.alerts) || body.alerts.length === 0) return problem('alerts must be a list of at least one alert');
  for (const alert of body.alerts as unknown[]) {
    const wrong = alertProblem(alert);
    if (wrong !== undefined) return problem(wrong);
  }
  return { notification: body as unknown as Notification };
}
