/**
 * The plain-language note on the page: what the figures count, and what suppression and rounding do to them, with
 * the page's own threshold and rounding base in the sentences.
 */
import { countsRoundingTo } from '../disclosure/rounding.ts';
import type { Period } from '../periods.ts';
import { PERIOD_WORD, formatCount } from './text.ts';

export interface NoteParameters {
  readonly minCount: number;
  readonly rounding: number;
  readonly period: Period;
}

/** The note's paragraphs, as plain text. */
export function noteParagraphs({ minCount, rounding, period }: NoteParameters): string[] {
  const smallest = formatCount(minCount);
  const highestHidden = formatCount(minCount - 1);
  const example = 9 * rounding;
  const { low, high } = countsRoundingTo(example, rounding);
  return [
    'These are counts of events, not of people: one person can be behind several events, and nothing on this page ' +
      'tells who did what. Each figure is the total of one kind of event in one ' +
      `${PERIOD_WORD[period]}, in UTC. Nothing finer is published: no item, page, reason or other detail.`,
    `A count from 1 to ${highestHidden} is never shown. It is marked "suppressed", because a small number can point ` +
      'at a few people. A 0 is shown: it means that nothing happened.',
    'A total is shown only when no suppressed count can be worked out from it: never beside a single suppressed ' +
      `count (the total minus the other figures would give it away), and beside several only when together they ` +
      `add up to ${smallest} or more and can be shared between them in more than one way. Otherwise the total is ` +
      'suppressed too.',
    rounding === 1
      ? 'The figures shown are exact counts: they are not rounded.'
      : `Every figure shown is rounded to the nearest multiple of ${formatCount(rounding)} (a half rounds up): ` +
        `${formatCount(example)} stands for a count from ${formatCount(low)} to ${formatCount(high)}. Totals are ` +
        'added up from the exact counts and then rounded, so a total can differ from the sum of the figures above it.',
  ];
}
