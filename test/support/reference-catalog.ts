/** The reference app's catalog, as the tests know it: the definition, the validated model and its names. */
import catalog from '../../src/app/quietcount.catalog.ts';
import type { EventName as EventNameOf, MemoryEventName as MemoryEventNameOf, TableEventName as TableEventNameOf } from '../../src/catalog/define.ts';
import { validateCatalog } from '../../src/catalog/validate.ts';

export { catalog as referenceCatalog };
export const referenceModel = validateCatalog(catalog);
export const eventNames: readonly EventName[] = referenceModel.eventNames as EventName[];
export const usageEvents = catalog.events;
export type EventName = EventNameOf<typeof catalog>;
export type MemoryEventName = MemoryEventNameOf<typeof catalog>;
export type TableEventName = TableEventNameOf<typeof catalog>;
