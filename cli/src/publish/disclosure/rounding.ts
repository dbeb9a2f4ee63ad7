/**
 * Rounding of a published count: to the nearest multiple of the base, a half rounded up (base 5: 12 → 10, 13 → 15;
 * base 10: 15 → 20). Integer arithmetic only, so the same count gives the same figure on every machine. Base 1
 * publishes exact counts.
 */
export function roundToBase(count: number, base: number): number {
  return Math.floor((2 * count + base) / (2 * base)) * base;
}

/** Every count that rounds to `figure`: what a reader can tell from a rounded figure. */
export function countsRoundingTo(figure: number, base: number): { readonly low: number; readonly high: number } {
  return { low: Math.max(0, figure - Math.floor(base / 2)), high: figure + Math.ceil(base / 2) - 1 };
}
