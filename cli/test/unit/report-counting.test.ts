/**
 * The report's arithmetic without Prometheus, over many simulated histories: restarts, missed scrapes, ranges that
 * start in the middle of the data. The Prometheus round trip is covered by report.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventNames, testModel } from '../../../test/fixtures/catalog.ts';
import { DailyIncrements, type Series } from '../../src/report/daily-increments.ts';
import { parseIsoDay } from '../../src/days.ts';
import { renderReport, sortCounts } from '../../src/report/format.ts';
import { DAY_MS, MINUTE_MS, cellKey, simulateTraffic, type ScrapedSample, type Simulation } from '../../../test/support/simulated-traffic.ts';

const START_MS = Date.UTC(2026, 0, 10, 21, 0);
const DAYS = 3;

const simulation: fc.Arbitrary<Simulation> = fc.record({
  seed: fc.integer(),
  startMs: fc.constant(START_MS),
  endMs: fc.constant(START_MS + DAYS * DAY_MS),
  streams: fc.uniqueArray(
    fc
      .record({
        event: fc.constantFrom(...eventNames.map((eventName) => ({ eventName, source: testModel.events.get(eventName)?.source ?? 'memory' }))),
        eventId: fc.constantFrom('7', '42', '__other__', '5f0c1a2b-0000-4000-8000-000000000001'),
        chancePerMinute: fc.double({ min: 0.05, max: 0.9, noNaN: true }),
        burst: fc.integer({ min: 1, max: 4 }),
      })
      .map(({ event, ...stream }) => ({ ...event, ...stream })),
    { minLength: 1, maxLength: 3, selector: ({ eventName, eventId }) => `${eventName}|${eventId}` },
  ),
  instances: fc.uniqueArray(
    fc.record({
      instance: fc.constantFrom('a:1', 'b:1', 'c:1'),
      scrapeOffsetMs: fc.integer({ min: 0, max: MINUTE_MS - 1 }),
      restarts: fc.array(
        fc.record({
          atMs: fc.integer({ min: START_MS + 6 * 3_600_000, max: START_MS + DAYS * DAY_MS - 3_600_000 }),
          downMs: fc.integer({ min: 0, max: 10 * MINUTE_MS }),
        }),
        { maxLength: 2 },
      ),
      missedScrapes: fc.array(
        fc.integer({ min: START_MS, max: START_MS + DAYS * DAY_MS }).map((fromMs) => ({ fromMs, toMs: fromMs + 20 * MINUTE_MS })),
        { maxLength: 2 },
      ),
    }),
    { minLength: 1, maxLength: 2, selector: ({ instance }) => instance },
  ),
});

/** Samples grouped per series, in time order: the shape Prometheus answers with. */
function toSeries(samples: readonly ScrapedSample[]): Series[] {
  const bySeries = new Map<string, { labels: ScrapedSample['labels']; samples: { timestampMs: number; value: number }[] }>();
  for (const { labels, timestampMs, value } of samples) {
    const key = JSON.stringify(labels);
    const series = bySeries.get(key) ?? { labels: { __name__: 'analytics_events_total', ...labels }, samples: [] };
    series.samples.push({ timestampMs, value });
    bySeries.set(key, series);
  }
  return [...bySeries.values()];
}

describe('daily increments', () => {
  it('equal the events each day saw first, over restarts, missed scrapes and any first day with its day before', () => {
    fc.assert(
      fc.property(simulation, fc.integer({ min: 0, max: DAYS }), (sim, firstDayIndex) => {
        const traffic = simulateTraffic(sim);
        fc.pre(traffic.undetectableResets === 0 && traffic.unobserved === 0);
        const fromDay = Math.floor(START_MS / DAY_MS) * DAY_MS + firstDayIndex * DAY_MS;
        const increments = new DailyIncrements();
        for (const series of toSeries(traffic.samples.filter((s) => s.timestampMs < fromDay))) {
          increments.setBaseline(series);
        }
        // Fed a day at a time, as the report reads them.
        for (let day = fromDay; day < sim.endMs; day += DAY_MS) {
          for (const series of toSeries(traffic.samples.filter((s) => s.timestampMs >= day && s.timestampMs < day + DAY_MS))) {
            increments.add(series);
          }
        }
        const counted = new Map(increments.counts().map((c) => [cellKey(c.eventName, c.eventId, c.eventDate), c.count]));
        const fromDate = new Date(fromDay).toISOString().slice(0, 10);
        const expected = new Map([...traffic.expected].filter(([key]) => (key.split('|')[2] ?? '') >= fromDate));
        expect(counted).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });

  it('sum instances and ignore labels other than event_name and event_id', () => {
    const increments = new DailyIncrements();
    const at = (hour: number): number => Date.UTC(2026, 0, 1, hour);
    increments.add({ labels: { event_name: 'signup_completed', event_id: '1', instance: 'a' }, samples: [{ timestampMs: at(1), value: 2 }, { timestampMs: at(2), value: 5 }] });
    increments.add({ labels: { event_name: 'signup_completed', event_id: '1', instance: 'b' }, samples: [{ timestampMs: at(3), value: 4 }, { timestampMs: at(4), value: 1 }] });
    expect(increments.counts()).toEqual([{ eventName: 'signup_completed', eventId: '1', eventDate: '2026-01-01', count: 5 + 4 + 1 }]);
  });
});

describe('report days and rows', () => {
  it('accept only real calendar days', () => {
    expect(parseIsoDay('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    for (const text of ['2025-02-29', '2025-13-01', '2025-1-01', '20250101', '2025-01-01T00:00:00Z', '']) {
      expect(parseIsoDay(text)).toBeUndefined();
    }
  });

  it('sort integer ids numerically, then UUIDs, then __other__', () => {
    const ids = ['__other__', 'ffffffff-0000-4000-8000-000000000000', '100', '0b7e2a54-3c1f-4f7e-9a0d-2b5c6d7e8f90', '9'];
    const rows = ids.map((eventId) => ({ eventName: 'search_run', eventId, eventDate: '2026-01-01', count: 1 }));
    expect(sortCounts(rows).map((row) => row.eventId)).toEqual(['9', '100', '0b7e2a54-3c1f-4f7e-9a0d-2b5c6d7e8f90', 'ffffffff-0000-4000-8000-000000000000', '__other__']);
  });

  it('quote csv fields that need it (label values come from Prometheus, not only from us)', () => {
    const row = { eventName: 'search_run', eventId: 'a,"b"', eventDate: '2026-01-01', count: 3 };
    const { stdout } = renderReport([row], { format: 'csv', minCount: undefined, from: '2026-01-01', to: '2026-01-01' });
    expect(stdout).toBe('event_name,event_id,event_date,count\nsearch_run,"a,""b""",2026-01-01,3\n');
  });
});
