/**
 * Flood: 1,000,000 distinct event ids (half valid but new, half hostile: emails) against the default bound, every
 * counter already full. The exported series must not grow, and neither may the heap as the flood goes on: heap is
 * read after GC at 10% and at 100% of the flood (run through `npm run bench`, which passes --expose-gc).
 */
import { filledTelemetry, SERIES_AT_BOUND } from './fill.ts';
import { fixed, table } from './support.ts';

const FLOOD = 1_000_000;
const gc = (globalThis as { gc?: () => void }).gc;
const heapMiB = (): number => {
  gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
const seriesIn = (text: string) => text.split('\n').filter((line) => line.startsWith('analytics_events_total{')).length;

const telemetry = filledTelemetry();
const flood = (from: number, to: number) => {
  for (let index = from; index < to; index += 1) {
    const id = index % 2 === 0 ? 1_000_000 + index : `attendee${String(index)}@example.com`;
    telemetry.record(index % 4 < 2 ? 'directory_page_view' : 'directory_search', id);
  }
};

const seriesBefore = seriesIn(await telemetry.metricsText());
const heapBefore = heapMiB();
const started = performance.now();
flood(0, FLOOD / 10);
const heapAtTenth = heapMiB();
flood(FLOOD / 10, FLOOD);
const seconds = (performance.now() - started) / 1000;
const heapAtEnd = heapMiB();
const seriesAfter = seriesIn(await telemetry.metricsText());
await telemetry.shutdown();

const lateGrowth = heapAtEnd - heapAtTenth;
process.stdout.write(
  [
    `## Flood: ${String(FLOOD)} distinct ids (half new valid ids past the bound, half emails)${gc === undefined ? ' (without --expose-gc: heap figures approximate)' : ''}`,
    '',
    'An app at its bound is sent ids it has never seen: valid ids past the bound (counted under `__other__`) and emails (refused). Goal: the series count and the heap stay where the bound puts them.',
    '',
    table(
      ['measure', 'value', 'goal'],
      [
        ['usage series exported before → after', `${String(seriesBefore)} → ${String(seriesAfter)}`, `≤ ${String(SERIES_AT_BOUND)} ${seriesAfter <= SERIES_AT_BOUND ? 'met' : 'MISSED'}`],
        ['heap after GC: start → 10% → 100% of flood (MiB)', `${fixed(heapBefore)} → ${fixed(heapAtTenth)} → ${fixed(heapAtEnd)}`, `no growth over the last 90%: ${fixed(lateGrowth, 2)} MiB ${lateGrowth < 1 ? 'met' : 'MISSED'}`],
        ['flood throughput (million ids/s)', fixed(FLOOD / seconds / 1e6, 2), ''],
      ],
    ),
    '',
  ].join('\n'),
);
