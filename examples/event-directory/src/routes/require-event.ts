import type { EventRepository } from '../db/events.ts';
import { HttpError } from '../http-error.ts';

export function requireEvent(events: EventRepository, eventId: number): void {
  if (!events.exists(eventId)) throw new HttpError(404, 'event not found');
}
