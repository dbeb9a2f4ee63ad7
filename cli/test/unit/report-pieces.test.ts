/**
 * The report reads in pieces: blocks of event ids, a day or part of a day at a time, no answer larger than the
 * limit. A tiny Prometheus API over real HTTP serves 301 ids × 2 instances × 4 days (one id a hundred times denser
 * than the others) and records every answer; with small pieces the counts must still be exact, in the report's order.
 * (Time and memory at the full default bound are measured by bench/report.ts, not here.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, formatIsoDay } from '../../src/days.ts';
import { collectDailyCounts, type PieceSize } from '../../src/report/collect.ts';
import type { DailyCount } from '../../src/report/daily-increments.ts';
import { sortCounts } from '../../src/report/order.ts';
import { startFakePrometheus, type FakePrometheus, type RecordedRequest, type StoredSeries } from './report-api-server.ts';

const FROM = Date.UTC(2026, 0, 10);
const DAYS = 3;
const SPARSE_IDS = 300;
const DENSE_ID = '1000';
const SPARSE_EVERY_MS = 300_000;
const DENSE_EVERY_MS = 3_000;
const PIECES: PieceSize = { samples: 20_000, maxBytes: 600_000, maxIds: 50 };

/** id × day → events the scrapes of that day saw, over both instances: the counts the report must find. */
const expected = new Map<string, number>();

function history(eventId: string, instance: number, everyMs: number): StoredSeries {
  const samples: [number, string][] = [];
  let value = 0;
  // From the day before the first day (the baseline) to the end of the last one; instance 1 restarts on the second day.
  for (let ms = FROM - DAY_MS + instance * 7_000; ms < FROM + DAYS * DAY_MS; ms += everyMs) {
    const events = (Math.floor(ms / everyMs) + Number(eventId) + instance) % 3;
    const restart = instance === 1 && ms >= FROM + DAY_MS + 13 * 3_600_000 && ms - everyMs < FROM + DAY_MS + 13 * 3_600_000;
    // A restart starts again from 0; these events are fewer than the count before it, so the drop is seen.
    value = restart ? events : value + events;
    samples.push([ms, String(value)]);
    if (ms >= FROM) {
      const key = `${eventId}|${formatIsoDay(Math.floor(ms / DAY_MS) * DAY_MS)}`;
      expected.set(key, (expected.get(key) ?? 0) + events);
    }
  }
  return { labels: { event_name: 'page_viewed', event_id: eventId, instance: `app-${instance}:9464` }, samples };
}

let server: FakePrometheus;
let counts: DailyCount[];

beforeAll(async () => {
  const ids = [...Array.from({ length: SPARSE_IDS }, (_, index) => String(index + 1)), DENSE_ID];
  const series = ids.flatMap((eventId) => [0, 1].map((instance) => history(eventId, instance, eventId === DENSE_ID ? DENSE_EVERY_MS : SPARSE_EVERY_MS)));
  for (const [key, count] of expected) if (count === 0) expected.delete(key);
  server = await startFakePrometheus({ series });
  counts = [];
  const collection = collectDailyCounts({
    connection: { prometheusUrl: new URL(server.url), auth: undefined, headers: [] },
    eventNames: [],
    eventIds: [],
    fromDay: FROM,
    toDay: FROM + (DAYS - 1) * DAY_MS,
    pieceSize: PIECES,
  });
  for await (const count of collection) counts.push(count);
});
afterAll(async () => {
  await server.close();
});

const samplesAnswers = () => server.requests.filter((request) => request.asked.kind === 'samples');

describe('reading in pieces', () => {
  it('counts exactly, in the report order', () => {
    expect(new Map(counts.map((count) => [`${count.eventId}|${count.eventDate}`, count.count]))).toEqual(expected);
    expect(counts).toEqual(sortCounts(counts));
  });

  it('asks for blocks of ids, each day apart, never more ids than the limit', () => {
    const answers = samplesAnswers();
    const idsPerQuery = answers.map((request) => request.asked.matchers.get('event_id')?.length ?? 0);
    expect(Math.max(...idsPerQuery)).toBeLessThanOrEqual(PIECES.maxIds);
    // 301 ids in blocks of at most 50, each read day by day: many more answers than days.
    expect(answers.length).toBeGreaterThanOrEqual(Math.ceil((SPARSE_IDS + 1) / PIECES.maxIds) * DAYS);
    expect(answers.every((request) => request.asked.rangeMs <= DAY_MS)).toBe(true);
  });

  it('an answer larger than the limit is given up, and the rest of its block read in shorter windows', () => {
    const answers = samplesAnswers();
    const idsOf = (request: RecordedRequest): string => request.asked.matchers.get('event_id')?.join('|') ?? '';
    const startOf = (request: RecordedRequest): number => request.asked.timeMs + 1 - request.asked.rangeMs;
    const tooLarge = answers.filter((request) => request.bytes > PIECES.maxBytes);
    // The dense id's block went over the limit, at a day's length and again at half of it.
    expect(tooLarge.length).toBeGreaterThan(0);
    for (const request of tooLarge) {
      const index = answers.indexOf(request);
      // Asked for again: the same ids, from the same time, in a window half as long.
      const again = answers
        .slice(index + 1)
        .find((later) => idsOf(later) === idsOf(request) && startOf(later) === startOf(request) && later.asked.rangeMs === request.asked.rangeMs / 2);
      expect(again).toBeDefined();
    }
    const dense = answers.filter((request) => request.asked.matchers.get('event_id')?.includes(DENSE_ID));
    const shortest = Math.min(...dense.map((request) => request.asked.rangeMs));
    expect(shortest).toBeLessThan(DAY_MS);
    const final = dense.filter((request) => request.asked.rangeMs === shortest);
    expect(Math.max(...final.map((request) => request.bytes))).toBeLessThanOrEqual(PIECES.maxBytes);
  });

  it('asks for the baseline (each series last value on the day before) once per block', () => {
    const baselines = server.requests.filter((request) => request.asked.kind === 'last');
    expect(baselines.every((request) => request.asked.timeMs === FROM - 1 && request.asked.rangeMs === DAY_MS)).toBe(true);
    const blocks = new Set(samplesAnswers().map((request) => request.asked.matchers.get('event_id')?.join('|')));
    expect(baselines.length).toBeGreaterThanOrEqual(blocks.size);
  });
});
