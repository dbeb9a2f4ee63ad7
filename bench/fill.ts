/** A telemetry instance with every usage counter full at the default bound: the worst case a scrape meets. */
import { eventNames, usageEvents, type MemoryEventName, type TableEventName } from '../src/catalog.ts';
import { DEFAULT_MAX_EVENT_IDS } from '../src/telemetry/config.ts';
import { createTelemetry, type Telemetry } from '../src/telemetry/index.ts';

/** Usage series at the default bound: every event name holds its full set of ids plus `__other__`. */
export const SERIES_AT_BOUND = eventNames.length * (DEFAULT_MAX_EVENT_IDS + 1);

export function filledTelemetry(env: Record<string, string> = {}): Telemetry {
  const telemetry = createTelemetry({ env: { NODE_ENV: 'production', METRICS_PORT: '0', ...env } });
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
