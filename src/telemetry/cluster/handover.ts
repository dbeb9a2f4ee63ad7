/**
 * The sending side: a process that does not serve /metrics (a node:cluster worker, a PM2 instance while another one
 * serves) sends what it counted to the one that does, off the hot path (record() only adds to a series; the handover
 * reads the series on a timer, or at once when the bound fills).
 *
 * One message at a time, numbered; the receiver answers `ack` once it has added it, and only then are the counts
 * taken off this process's series (so a series holds what is not handed over yet, and a new receiver gets exactly
 * that). A message whose channel closes before its `ack` is kept and goes to the next receiver. What can be lost: a
 * process that dies loses what it counted since its last acknowledged handover; and should a receiver die after
 * adding a message but before its `ack` got out, those counts go to the next receiver too (a window of a few
 * microseconds of a process dying).
 */
import type { RejectionReason } from '../../schema/rejection-reasons.ts';
import type { ExportedSeries } from '../exposition/series.ts';
import type { Guard } from '../guard.ts';
import type { HttpResponseCounter } from '../http.ts';
import type { UsageRecorder } from '../recorder.ts';
import { ACK, ADMITTED, COUNTS, isReceiverMessage, type CountsMessage } from './messages.ts';

/** How a message reaches the receiver. */
export interface HandoverChannel {
  /** Sends one message; `false` when the channel cannot take it (it is closed). */
  send(message: CountsMessage): boolean;
}

export interface HandoverSources {
  readonly usage: UsageRecorder;
  readonly responses: HttpResponseCounter;
  readonly guard: Guard;
  readonly intervalMs: number;
}

/** What became of one handover: added by the receiver, nothing to send, or not delivered (kept for the next). */
export type Delivery = 'delivered' | 'nothing' | 'failed';

/** How long a stopping process waits for the receiver to take its last counts. */
export const LAST_HANDOVER_TIMEOUT_MS = 5_000;

/** Series per message at most: a message at a large bound stays a few megabytes; the rest follows at once. */
const MAX_ENTRIES = 50_000;

interface InFlight {
  readonly seq: number;
  /** Each series of the message and the count it carries, taken off the series when the receiver adds it. */
  readonly taken: readonly (readonly [ExportedSeries, number])[];
  readonly truncated: boolean;
  readonly settled: Promise<Delivery>;
  readonly settle: (delivery: Delivery) => void;
}

export class Handover {
  private readonly sources: HandoverSources;
  private readonly timer: NodeJS.Timeout;
  private channel: HandoverChannel | undefined;
  private seq = 0;
  private inFlight: InFlight | undefined;
  private earlyFlushPending = false;
  private readonly scrapedWaiters = new Map<number, (scraped: boolean) => void>();

  constructor(sources: HandoverSources) {
    this.sources = sources;
    this.timer = setInterval(() => void this.flush(), sources.intervalMs);
    // The handover must not keep a process alive that has nothing else to do.
    this.timer.unref();
  }

  /** A receiver is reachable through `channel` from now on. */
  connect(channel: HandoverChannel): void {
    this.channel = channel;
  }

  /**
   * The channel closed: the message in flight was not acknowledged (its counts stay here, for the next receiver),
   * and what the receiver said about its bounds is forgotten (a next one decides afresh).
   */
  disconnected(): void {
    this.channel = undefined;
    this.sources.usage.forgetAdmitted();
    const inFlight = this.inFlight;
    this.inFlight = undefined;
    inFlight?.settle('failed');
    for (const resolve of this.scrapedWaiters.values()) resolve(false);
    this.scrapedWaiters.clear();
  }

  /** A message from the receiver; `false` when it is none of ours (an app's own IPC message). */
  receive(message: unknown): boolean {
    if (!isReceiverMessage(message)) return false;
    if (message.type === ACK) this.acknowledged(message.seq);
    else if (message.type === ADMITTED) this.sources.usage.learnAdmitted(message.eventName, message.eventIds);
    else {
      this.scrapedWaiters.get(message.seq)?.(true);
      this.scrapedWaiters.delete(message.seq);
    }
    return true;
  }

