/**
 * The handover protocol between a process that hands its counts over and the one that serves /metrics, in one
 * process: a real sender (recorder + Handover) and a real receiver (recorder + Sender) joined by a channel that
 * delivers messages as the IPC channel and the instances' socket do, in order and asynchronously. Counts leave the
 * sender only once acknowledged, a closed channel keeps them for the next receiver, the receiver's bound holds for
 * the sum and every admitted id stays exact, and the sender's memory stays bounded.
 */
import { describe, expect, it } from 'vitest';
import { testModel } from '../../fixtures/catalog.ts';
import { OTHER } from '../../../src/schema/bounds.ts';
import { Handover } from '../../../src/telemetry/cluster/handover.ts';
import type { CountsMessage, ReceiverMessage } from '../../../src/telemetry/cluster/messages.ts';
import { Sender } from '../../../src/telemetry/cluster/receiver.ts';
import { createGuard, type Guard } from '../../../src/telemetry/guard.ts';
import { HttpResponseCounter } from '../../../src/telemetry/http.ts';
import { UsageRecorder, UNDECIDED_HEADROOM } from '../../../src/telemetry/recorder.ts';

const BOUND = 3;
const tick = () => new Promise((resolve) => setImmediate(resolve));

interface Side {
  readonly usage: UsageRecorder;
  readonly responses: HttpResponseCounter;
  readonly guard: Guard;
}

function side(handingOver?: { onBoundFilled: () => void }): Side {
  const guard = createGuard({ strict: false });
  const usage = new UsageRecorder({ catalog: testModel, guard, maxEventIds: BOUND, enabled: true, debugLog: undefined, ...(handingOver === undefined ? {} : { handingOver }) });
  return { usage, responses: new HttpResponseCounter(guard), guard };
}

/** The counts of a side, by event id (`__other__` included when it counted something). */
const viewsOf = (of: Side): Record<string, number> =>
  Object.fromEntries(of.usage.series().filter((series) => series.eventName === 'page_viewed').map((series) => [series.eventId, series.count]));

/** A receiver side, and a sender side joined to it by a channel that delivers each message on a later turn. */
function pair() {
  let requested = 0;
  const sending = side({ onBoundFilled: () => (requested += 1) });
  const receiving = side();
  const handover = new Handover({ ...sending, intervalMs: 60_000 });
  let scrapeWritten: (() => void)[] = [];
  /** The connection of the moment: what was under way on a closed one is never delivered. */
  let connection = { open: true };
  const sender = new Sender({ ...receiving, afterNextScrape: (written) => scrapeWritten.push(written) }, (message: ReceiverMessage) => {
    const on = connection;
    setImmediate(() => {
      if (on.open) handover.receive(message);
    });
  });
  const connect = () => {
    const on = { open: true };
    connection = on;
    handover.connect({
      send: (message: CountsMessage) => {
        setImmediate(() => {
          if (on.open) sender.receive(JSON.parse(JSON.stringify(message)));
        });
        return true;
      },
    });
  };
  connect();
  return {
    sending,
    receiving,
    handover,
    requested: () => requested,
    /** The channel closes with whatever is under way on it. */
    close: () => {
      connection.open = false;
      handover.disconnected();
    },
    reconnect: connect,
    scrapeWritten: () => {
      for (const written of scrapeWritten) written();
      scrapeWritten = [];
    },
  };
}

describe('handing counts over', () => {
  it('takes counts off the sender only once the receiver acknowledged them, keeping what was counted meanwhile', async () => {
    const { sending, receiving, handover } = pair();
    sending.usage.record('page_viewed', 1, 3);
    const delivered = handover.flush();
    sending.usage.record('page_viewed', 1, 2);
    expect(viewsOf(sending)).toEqual({ '1': 5 });
    expect(await delivered).toBe('delivered');
    expect(viewsOf(receiving)).toEqual({ '1': 3 });
    expect(viewsOf(sending)).toEqual({ '1': 2 });
    expect(await handover.flush()).toBe('delivered');
    expect(viewsOf(receiving)).toEqual({ '1': 5 });
    // Forgotten once all handed over: the sender holds only what it counted since.
    expect(viewsOf(sending)).toEqual({});
    handover.end();
  });

  it('keeps a message whose channel closed before its acknowledgement, and hands it to the next receiver once', async () => {
    const { sending, receiving, handover, close, reconnect } = pair();
    sending.usage.record('page_viewed', 1, 4);
    sending.responses.record('GET', '/pages/:pageId', 200);
    const delivered = handover.flush();
    close();
    expect(await delivered).toBe('failed');
    expect(viewsOf(sending)).toEqual({ '1': 4 });
    expect(viewsOf(receiving)).toEqual({});
    reconnect();
    expect(await handover.flush()).toBe('delivered');
    expect(viewsOf(receiving)).toEqual({ '1': 4 });
    expect(receiving.responses.series().map((series) => series.count)).toEqual([1]);
    expect(await handover.flush()).toBe('nothing');
    handover.end();
  });

  it('hands ids over early when the bound fills, and lands every increment of an admitted id on that id', async () => {
    const { sending, receiving, handover, requested } = pair();
    // More new ids than the bound, before any handover: none is sent to __other__ on a guess.
    for (let id = 1; id <= 8; id += 1) sending.usage.record('page_viewed', id, 2);
    expect(requested()).toBeGreaterThan(0);
    expect(viewsOf(sending)).not.toHaveProperty(OTHER);
    expect(await handover.flush()).toBe('delivered');
    expect(viewsOf(receiving)).toEqual({ '1': 2, '2': 2, '3': 2, [OTHER]: 10 });
    // Told which ids have a series: the sender decides as the receiver would, id by id.
    await tick();
    for (let id = 1; id <= 8; id += 1) sending.usage.record('page_viewed', id, 1);
    expect(await handover.flush()).toBe('delivered');
    expect(viewsOf(receiving)).toEqual({ '1': 3, '2': 3, '3': 3, [OTHER]: 15 });
    expect(receiving.guard.rejectionCounts().get('cardinality_overflow')).toBe(15);
    handover.end();
  });

  it('keeps at most four times the bound of undecided ids: past that, the last resort is __other__', () => {
    const { sending, handover } = pair();
    const held = BOUND * UNDECIDED_HEADROOM;
    for (let id = 1; id <= held + 5; id += 1) sending.usage.record('page_viewed', id);
    expect(sending.usage.memorySeries().filter((series) => series.eventId !== OTHER)).toHaveLength(held);
    expect(viewsOf(sending)[OTHER]).toBe(5);
    handover.end();
  });

  it('resolves a last handover once a scrape that began after it was written in full', async () => {
    const { sending, receiving, handover, scrapeWritten } = pair();
    sending.usage.record('page_viewed', 7, 2);
    let scraped: boolean | undefined;
    const last = handover.handOverLast().then((result) => (scraped = result));
    for (let turn = 0; turn < 5; turn += 1) await tick();
    expect(viewsOf(receiving)).toEqual({ '7': 2 });
    expect(scraped).toBeUndefined();
    scrapeWritten();
    await last;
    expect(scraped).toBe(true);
    handover.end();
  });
});
