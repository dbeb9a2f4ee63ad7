/** A telemetry instance with every usage counter full at the default bound: the worst case a scrape meets. */
import { eventNames, referenceCatalog as catalog, usageEvents, type MemoryEventName, type TableEventName } from '../test/support/reference-catalog.ts';
import { DEFAULT_MAX_EVENT_IDS } from '../src/schema/bounds.ts';
import { createTelemetry, type Telemetry } from '../src/index.ts';

/** Usage series at the default bound: every event name holds its full set of ids plus `__other__`. */
export const SERIES_AT_BOUND = eventNames.length * (DEFAULT_MAX_EVENT_IDS + 1);

export function filledTelemetry(env: Record<string, string> = {}): Telemetry {
  const telemetry = createTelemetry({ catalog, env: { NODE_ENV: 'production', METRICS_PORT: '0', ...env } });
  const ids = Array.from({ length: DEFAULT_MAX_EVENT_IDS + 1 }, (_, index) => index + 1);
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
