/** The reference app's telemetry: quietcount with the app's own catalog, as any adopting app would have it. */
import type { TelemetryOf } from 'quietcount';
import catalog from './quietcount.catalog.ts';

export { catalog };
export type AppTelemetry = TelemetryOf<typeof catalog>;
