/** TELEMETRY.md says which events the public aggregates page may show, under the catalog's threshold and rounding. */
import { describe, expect, it } from 'vitest';
import { validateCatalog } from 'quietcount';
import { renderTelemetryMd } from '../../src/generate/docs/telemetry-md.ts';

const entry = { source: 'table', description: 'Counted.', question: 'How often?', owner: 'team', added: '2026-01-01', expires: 'never' } as const;

const render = (catalog: unknown): string => renderTelemetryMd(validateCatalog(catalog), { catalogPath: 'quietcount.catalog.ts' });

describe('TELEMETRY.md', () => {
  it('names the published events and the rules they are published under', () => {
    const text = render({
      publication: { minCount: 20, rounding: 10 },
      events: { order_placed: { ...entry, publish: true }, cart_viewed: entry, review_written: { ...entry, publish: true } },
    });
    expect(text).toContain(
      [
        '## Published figures (`quietcount publish`)',
        '',
        'Only these events may appear on the public aggregates page: `order_placed`, `review_written`.',
        'It shows their totals per day, week or month, never an `event_id`, an endpoint or a rejection reason. A count',
        'from 1 to 19 is suppressed, and so is a total that would let a suppressed count be worked out;',
        'the other figures are rounded to the nearest multiple of 10.',
        '',
        '## Rejection reasons',
      ].join('\n'),
    );
    expect(render({ publication: { minCount: 5, rounding: 1 }, events: { order_placed: { ...entry, publish: true } } })).toContain('the other figures are exact.');
  });

  it('says so when nothing is published', () => {
    expect(render({ events: { order_placed: entry } })).toContain('No event is marked `publish: true`: `quietcount publish` has nothing of this app to show.');
  });
});
