/**
 * The worker's side: every `intervalMs`, the counts added since the previous handover are sent to the primary over
 * the IPC channel, off the hot path (record() only adds to a series; the handover reads the series on a timer).
 * A worker that crashes loses at most what it counted since its last handover; shutdown() hands the rest over.
 */
import type { RejectionReason } from '../../schema/rejection-reasons.ts';
import type { Guard } from '../guard.ts';
import type { HttpResponseCounter } from '../http.ts';
import type { UsageRecorder } from '../recorder.ts';
import { MESSAGE_TYPE, type CountsMessage } from './messages.ts';

export interface Handover {
  /** Sends what has not been handed over yet; resolves once the primary's channel took it (or it was closed). */
  flush(): Promise<void>;
  /** Stops the timer after a last flush. */
  stop(): Promise<void>;
}

export interface HandoverSources {
  readonly usage: UsageRecorder;
  readonly responses: HttpResponseCounter;
  readonly guard: Guard;
  readonly intervalMs: number;
  /** `process.send`; a test may pass another channel. */
  readonly send: (message: CountsMessage, callback: (error: Error | null) => void) => boolean;
}

export function startHandover(sources: HandoverSources): Handover {
  const rejectionsSent = new Map<RejectionReason, number>();
  let inFlight: Promise<void> | undefined;

  const flush = (): Promise<void> => {
    // One message at a time: a second one built now would hand the same counts over again.
    inFlight ??= send().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  const send = (): Promise<void> => {
    const usage = sources.usage.memorySeries().filter((series) => series.count > series.handedOver);
    const responses = sources.responses.series().filter((series) => series.count > series.handedOver);
    const rejections = [...sources.guard.rejectionCounts()].filter(([reason, count]) => count > (rejectionsSent.get(reason) ?? 0));
    if (usage.length === 0 && responses.length === 0 && rejections.length === 0) return Promise.resolve();
    // Taken now: what is counted while the message travels goes with the next one.
    const usageCounts = usage.map((series) => series.count);
    const responseCounts = responses.map((series) => series.count);
    const message: CountsMessage = {
      type: MESSAGE_TYPE,
      usage: usage.map((series, index) => [series.eventName, series.eventId, (usageCounts[index] ?? 0) - series.handedOver]),
      responses: responses.map((series, index) => [
        String(series.attributes.endpoint),
        Number(series.attributes.status_code),
        (responseCounts[index] ?? 0) - series.handedOver,
      ]),
      rejections: rejections.map(([reason, count]) => [reason, count - (rejectionsSent.get(reason) ?? 0)]),
    };
    return new Promise((resolve) => {
      const delivered = (error: Error | null): void => {
        // Not delivered (the primary is gone or the channel closed): kept, for a next attempt.
        if (error === null) {
          usage.forEach((series, index) => (series.handedOver = usageCounts[index] ?? series.handedOver));
          responses.forEach((series, index) => (series.handedOver = responseCounts[index] ?? series.handedOver));
          for (const [reason, count] of rejections) rejectionsSent.set(reason, count);
          sources.usage.forgetHandedOver();
        }
        resolve();
      };
      try {
        sources.send(message, delivered);
      } catch {
        resolve();
      }
    });
  };

  const timer = setInterval(() => void flush(), sources.intervalMs);
  // The handover must not keep a worker alive that has nothing else to do.
  timer.unref();
  return {
    flush,
    stop: async () => {
      clearInterval(timer);
      await flush();
    },
  };
}
