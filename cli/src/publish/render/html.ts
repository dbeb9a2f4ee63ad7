/**
 * index.html: one self-contained page. Inline CSS (allowed by its hash) and inline SVG, no script, and a
 * Content-Security-Policy that forbids every fetch, so the page works offline and no reader's visit is reported to
 * anyone. Per event a chart and the table behind it; the note on what the figures mean; the parameters.
 */
import { createHash } from 'node:crypto';
import type { Publication, PublishedEvent } from '../aggregates.ts';
import type { Period } from '../periods.ts';
import { AGGREGATES_CSV } from './csv.ts';
import { renderChart } from './chart.ts';
import { AGGREGATES_JSON } from './json.ts';
import { noteParagraphs } from './note.ts';
import { PAGE_STYLE } from './style.ts';
import { PERIOD_HEADING, PERIOD_WORD, escapeHtml, formatCount, periodLabel } from './text.ts';

export const INDEX_HTML = 'index.html';

const SUPPRESSED = 'suppressed';

/** Nothing may be fetched: no script, image, font, frame or connection; only the page's own stylesheet applies. */
export function contentSecurityPolicy(style: string): string {
  const styleHash = createHash('sha256').update(style).digest('base64');
  return `default-src 'none'; style-src 'sha256-${styleHash}'; base-uri 'none'; form-action 'none'`;
}

export function renderHtml(publication: Publication): string {
  const { document, title } = publication;
  const { parameters } = document;
  const { period, minCount } = parameters;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(PAGE_STYLE)}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${PAGE_STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="range">Counts per ${PERIOD_WORD[period]} from ${parameters.from} to ${parameters.to}, in UTC.</p>`,
    '<section class="note" aria-labelledby="how-to-read">',
    '<h2 id="how-to-read">How to read these figures</h2>',
    ...noteParagraphs(parameters).map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    '</section>',
    ...document.events.map((event) => eventSection(event, publication.descriptions.get(event.event_name) ?? '', period, minCount)),
    '<section class="parameters" aria-labelledby="parameters">',
    '<h2 id="parameters">Parameters</h2>',
    '<dl>',
    `<dt>Period</dt><dd>${escapeHtml(PERIOD_WORD[period])}</dd>`,
    `<dt>From</dt><dd>${parameters.from}</dd>`,
    `<dt>To</dt><dd>${parameters.to}</dd>`,
    `<dt>Smallest count shown</dt><dd>${formatCount(minCount)} (minCount)</dd>`,
    `<dt>Rounded to</dt><dd>${parameters.rounding === 1 ? 'not rounded' : `the nearest multiple of ${formatCount(parameters.rounding)}`} (rounding)</dd>`,
    `<dt>Figures from</dt><dd>${escapeHtml(parameters.generatedFrom)}</dd>`,
    '</dl>',
    `<p>The same figures as data: <a href="${AGGREGATES_JSON}">${AGGREGATES_JSON}</a> and <a href="${AGGREGATES_CSV}">${AGGREGATES_CSV}</a>.</p>`,
    '</section>',
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function eventSection(event: PublishedEvent, description: string, period: Period, minCount: number): string {
  const id = `event-${event.event_name}`;
  const hasSuppressed = event.cells.some(({ count }) => count === null);
  const key = (className: string, fill: string, text: string): string =>
    `<svg class="key" viewBox="0 0 14 14" aria-hidden="true"><rect class="${className}" width="14" height="14"${fill}/></svg>${text}`;
  const rows = event.cells.map(
    ({ period: day, count }) => `<tr><th scope="row">${escapeHtml(periodLabel(period, day))}</th>${countCell(count)}</tr>`,
  );
  return [
    `<section class="event" aria-labelledby="${id}">`,
    `<h2 id="${id}">${escapeHtml(event.title)}</h2>`,
    // The event name beside its title, when the catalog gives the event a title of its own.
    `<p class="description">${escapeHtml(description)}${event.title === event.event_name ? '' : ` <code>${escapeHtml(event.event_name)}</code>`}</p>`,
    '<figure>',
    renderChart(event, { period, minCount, id }),
    `<figcaption>${key('bar', '', 'count, rounded')}${hasSuppressed ? key('suppressed', ` fill="url(#${id}-suppressed)"`, `suppressed: from 1 to ${formatCount(minCount - 1)}`) : ''}</figcaption>`,
    '</figure>',
    '<table>',
    `<thead><tr><th scope="col">${PERIOD_HEADING[period]}</th><th scope="col">Count</th></tr></thead>`,
    '<tbody>',
    ...rows,
    '</tbody>',
    `<tfoot><tr><th scope="row">Total</th>${countCell(event.total)}</tr></tfoot>`,
    '</table>',
    '</section>',
  ].join('\n');
}

function countCell(count: number | null): string {
  return count === null ? `<td class="count suppressed">${SUPPRESSED}</td>` : `<td class="count">${formatCount(count)}</td>`;
}
