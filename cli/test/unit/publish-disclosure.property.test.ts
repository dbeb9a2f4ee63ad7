/**
 * Disclosure control tried on random tables (fast-check): whatever the counts, threshold and rounding base, no
 * suppressed count can be worked out exactly from what the page publishes.
 *
 * Two readers try. The first knows every published figure, the rounding rule, and what the page says of a
 * suppressed count (from 1 to minCount - 1); it bounds each suppressed count by interval arithmetic on the one sum
 * the page has (the total). The second also knows the whole algorithm: it tries every table that differs from the
 * real one in the suppressed counts only, runs the algorithm on it and keeps those that give the very same page. A
 * suppressed count is safe when each reader is left with at least two values for it. Both readers are written here,
 * apart from the code they test, and a test below shows the first one breaking a weaker rule.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { protectRow, type DisclosureRules, type ProtectedRow } from '../../src/publish/disclosure/protect.ts';
import { roundToBase } from '../../src/publish/disclosure/rounding.ts';

interface Bounds {
  readonly low: number;
  readonly high: number;
}

/** Every count a published figure can stand for: it rounds to the figure, and is 0 or at least minCount. */
function publishedCountBounds(figure: number, { minCount, rounding }: DisclosureRules): Bounds {
  const candidates: number[] = [];
  for (let count = Math.max(0, figure - rounding); count <= figure + rounding; count += 1) {
    if (roundToBase(count, rounding) === figure && (count === 0 || count >= minCount)) candidates.push(count);
  }
  return { low: Math.min(...candidates), high: Math.max(...candidates) };
}

/** Every sum a published total can stand for. */
function totalBounds(figure: number, rounding: number): Bounds {
  const candidates: number[] = [];
  for (let sum = Math.max(0, figure - rounding); sum <= figure + rounding; sum += 1) if (roundToBase(sum, rounding) === figure) candidates.push(sum);
  return { low: Math.min(...candidates), high: Math.max(...candidates) };
}

/**
 * The interval reader: for each suppressed cell, the lowest and highest count consistent with the published cells,
 * the published total (when there is one) and "suppressed means from 1 to minCount - 1". With one sum and a box for
 * every cell, these bounds are exact: every count between them fits some table.
 */
function intervalReader(page: ProtectedRow, rules: DisclosureRules): Map<number, Bounds> {
  const hidden: Bounds = { low: 1, high: rules.minCount - 1 };
  const boxes = page.cells.map((figure) => (figure === null ? hidden : publishedCountBounds(figure, rules)));
  const feasible = new Map<number, Bounds>();
  page.cells.forEach((figure, index) => {
    if (figure !== null) return;
    if (page.total === null) {
      feasible.set(index, hidden);
      return;
    }
    const sum = totalBounds(page.total, rules.rounding);
    const others = boxes.filter((_, other) => other !== index);
    const othersLow = others.reduce((total, box) => total + box.low, 0);
    const othersHigh = others.reduce((total, box) => total + box.high, 0);
    feasible.set(index, { low: Math.max(hidden.low, sum.low - othersHigh), high: Math.min(hidden.high, sum.high - othersLow) });
  });
  return feasible;
}

type Algorithm = (counts: readonly number[], rules: DisclosureRules) => ProtectedRow;

/**
 * The reader who knows the algorithm: every table that keeps the published cells' counts and gives the same page,
 * over suppressed counts from 0 to `limit`; for each suppressed cell, the counts it has in those tables.
 */
function algorithmReader(algorithm: Algorithm, counts: readonly number[], rules: DisclosureRules, limit: number): Map<number, Set<number>> {
  const page = algorithm(counts, rules);
  const hiddenCells = page.cells.flatMap((figure, index) => (figure === null ? [index] : []));
  const seen = new Map(hiddenCells.map((index) => [index, new Set<number>()]));
  const candidate = [...counts];
  const expected = JSON.stringify(page);
  const tryFrom = (position: number): void => {
    const index = hiddenCells[position];
    if (index === undefined) {
      if (JSON.stringify(algorithm(candidate, rules)) === expected) for (const cell of hiddenCells) seen.get(cell)?.add(candidate[cell] ?? -1);
      return;
    }
    for (let count = 0; count <= limit; count += 1) {
      candidate[index] = count;
      tryFrom(position + 1);
    }
  };
  tryFrom(0);
  return seen;
}

