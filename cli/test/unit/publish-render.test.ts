/**
 * From exact daily counts to the three files: per-period totals of the published events only, the fields and
 * columns the format promises, a page with its own stylesheet allowed by hash and nothing to fetch, catalog text
 * escaped, suppressed figures shown as such, and the same bytes for the same counts.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { validateCatalog } from 'quietcount';
import { parseIsoDay } from '../../src/days.ts';
import { buildPublication, type Publication } from '../../src/publish/aggregates.ts';
import { renderCsv } from '../../src/publish/render/csv.ts';
import { renderHtml } from '../../src/publish/render/html.ts';
import { renderJson } from '../../src/publish/render/json.ts';
import { PAGE_STYLE } from '../../src/publish/render/style.ts';

const stewardship = { owner: 'shop-team', added: '2026-01-01', expires: 'never', question: 'How many?' } as const;

const catalog = validateCatalog({
  app: 'shop',
  publication: { title: 'Shop <figures> & more' },
  events: {
    order_placed: { ...stewardship, source: 'table', description: 'An order was placed <b>once</b>.', displayName: 'Orders & returns', publish: true },
    cart_viewed: { ...stewardship, source: 'memory', description: 'A cart was shown.' },
    review_written: { ...stewardship, source: 'table', description: 'A review was written.', publish: true },
  },
});

const day = (text: string): number => parseIsoDay(text) ?? Number.NaN;

/** Four ISO weeks from Monday 2026-11-02: orders 43, 7, 3, 58 (the worked example), reviews 12, 0, 1, 30. */
const daily = new Map([
  ['order_placed', new Map([['2026-11-02', 40], ['2026-11-08', 3], ['2026-11-10', 7], ['2026-11-16', 1], ['2026-11-22', 2], ['2026-11-23', 58]])],
  ['cart_viewed', new Map([['2026-11-03', 4]])],
  ['review_written', new Map([['2026-11-05', 12], ['2026-11-18', 1], ['2026-11-29', 30]])],
]);

const publication = (): Publication =>
  buildPublication({ catalog, period: 'week', fromDay: day('2026-11-02'), toDay: day('2026-11-29'), daily, generatedFrom: 'the test counts' });

describe('the publication', () => {
  it('holds the published events only, per period, through disclosure control (aggregates.json)', () => {
    expect(JSON.parse(renderJson(publication().document))).toEqual({
      parameters: { minCount: 10, rounding: 5, from: '2026-11-02', to: '2026-11-29', period: 'week', generatedFrom: 'the test counts' },
      events: [
        {
          event_name: 'order_placed',
          title: 'Orders & returns',
          cells: [
            { period: '2026-11-02', count: 45 },
            { period: '2026-11-09', count: null },
            { period: '2026-11-16', count: null },
            { period: '2026-11-23', count: 60 },
          ],
          total: 110,
        },
        {
          event_name: 'review_written',
          title: 'review_written',
          cells: [
            { period: '2026-11-02', count: 10 },
            { period: '2026-11-09', count: 0 },
            { period: '2026-11-16', count: null },
            { period: '2026-11-23', count: 30 },
          ],
          total: null,
        },
      ],
    });
  });

  it('keeps the fields in the documented order, indented, with one trailing newline', () => {
    const json = renderJson(publication().document);
    expect(json.startsWith('{\n  "parameters": {\n    "minCount": 10,\n    "rounding": 5,\n    "from": "2026-11-02",')).toBe(true);
    expect(json).toContain('"generatedFrom": "the test counts"\n  },\n  "events": [');
    expect(json.endsWith('}\n')).toBe(true);
  });

  it('writes one CSV row per event and period, suppressed as an empty count and true', () => {
    expect(renderCsv(publication().document)).toBe(
      [
        'event_name,period,count,suppressed',
        'order_placed,2026-11-02,45,false',
        'order_placed,2026-11-09,,true',
        'order_placed,2026-11-16,,true',
        'order_placed,2026-11-23,60,false',
        'review_written,2026-11-02,10,false',
        'review_written,2026-11-09,0,false',
        'review_written,2026-11-16,,true',
        'review_written,2026-11-23,30,false',
        '',
      ].join('\n'),
    );
  });

  it('gives the same bytes for the same counts, and never mentions an event that is not published', () => {
    const first = publication();
    const second = publication();
    for (const render of [renderJson, renderCsv] as const) expect(render(second.document)).toBe(render(first.document));
    expect(renderHtml(second)).toBe(renderHtml(first));
    for (const text of [renderJson(first.document), renderCsv(first.document), renderHtml(first)]) expect(text).not.toContain('cart_viewed');
  });
});

