/**
 * What a process that hands its counts over (a node:cluster worker, a PM2 instance that does not serve /metrics)
 * and the process that receives them (the primary, the serving instance) say to each other, over the IPC channel or
 * the instances' local socket. Plain arrays, so that a message at the default bound stays small; checked on arrival,
 * since only checked values may become labels.
 *
 * sender → receiver: `counts` (what was counted since the previous handover, numbered);
 * receiver → sender: `ack` (that message was added), `admitted` (the bound of an event name is reached: the ids
 * that have a series, every other one goes to `__other__`), `scraped` (a scrape that began after a `final` counts
 * message was added has been written in full: those counts are exported).
 */
import { rejectionReasonNames, type RejectionReason } from '../../schema/rejection-reasons.ts';

export const COUNTS = 'quietcount:counts';
export const ACK = 'quietcount:ack';
export const ADMITTED = 'quietcount:admitted';
export const SCRAPED = 'quietcount:scraped';

export interface CountsMessage {
  readonly type: typeof COUNTS;
  readonly seq: number;
  /** [event_name, event_id, count] */
  readonly usage: readonly (readonly [string, string, number])[];
  /** [endpoint, status_code, count] */
  readonly responses: readonly (readonly [string, number, number])[];
  /** [reason, count] */
  readonly rejections: readonly (readonly [RejectionReason, number])[];
  /** The sender is stopping: it waits for the `scraped` that says these counts were exported. */
  readonly final: boolean;
}

export interface AckMessage {
  readonly type: typeof ACK;
  readonly seq: number;
}

export interface AdmittedMessage {
  readonly type: typeof ADMITTED;
  readonly eventName: string;
  readonly eventIds: readonly string[];
}

export interface ScrapedMessage {
  readonly type: typeof SCRAPED;
  readonly seq: number;
}

export type ReceiverMessage = AckMessage | AdmittedMessage | ScrapedMessage;

const isTuple = (value: unknown, kinds: readonly ('string' | 'number')[]): boolean =>
  Array.isArray(value) && value.length === kinds.length && kinds.every((kind, index) => typeof value[index] === kind);

const fieldsOf = (message: unknown): Record<string, unknown> | undefined =>
  typeof message === 'object' && message !== null ? (message as Record<string, unknown>) : undefined;

/** A well-formed counts message (its values are checked again where they are merged). */
export function isCountsMessage(message: unknown): message is CountsMessage {
  const fields = fieldsOf(message);
  if (fields === undefined) return false;
  const { type, seq, usage, responses, rejections, final } = fields;
  return (
    type === COUNTS &&
    Number.isSafeInteger(seq) &&
    typeof final === 'boolean' &&
    Array.isArray(usage) &&
    usage.every((entry) => isTuple(entry, ['string', 'string', 'number'])) &&
    Array.isArray(responses) &&
    responses.every((entry) => isTuple(entry, ['string', 'number', 'number'])) &&
    Array.isArray(rejections) &&
    rejections.every((entry) => isTuple(entry, ['string', 'number']) && (rejectionReasonNames as readonly unknown[]).includes((entry as unknown[])[0]))
  );
}

/** A well-formed message of the receiver; anything else (an app's own IPC messages) is not ours. */
export function isReceiverMessage(message: unknown): message is ReceiverMessage {
  const fields = fieldsOf(message);
  if (fields === undefined) return false;
  if (fields.type === ACK || fields.type === SCRAPED) return Number.isSafeInteger(fields.seq);
  return (
    fields.type === ADMITTED &&
    typeof fields.eventName === 'string' &&
    Array.isArray(fields.eventIds) &&
    fields.eventIds.every((eventId) => typeof eventId === 'string')
  );
}
