/**
 * One event's row of counts (one per period, exact) → the figures that may be published: primary suppression,
 * then the total's complementary suppression, then rounding of what is left. The total is the exact sum of the
 * exact counts, rounded once.
 */
import { isBelowThreshold } from './primary.ts';
import { roundToBase } from './rounding.ts';
import { totalMayBePublished } from './total.ts';

export interface DisclosureRules {
  readonly minCount: number;
  readonly rounding: number;
}

export interface ProtectedRow {
  /** Per period, in order: the rounded count, or `null` where it is suppressed. */
  readonly cells: readonly (number | null)[];
  readonly total: number | null;
}

export function protectRow(counts: readonly number[], rules: DisclosureRules): ProtectedRow {
  const suppressed = counts.map((count) => isBelowThreshold(count, rules.minCount));
  const suppressedCounts = counts.filter((_, period) => suppressed[period] === true);
  const total = counts.reduce((sum, count) => sum + count, 0);
  return {
    cells: counts.map((count, period) => (suppressed[period] === true ? null : roundToBase(count, rules.rounding))),
    total: totalMayBePublished(suppressedCounts, rules.minCount) ? roundToBase(total, rules.rounding) : null,
  };
}