const rulesArbitrary = (maxMinCount: number): fc.Arbitrary<DisclosureRules> =>
  fc.integer({ min: 5, max: maxMinCount }).chain((minCount) => fc.record({ minCount: fc.constant(minCount), rounding: fc.integer({ min: 1, max: minCount }) }));

/**
 * Rows where small counts, zeros and the edges of the threshold are common: the small counts drawn mostly from the
 * ends of their range (1, 2, minCount - 2, minCount - 1), where a careless rule pins them.
 */
const rowArbitrary = (rules: DisclosureRules, maxPeriods: number): fc.Arbitrary<number[]> => {
  const { minCount } = rules;
  const count = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: minCount - 1 }) },
    { weight: 4, arbitrary: fc.constantFrom(1, 2, minCount - 2, minCount - 1) },
    { weight: 1, arbitrary: fc.constantFrom(0, minCount, minCount + 1) },
    { weight: 3, arbitrary: fc.integer({ min: minCount, max: 6 * minCount }) },
  );
  return fc.array(count, { minLength: 1, maxLength: maxPeriods });
};

const tableArbitrary = (maxMinCount: number, maxPeriods: number): fc.Arbitrary<{ rules: DisclosureRules; counts: number[] }> =>
  rulesArbitrary(maxMinCount).chain((rules) => fc.record({ rules: fc.constant(rules), counts: rowArbitrary(rules, maxPeriods) }));

