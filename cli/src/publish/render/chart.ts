/**
 * One event's bar chart as inline SVG: a bar per published count, nothing for a 0, and where a count is suppressed a
 * hatched box with a dashed edge up to minCount - 1, marked "<minCount" when there is room: the count is somewhere
 * from 1 to minCount - 1, which is all the page says. Drawn from the published figures only; coordinates are written
 * with one decimal so the same figures give the same text.
 */
import type { PublishedEvent } from '../aggregates.ts';
import type { Period } from '../periods.ts';
import { escapeHtml, formatCount, periodLabel, shortPeriodLabel } from './text.ts';

const WIDTH = 720;
const HEIGHT = 240;
const MARGIN = { top: 16, right: 12, bottom: 36, left: 56 };
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;
/** Bars take this share of their slot; the rest is space between them. */
const BAR_SHARE = 0.7;
const MAX_AXIS_LABELS = 12;
/** A suppressed box never thinner than this, so it stays visible beside tall bars. */
const MIN_BOX_HEIGHT = 3;
/** The narrowest slot that has room for a "<10" over its box. */
const MIN_SLOT_FOR_MARK = 24;

const coordinate = (value: number): string => value.toFixed(1);

/** The smallest of 1, 2, 5 × 10^k that is at least `value`: the top of the axis. */
export function axisTop(value: number): number {
  if (value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((factor) => factor * magnitude >= value) ?? 10;
  return step * magnitude;
}

export interface ChartOptions {
  readonly period: Period;
  readonly minCount: number;
  /** Unique on the page: the SVG ids derive from it. */
  readonly id: string;
}

export function renderChart(event: PublishedEvent, options: ChartOptions): string {
  const { period, minCount, id } = options;
  const published = event.cells.flatMap(({ count }) => (count === null ? [] : [count]));
  const hasSuppressed = published.length < event.cells.length;
  const top = axisTop(Math.max(...published, hasSuppressed ? minCount : 0, 1));
  const y = (count: number): number => MARGIN.top + PLOT_HEIGHT - (count / top) * PLOT_HEIGHT;
  const slot = PLOT_WIDTH / event.cells.length;
  const barWidth = Math.max(1, slot * BAR_SHARE);
  const labelEvery = Math.ceil(event.cells.length / MAX_AXIS_LABELS);
  const hatch = `${id}-suppressed`;

  const marks = event.cells.map(({ period: day, count }, index) => {
    const x = MARGIN.left + index * slot + (slot - barWidth) / 2;
    const name = escapeHtml(periodLabel(period, day));
    if (count === null) {
      const height = Math.max(MIN_BOX_HEIGHT, MARGIN.top + PLOT_HEIGHT - y(minCount - 1));
      const boxTop = MARGIN.top + PLOT_HEIGHT - height;
      const box = `<rect class="suppressed" x="${coordinate(x)}" y="${coordinate(boxTop)}" width="${coordinate(barWidth)}" height="${coordinate(height)}" fill="url(#${hatch})"><title>${name}: suppressed (from 1 to ${formatCount(minCount - 1)})</title></rect>`;
      const mark = `<text class="suppressed-mark" x="${coordinate(x + barWidth / 2)}" y="${coordinate(boxTop - 4)}" text-anchor="middle">&lt;${formatCount(minCount)}</text>`;
      return slot >= MIN_SLOT_FOR_MARK ? `${box}${mark}` : box;
    }
    if (count === 0) return '';
    return `<rect class="bar" x="${coordinate(x)}" y="${coordinate(y(count))}" width="${coordinate(barWidth)}" height="${coordinate(MARGIN.top + PLOT_HEIGHT - y(count))}"><title>${name}: ${formatCount(count)}</title></rect>`;
  });
  const axisLabels = event.cells.map(({ period: day }, index) => {
    if (index % labelEvery !== 0) return '';
    const x = MARGIN.left + index * slot + slot / 2;
    return `<text class="axis-label" x="${coordinate(x)}" y="${coordinate(HEIGHT - MARGIN.bottom + 18)}" text-anchor="middle">${escapeHtml(shortPeriodLabel(period, day))}</text>`;
  });
  // A middle line only where it falls on a whole count.
  const gridLines = (top % 2 === 0 ? [0, top / 2, top] : [0, top]).map(
    (value) =>
      `<line class="grid" x1="${coordinate(MARGIN.left)}" x2="${coordinate(WIDTH - MARGIN.right)}" y1="${coordinate(y(value))}" y2="${coordinate(y(value))}"/>` +
      `<text class="axis-label" x="${coordinate(MARGIN.left - 8)}" y="${coordinate(y(value) + 4)}" text-anchor="end">${formatCount(value)}</text>`,
  );
  return [
    `<svg class="chart" viewBox="0 0 ${String(WIDTH)} ${String(HEIGHT)}" role="img" aria-labelledby="${id}-title">`,
    `<title id="${id}-title">${escapeHtml(event.title)}: count per ${period}</title>`,
    `<defs><pattern id="${hatch}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect class="hatch-ground" width="6" height="6"/><line class="hatch-line" x1="0" y1="0" x2="0" y2="6"/></pattern></defs>`,
    ...gridLines,
    ...marks.filter((mark) => mark !== ''),
    ...axisLabels.filter((label) => label !== ''),
    '</svg>',
  ].join('\n');
}
