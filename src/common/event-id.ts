/**
 * What an event id may be: a UUID or a positive safe integer, and nothing else. The one definition, used by the
 * guard, the report's `--event-id`, the rule checks and the reference app's routes.
 */
const POSITIVE_INTEGER = /^[1-9][0-9]{0,15}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A positive safe integer written in canonical decimal (no sign, no leading zero), or `undefined`. */
export function positiveInteger(text: string): number | undefined {
  if (!POSITIVE_INTEGER.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** A UUID in its canonical lower-case form, or `undefined` (any case is accepted). */
export function canonicalUuid(text: string): string | undefined {
  return UUID.test(text) ? text.toLowerCase() : undefined;
}

/**
 * The canonical label value of an event id (a UUID in lower case, or a positive safe integer in decimal), or
 * `undefined` when the id is neither. Canonical forms keep `42`, `"42"` and an upper-case UUID on one series.
 */
export function canonicalEventId(eventId: unknown): string | undefined {
  if (typeof eventId === 'number') return Number.isSafeInteger(eventId) && eventId > 0 ? String(eventId) : undefined;
  if (typeof eventId !== 'string') return undefined;
  if (positiveInteger(eventId) !== undefined) return eventId;
  return canonicalUuid(eventId);
}
