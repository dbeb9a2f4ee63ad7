/**
 * The receiving side: counts handed over by other processes (node:cluster workers, or the PM2 instances that do not
 * serve /metrics) are added to this process's own series, which its metrics listener serves. What a sender handed
 * over stays when it dies or is replaced: sums never go backwards. Bounds are applied here, to the sum over
 * processes, as in one process; once an event name's bound is reached, each sender is told which ids have a series,
 * so that it makes the same choice itself from then on.
 */
import type { Guard } from '../guard.ts';
import type { HttpResponseCounter } from '../http.ts';
import type { UsageRecorder } from '../recorder.ts';
import { ACK, ADMITTED, isCountsMessage, SCRAPED, type CountsMessage, type ReceiverMessage } from './messages.ts';

export interface ReceiverTargets {
  readonly usage: UsageRecorder;
  readonly responses: HttpResponseCounter;
  readonly guard: Guard;
  /** Calls back once a scrape that begins after the call has been written in full (metrics-server.ts). */
  readonly afterNextScrape: (written: () => void) => void;
}

/** One sender, as the receiver keeps it: how to answer it, and which full event names it has been told of. */
export class Sender {
  private readonly targets: ReceiverTargets;
  private readonly reply: (message: ReceiverMessage) => void;
  private readonly told = new Set<string>();

  constructor(targets: ReceiverTargets, reply: (message: ReceiverMessage) => void) {
    this.targets = targets;
    this.reply = reply;
  }

  /** Adds a counts message and answers it; `false` (nothing added) when it is none. */
  receive(message: unknown): boolean {
    if (!isCountsMessage(message)) return false;
    this.merge(message);
    for (const eventName of this.targets.usage.fullEventNames()) {
      if (this.told.has(eventName)) continue;
      this.told.add(eventName);
      this.reply({ type: ADMITTED, eventName, eventIds: this.targets.usage.admittedIds(eventName) });
    }
    this.reply({ type: ACK, seq: message.seq });
    if (message.final) {
      const { seq } = message;
      this.targets.afterNextScrape(() => {
        this.reply({ type: SCRAPED, seq });
      });
    }
    return true;
  }

  private merge(message: CountsMessage): void {
    const { usage, responses, guard } = this.targets;
    for (const [eventName, eventId, count] of message.usage) usage.merge(eventName, eventId, count);
    for (const [endpoint, statusCode, count] of message.responses) responses.merge(endpoint, statusCode, count);
    for (const [reason, count] of message.rejections) if (Number.isSafeInteger(count) && count > 0) guard.count(reason, count);
  }
}
