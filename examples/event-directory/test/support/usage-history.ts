/**
 * Past usage for a real Prometheus: a few hours of simulated scrapes of one instance, every catalog event name on one
 * event (a UUID id no live app uses), ending at a UTC midnight. Backfilled before Prometheus starts, with the recording
 * rules backfilled over it, it gives the midnight-aligned daily queries (1d steps) a value to read.
 */
import { eventNames, usageEvents } from './catalog.ts';
import { simulateTraffic, type SimulatedTraffic } from '../../../../test/support/simulated-traffic.ts';

export const HISTORY_EVENT_ID = '3f2b8c1e-7d4a-4e59-9b06-1c8d2e7f5a40';
export const HISTORY_INSTANCE = 'history.invalid:9464';

const HISTORY_HOURS = 3;

export function usageHistoryUntil(midnightMs: number): SimulatedTraffic {
  return simulateTraffic({
    seed: 20_240_601,
    startMs: midnightMs - HISTORY_HOURS * 3_600_000,
    endMs: midnightMs,
    streams: eventNames.map((eventName) => ({ eventName, source: usageEvents[eventName].source, eventId: HISTORY_EVENT_ID, chancePerMinute: 1, burst: 3 })),
    instances: [{ instance: HISTORY_INSTANCE, scrapeOffsetMs: 20_000, restarts: [], missedScrapes: [] }],
  });
}
