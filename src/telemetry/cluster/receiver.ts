/**
 * The primary's side: counts handed over by workers are added to this process's own series, which the metrics
 * listener serves. What a worker handed over stays when it dies or is replaced: sums never go backwards. Bounds are
 * applied here, to the sum over workers, as in one process.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Guard } from '../guard.ts';
import type { HttpResponseCounter } from '../http.ts';
import type { UsageRecorder } from '../recorder.ts';
import { isCountsMessage } from './messages.ts';
import { announcePrimary, withdrawPrimary } from './role.ts';

export interface Receiver {
  stop(): void;
}

export interface ReceiverTargets {
  readonly usage: UsageRecorder;
  readonly responses: HttpResponseCounter;
  readonly guard: Guard;
}

/** One receiver per process: two would add every handover twice. */
let active: Receiver | undefined;

/**
 * Starts receiving, or returns `undefined` when another telemetry instance of this process already does, or when
 * this process is itself a cluster worker (it has no workers of its own to receive from).
 */
export function startReceiver(targets: ReceiverTargets): Receiver | undefined {
  if (active !== undefined || cluster.isWorker) return undefined;
  const onMessage = (_worker: Worker, message: unknown): void => {
    if (!isCountsMessage(message)) return;
    for (const [eventName, eventId, count] of message.usage) targets.usage.merge(eventName, eventId, count);
    for (const [endpoint, statusCode, count] of message.responses) targets.responses.merge(endpoint, statusCode, count);
    for (const [reason, count] of message.rejections) if (Number.isSafeInteger(count) && count > 0) targets.guard.count(reason, count);
  };
  cluster.on('message', onMessage);
  announcePrimary();
  const receiver: Receiver = {
    stop: () => {
      cluster.off('message', onMessage);
      withdrawPrimary();
      if (active === receiver) active = undefined;
    },
  };
  active = receiver;
  return receiver;
}
