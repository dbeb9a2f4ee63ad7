/** A telemetry instance with every usage counter full at its bound: the worst case a scrape meets. */
import { eventNames, referenceCatalog as catalog, usageEvents, type MemoryEventName, type TableEventName } from '../examples/event-directory/test/support/catalog.ts';
import { DEFAULT_MAX_EVENT_IDS } from '../src/schema/bounds.ts';
import { createTelemetry, type Telemetry } from '../src/index.ts';

/** Usage series at a bound: every event name holds its full set of ids plus `__other__`. */
export const seriesAtBound = (maxEventIds: number): number => eventNames.length * (maxEventIds + 1);
export const SERIES_AT_BOUND = seriesAtBound(DEFAULT_MAX_EVENT_IDS);

/** `env` may set ANALYTICS_MAX_EVENT_IDS; one id more than the bound per event name fills `__other__` too. */
export function filledTelemetry(env: Record<string, string> = {}): Telemetry {
  const telemetry = createTelemetry({ catalog, env: { NODE_ENV: 'production', METRICS_PORT: '0', ...env } });
  const ids = Array.from({ length: telemetry.config.maxEventIds + 1 }, (_, index) => index + 1);
  for (const eventName of eventNames) {
    if (usageEvents[eventName].source === 'memory') {
      for (const id of ids) telemetry.record(eventName as MemoryEventName, id, 3);
    } else {
      const rows = ids.map((eventId) => ({ eventId, count: 3 }));
      telemetry.observeTable(eventName as TableEventName, () => rows);
    }
  }
  return telemetry;
}