describe('index.html', () => {
  const html = renderHtml(publication());
  const tableCells = (eventName: string): string[] => {
    const section = html.slice(html.indexOf(`<section class="event" aria-labelledby="event-${eventName}">`));
    const table = section.slice(section.indexOf('<tbody>'), section.indexOf('</tfoot>'));
    return [...table.matchAll(/<td class="count[^"]*">([^<]*)<\/td>/g)].map(([, text]) => text ?? '');
  };

  it('allows its own stylesheet by hash and nothing else: no script, no fetch, no address', () => {
    const hash = createHash('sha256').update(PAGE_STYLE).digest('base64');
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'">`,
    );
    expect(html).toContain(`<style>${PAGE_STYLE}</style>`);
    expect(html).not.toMatch(/<script|<img|<link|<iframe|<object|@import|url\((?!#)|\bsrc=|style="|https?:|\/\//i);
  });

  it('escapes the catalog text', () => {
    expect(html).toContain('<title>Shop &lt;figures&gt; &amp; more</title>');
    expect(html).toContain('<h2 id="event-order_placed">Orders &amp; returns</h2>');
    expect(html).toContain('An order was placed &lt;b&gt;once&lt;/b&gt;.');
    expect(html).not.toContain('<b>once</b>');
  });

  it('shows each table as published, suppressed figures as "suppressed", and the totals', () => {
    expect(tableCells('order_placed')).toEqual(['45', 'suppressed', 'suppressed', '60', '110']);
    expect(tableCells('review_written')).toEqual(['10', '0', 'suppressed', '30', 'suppressed']);
  });

  it('draws a bar per published count, a box per suppressed one, and nothing for a 0', () => {
    const chart = (eventName: string): string => {
      const start = html.indexOf(`<svg class="chart" viewBox="0 0 720 240" role="img" aria-labelledby="event-${eventName}-title">`);
      return html.slice(start, html.indexOf('</svg>', start));
    };
    expect([...chart('review_written').matchAll(/<rect class="bar"[^>]*><title>([^<]*)<\/title>/g)].map(([, title]) => title)).toEqual([
      '2026-11-02: 10',
      '2026-11-23: 30',
    ]);
    expect([...chart('review_written').matchAll(/<rect class="suppressed"[^>]*><title>([^<]*)<\/title>/g)].map(([, title]) => title)).toEqual([
      '2026-11-16: suppressed (from 1 to 9)',
    ]);
    expect([...chart('review_written').matchAll(/<text class="suppressed-mark"[^>]*>([^<]*)<\/text>/g)].map(([, mark]) => mark)).toEqual(['&lt;10']);
  });

  it('explains suppression and rounding with its own parameters, and that counts are of events, not of people', () => {
    expect(html).toContain('These are counts of events, not of people');
    expect(html).toContain('A count from 1 to 9 is never shown.');
    expect(html).toContain('45 stands for a count from 43 to 47');
    expect(html).toContain('<dt>Smallest count shown</dt><dd>10 (minCount)</dd>');
    expect(html).toContain('<dt>Rounded to</dt><dd>the nearest multiple of 5 (rounding)</dd>');
    expect(html).toContain('<dt>Figures from</dt><dd>the test counts</dd>');
  });
});
