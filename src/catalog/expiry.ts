/**
 * Expiry, as Glean has it: an entry past its date is no longer recorded (the app keeps running, the increments are
 * counted as `expired_event` rejections), and the CLI's `--check` fails so that the app's CI notices first.
 */
import { todayUtc } from './days.ts';
import type { CatalogModel } from './model.ts';

/** Events whose expiry day is before `today` (`YYYY-MM-DD`, UTC); an event is still valid on its expiry day. */
export function expiredEvents(catalog: CatalogModel, today: string = todayUtc()): string[] {
  return catalog.eventNames.filter((name) => {
    const expires = catalog.events.get(name)?.expires ?? 'never';
    return expires !== 'never' && expires < today;
  });
}
