/** What the generators read of an app's catalog beyond its fields. */
import type { CatalogModel } from 'quietcount';

/** The title of an event in dashboards and docs. */
export function displayName(catalog: CatalogModel, eventName: string): string {
  return catalog.events.get(eventName)?.displayName ?? eventName;
}

/** The events the drop-off alert watches. */
export function dropOffEvents(catalog: CatalogModel): string[] {
  return catalog.eventNames.filter((name) => catalog.events.get(name)?.dropOffAlert === true);
}
