/**
 * Calendar days as a catalog writes them (`added`, `expires`): `YYYY-MM-DD`, in UTC. Exported for tools that read
 * catalogs and reports by the same rule (quietcount-cli's `--from` and `--to`).
 */
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The midnight (UTC, epoch ms) of a `YYYY-MM-DD` day, or `undefined` when the text is not a real calendar day. */
export function parseIsoDay(text: string): number | undefined {
  if (!ISO_DAY.test(text)) return undefined;
  const dayStart = Date.parse(`${text}T00:00:00Z`);
  // Date.parse rolls 2025-02-30 over to March: a real day formats back to the text it came from.
  return Number.isNaN(dayStart) || formatIsoDay(dayStart) !== text ? undefined : dayStart;
}

/** The `YYYY-MM-DD` (UTC) of an instant in epoch ms. */
export function formatIsoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Today, `YYYY-MM-DD` in UTC. */
export function todayUtc(now: Date = new Date()): string {
  return formatIsoDay(now.getTime());
}
