/** The reference app's catalog, as the tests know it: the definition, the validated model and its names. */
import catalog from '../../src/quietcount.catalog.ts';
import type { EventName as EventNameOf, MemoryEventName as MemoryEventNameOf, TableEventName as TableEventNameOf } from 'quietcount';
import { validateCatalog } from 'quietcount';

export { catalog as referenceCatalog };
export const referenceModel = validateCatalog(catalog);
export const eventNames: readonly EventName[] = referenceModel.eventNames as EventName[];
export const usageEvents = catalog.events;
export type EventName = EventNameOf<typeof catalog>;
export type MemoryEventName = MemoryEventNameOf<typeof catalog>;
export type TableEventName = TableEventNameOf<typeof catalog>;
