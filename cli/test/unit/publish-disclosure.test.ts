/**
 * The disclosure rules one at a time, on the worked examples of docs/publish.md: rounding (a half up), primary
 * suppression (1 to minCount - 1; never 0), the total's complementary suppression, and a whole row.
 */
import { describe, expect, it } from 'vitest';
import { isBelowThreshold } from '../../src/publish/disclosure/primary.ts';
import { protectRow } from '../../src/publish/disclosure/protect.ts';
import { countsRoundingTo, roundToBase } from '../../src/publish/disclosure/rounding.ts';
import { totalMayBePublished } from '../../src/publish/disclosure/total.ts';

const DEFAULTS = { minCount: 10, rounding: 5 };

describe('rounding', () => {
  it.each([
    [0, 5, 0], [2, 5, 0], [3, 5, 5], [12, 5, 10], [13, 5, 15], [47, 5, 45], [48, 5, 50],
    [14, 10, 10], [15, 10, 20], [25, 10, 30], [7, 1, 7], [1_234_567, 5, 1_234_565],
  ])('%i to the nearest multiple of %i is %i', (count, base, figure) => {
    expect(roundToBase(count, base)).toBe(figure);
  });

  it('says which counts a figure stands for', () => {
    expect(countsRoundingTo(45, 5)).toEqual({ low: 43, high: 47 });
    expect(countsRoundingTo(0, 5)).toEqual({ low: 0, high: 2 });
    expect(countsRoundingTo(20, 10)).toEqual({ low: 15, high: 24 });
    expect(countsRoundingTo(7, 1)).toEqual({ low: 7, high: 7 });
    for (const base of [1, 2, 5, 10]) {
      for (const figure of [0, base, 9 * base]) {
        const { low, high } = countsRoundingTo(figure, base);
        for (let count = Math.max(0, low - base); count <= high + base; count += 1) {
          expect(roundToBase(count, base) === figure).toBe(count >= low && count <= high);
        }
      }
    }
  });
});

describe('primary suppression', () => {
  it('hides 1 to minCount - 1, and shows 0 and minCount', () => {
    expect([0, 1, 9, 10, 11].map((count) => isBelowThreshold(count, 10))).toEqual([false, true, true, false, false]);
  });
});

describe("the total's complementary suppression", () => {
  it('publishes the total beside no suppressed cell, and never beside exactly one', () => {
    expect(totalMayBePublished([], 10)).toBe(true);
    for (const count of [1, 5, 9]) expect(totalMayBePublished([count], 10)).toBe(false);
  });

  it('beside several, only when they add up to at least minCount and are not all 1 or all minCount - 1', () => {
    expect(totalMayBePublished([7, 3], 10)).toBe(true);
    expect(totalMayBePublished([7, 2], 10)).toBe(false);
    expect(totalMayBePublished([9, 9], 10)).toBe(false);
    expect(totalMayBePublished([9, 8], 10)).toBe(true);
    // Eleven cells: not 11 ones, nor 11 + 1 (a reader could then tell "all 1" from "one 2"); 13 is enough.
    expect(totalMayBePublished(Array<number>(11).fill(1), 10)).toBe(false);
    expect(totalMayBePublished([2, ...Array<number>(10).fill(1)], 10)).toBe(false);
    expect(totalMayBePublished([3, ...Array<number>(10).fill(1)], 10)).toBe(true);
  });
});

describe('a row of counts', () => {
  it('two small weeks that add up to 10: both suppressed, the total published (the worked example)', () => {
    expect(protectRow([43, 7, 3, 58], DEFAULTS)).toEqual({ cells: [45, null, null, 60], total: 110 });
  });

  it('two small weeks that add up to 9: the total suppressed too', () => {
    expect(protectRow([43, 7, 2, 58], DEFAULTS)).toEqual({ cells: [45, null, null, 60], total: null });
  });

  it('one small week: the total suppressed; a week without events is a 0', () => {
    expect(protectRow([1, 10, 13, 13, 0], DEFAULTS)).toEqual({ cells: [null, 10, 15, 15, 0], total: null });
  });

  it('the total is the exact sum rounded once, not the sum of rounded figures', () => {
    // 12 + 12 + 12 = 36 → 35, where the rounded figures add up to 30.
    expect(protectRow([12, 12, 12], DEFAULTS)).toEqual({ cells: [10, 10, 10], total: 35 });
  });

  it('publishes exact counts with rounding 1, under the same suppression', () => {
    expect(protectRow([12, 4, 0, 3], { minCount: 5, rounding: 1 })).toEqual({ cells: [12, null, 0, null], total: 19 });
  });
});