  /** The bound filled with ids the receiver has not decided: hand them over now rather than at the next tick. */
  requestFlush(): void {
    if (this.earlyFlushPending) return;
    this.earlyFlushPending = true;
    setImmediate(() => {
      this.earlyFlushPending = false;
      void this.flush();
    });
  }

  /** Hands over what is not handed over yet, once the message in flight (if any) is settled. */
  async flush(): Promise<Delivery> {
    while (this.inFlight !== undefined) await this.inFlight.settled;
    return this.send(false).delivery;
  }

  /**
   * For a stopping process: hands everything over and resolves `true` once the receiver says a scrape that began
   * after it added them was written in full, or `false` when the channel closes first (the counts then stay here).
   */
  async handOverLast(): Promise<boolean> {
    while (this.inFlight !== undefined) await this.inFlight.settled;
    const { delivery, scraped } = this.send(true);
    if ((await delivery) !== 'delivered') return false;
    return scraped;
  }

  /** Stops the timer: this process hands nothing over any more (it stops, or serves /metrics itself). */
  end(): void {
    clearInterval(this.timer);
  }

  /** Stops the timer after a last handover, waiting at most `timeoutMs` for the receiver to take it. */
  async stop(timeoutMs: number): Promise<void> {
    this.end();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.flush(), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  private send(final: boolean): { delivery: Promise<Delivery>; scraped: Promise<boolean> } {
    const channel = this.channel;
    if (channel === undefined) return { delivery: Promise.resolve('failed'), scraped: Promise.resolve(false) };
    const taken: [ExportedSeries, number][] = [];
    const usage: [string, string, number][] = [];
    const responses: [string, number, number][] = [];
    const rejections: [RejectionReason, number][] = [];
    const take = (series: ExportedSeries): boolean => {
      if (series.count <= 0) return false;
      if (taken.length >= MAX_ENTRIES) return false;
      taken.push([series, series.count]);
      return true;
    };
    for (const series of this.sources.usage.memorySeries()) if (take(series)) usage.push([series.eventName, series.eventId, series.count]);
    for (const series of this.sources.responses.series()) {
      if (take(series)) responses.push([String(series.attributes.endpoint), Number(series.attributes.status_code), series.count]);
    }
    for (const series of this.sources.guard.series()) if (take(series)) rejections.push([series.attributes.reason as RejectionReason, series.count]);
    if (taken.length === 0 && !final) return { delivery: Promise.resolve('nothing'), scraped: Promise.resolve(false) };

    this.seq += 1;
    const seq = this.seq;
    let settle: (delivery: Delivery) => void = () => undefined;
    const settled = new Promise<Delivery>((resolve) => (settle = resolve));
    const scraped = final ? new Promise<boolean>((resolve) => this.scrapedWaiters.set(seq, resolve)) : Promise.resolve(false);
    this.inFlight = { seq, taken, truncated: taken.length >= MAX_ENTRIES, settled, settle };
    const message: CountsMessage = { type: COUNTS, seq, usage, responses, rejections, final };
    if (!channel.send(message)) {
      this.inFlight = undefined;
      this.scrapedWaiters.delete(seq);
      settle('failed');
      return { delivery: settled, scraped: Promise.resolve(false) };
    }
    return { delivery: settled, scraped };
  }

  private acknowledged(seq: number): void {
    const inFlight = this.inFlight;
    if (inFlight?.seq !== seq) return;
    // Taken off now, not when sent: what was counted meanwhile stays, and so does all of it should no ack come.
    for (const [series, count] of inFlight.taken) series.count -= count;
    this.inFlight = undefined;
    this.sources.usage.forgetEmpty();
    inFlight.settle('delivered');
    if (inFlight.truncated) void this.flush();
  }
}
