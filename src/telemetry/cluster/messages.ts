/**
 * What a cluster worker sends its primary over the IPC channel: the counts added since its previous handover, per
 * series. Plain arrays, so that a message at the default bound stays small; checked on arrival, since only checked
 * values may become labels.
 */
import { rejectionReasonNames, type RejectionReason } from '../../schema/rejection-reasons.ts';

export const MESSAGE_TYPE = 'quietcount:counts';

export interface CountsMessage {
  readonly type: typeof MESSAGE_TYPE;
  /** [event_name, event_id, count] */
  readonly usage: readonly (readonly [string, string, number])[];
  /** [endpoint, status_code, count] */
  readonly responses: readonly (readonly [string, number, number])[];
  /** [reason, count] */
  readonly rejections: readonly (readonly [RejectionReason, number])[];
}

const isTuple = (value: unknown, kinds: readonly ('string' | 'number')[]): boolean =>
  Array.isArray(value) && value.length === kinds.length && kinds.every((kind, index) => typeof value[index] === kind);

/** A well-formed message from a quietcount worker (its values are checked again where they are merged). */
export function isCountsMessage(message: unknown): message is CountsMessage {
  if (typeof message !== 'object' || message === null) return false;
  const { type, usage, responses, rejections } = message as Record<string, unknown>;
  return (
    type === MESSAGE_TYPE &&
    Array.isArray(usage) &&
    usage.every((entry) => isTuple(entry, ['string', 'string', 'number'])) &&
    Array.isArray(responses) &&
    responses.every((entry) => isTuple(entry, ['string', 'number', 'number'])) &&
    Array.isArray(rejections) &&
    rejections.every((entry) => isTuple(entry, ['string', 'number']) && (rejectionReasonNames as readonly unknown[]).includes((entry as unknown[])[0]))
  );
}