describe('disclosure control on random tables', () => {
  it('publishes no count below the threshold, rounds what it publishes, and totals the exact counts once', () => {
    fc.assert(
      fc.property(tableArbitrary(20, 12), ({ rules, counts }) => {
        const page = protectRow(counts, rules);
        expect(page.cells).toHaveLength(counts.length);
        counts.forEach((count, index) => {
          const figure = page.cells[index];
          if (count > 0 && count < rules.minCount) expect(figure).toBeNull();
          else expect(figure).toBe(roundToBase(count, rules.rounding));
          if (figure !== null && figure !== undefined) expect(figure % rules.rounding).toBe(0);
        });
        const suppressed = page.cells.filter((figure) => figure === null).length;
        if (suppressed === 1) expect(page.total).toBeNull();
        if (page.total !== null) expect(page.total).toBe(roundToBase(counts.reduce((sum, count) => sum + count, 0), rules.rounding));
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves every suppressed count at least two values for a reader of the figures, and the suppressed sum never below the threshold', () => {
    fc.assert(
      fc.property(tableArbitrary(20, 12), ({ rules, counts }) => {
        const page = protectRow(counts, rules);
        for (const [index, bounds] of intervalReader(page, rules)) {
          // The reader is sound: the real count is one it allows.
          expect(counts[index]).toBeGreaterThanOrEqual(bounds.low);
          expect(counts[index]).toBeLessThanOrEqual(bounds.high);
          expect(bounds.high - bounds.low).toBeGreaterThanOrEqual(1);
        }
        const hidden = page.cells.flatMap((figure, index) => (figure === null ? [index] : []));
        if (page.total !== null && hidden.length > 0) {
          // What the total minus the published cells says of the suppressed ones together: it may be minCount or more.
          const sum = totalBounds(page.total, rules.rounding);
          const publishedLow = page.cells.reduce<number>((total, figure) => total + (figure === null ? 0 : publishedCountBounds(figure, rules).low), 0);
          expect(sum.high - publishedLow).toBeGreaterThanOrEqual(rules.minCount);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves every suppressed count at least two values for a reader who knows the algorithm and tries every table', () => {
    // Up to four suppressed cells (four hidden 1s beside a threshold of 5 is where the rule's margin matters), each
    // tried from 0 to minCount + 1: every table a search that size can reach, in about a second.
    const smallTables = tableArbitrary(7, 6).filter(({ rules, counts }) => counts.filter((count) => count > 0 && count < rules.minCount).length <= 4);
    fc.assert(
      fc.property(smallTables, ({ rules, counts }) => {
        for (const [index, values] of algorithmReader(protectRow, counts, rules, rules.minCount + 1)) {
          expect(values).toContain(counts[index]);
          expect(values.size).toBeGreaterThanOrEqual(2);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the readers find what a weaker rule gives away', () => {
  /** A common rule: beside one small count, suppress the smallest other count and publish the total. */
  function smallestOtherCell(counts: readonly number[], rules: DisclosureRules): ProtectedRow {
    const suppressed = counts.map((count) => count > 0 && count < rules.minCount);
    if (suppressed.filter(Boolean).length === 1) {
      const others = counts.map((count, index) => ({ count, index })).filter(({ count, index }) => suppressed[index] !== true && count > 0);
      const smallest = others.sort((a, b) => a.count - b.count || a.index - b.index)[0];
      if (smallest !== undefined) suppressed[smallest.index] = true;
    }
    return {
      cells: counts.map((count, index) => (suppressed[index] === true ? null : roundToBase(count, rules.rounding))),
      total: roundToBase(counts.reduce((sum, count) => sum + count, 0), rules.rounding),
    };
  }

  it('a hidden 1 beside a hidden 10 is worked out from the total of 35 (the worked example of docs/publish.md)', () => {
    const rules = { minCount: 10, rounding: 5 };
    const page = smallestOtherCell([1, 10, 13, 13], rules);
    expect(page).toEqual({ cells: [null, null, 15, 15], total: 35 });
    // A reader who knows which cell was below the threshold: both come out exactly.
    const hidden: Bounds = { low: 1, high: 9 };
    const complementary: Bounds = { low: 10, high: Number.POSITIVE_INFINITY };
    const sum = totalBounds(35, 5);
    const published = publishedCountBounds(15, rules);
    expect(sum).toEqual({ low: 33, high: 37 });
    expect(published).toEqual({ low: 13, high: 17 });
    expect(Math.min(hidden.high, sum.high - 2 * published.low - complementary.low)).toBe(1);
    // The same counts under quietcount's rule: the total goes, and the hidden count keeps nine values.
    const safe = protectRow([1, 10, 13, 13], rules);
    expect(safe).toEqual({ cells: [null, 10, 15, 15], total: null });
    expect(intervalReader(safe, rules).get(0)).toEqual({ low: 1, high: 9 });
  });

  it('the interval reader pins both hidden counts of a rule that publishes the total beside any two', () => {
    const rules = { minCount: 10, rounding: 5 };
    const counts = [1, 1, 10, 10];
    const page: ProtectedRow = { cells: [null, null, 10, 10], total: roundToBase(22, 5) };
    expect(intervalReader(page, rules)).toEqual(new Map([[0, { low: 1, high: 1 }], [1, { low: 1, high: 1 }]]));
    // quietcount's rule suppresses that total: two hidden counts adding up to 2 are below the threshold together.
    expect(protectRow(counts, rules).total).toBeNull();
  });

  it('the reader who knows the algorithm pins two hidden 1s beside an exact total', () => {
    const rules = { minCount: 5, rounding: 1 };
    // A rule that publishes the total whenever at least two counts are suppressed.
    const besideTwo: Algorithm = (counts, { minCount }) => {
      const cells = counts.map((count) => (count > 0 && count < minCount ? null : count));
      return { cells, total: cells.filter((cell) => cell === null).length === 1 ? null : counts.reduce((sum, count) => sum + count, 0) };
    };
    expect(algorithmReader(besideTwo, [1, 1, 20], rules, 10)).toEqual(new Map([[0, new Set([1])], [1, new Set([1])]]));
    // quietcount's rule suppresses that total: the two could be any of 1 to 3 adding up to at most 4, or both 4.
    expect(algorithmReader(protectRow, [1, 1, 20], rules, 10)).toEqual(new Map([[0, new Set([1, 2, 3, 4])], [1, new Set([1, 2, 3, 4])]]));
  });
});
