/** aggregates.json: the document as built, keys in a fixed order, two-space indent, one trailing newline. */
import type { AggregatesDocument } from '../aggregates.ts';

export const AGGREGATES_JSON = 'aggregates.json';

export function renderJson(document: AggregatesDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
