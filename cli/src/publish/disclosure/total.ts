/**
 * Complementary suppression, by the total: whether a row's total may be published beside its suppressed cells.
 *
 * A published total lets a reader work out the sum of the suppressed cells (the total minus the published cells,
 * to within the rounding). So the total is published only when that sum is itself fit to publish and says nothing
 * exact about any one cell:
 * - no suppressed cell: the total is published;
 * - one suppressed cell: never, or the total minus the others would be that cell;
 * - two or more cells (k of them), adding up to S: only when S >= max(minCount, k + 2) and S < k * (minCount - 1).
 *   S >= minCount: the sum a reader can work out is not a small count either. S > k and S < k * (minCount - 1): not
 *   every cell is 1 and not every cell is minCount - 1, so one cell can be one more and another one less with the
 *   same sum, and no cell is pinned. S >= k + 2 rather than k + 1: a suppressed total then tells a reader only that
 *   S <= max(minCount - 1, k + 1), or that every cell is minCount - 1, which leaves each cell 1 and 2 at least,
 *   rather than "all of them are 1, or all are minCount - 1".
 *
 * Why never a further cell instead: a cell chosen for its count (say, the smallest other one) tells a reader
 * something about that count, and a further cell, however chosen, can leave a hidden count pinned when the counts sit
 * at the edges of what the rounding allows (docs/publish.md works through one: a hidden 1 beside a hidden 10 under a
 * total of 35). The property tests try random tables against both kinds of reader.
 *
 * The decision reads only the suppressed counts (never the published ones), so a reader who knows this rule and the
 * published figures learns nothing more from it than the bounds above.
 */
export function totalMayBePublished(suppressedCounts: readonly number[], minCount: number): boolean {
  const cells = suppressedCounts.length;
  if (cells === 0) return true;
  if (cells === 1) return false;
  const sum = suppressedCounts.reduce((total, count) => total + count, 0);
  return sum >= Math.max(minCount, cells + 2) && sum < cells * (minCount - 1);
}
