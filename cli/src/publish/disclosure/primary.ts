/**
 * Primary suppression: a count from 1 to minCount - 1 is never published, since a small number can point at a few
 * people. A 0 is published: that nothing happened reveals no one.
 */
export function isBelowThreshold(count: number, minCount: number): boolean {
  return count > 0 && count < minCount;
}
