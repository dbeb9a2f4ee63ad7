import { Router, type Response } from 'express';
import type { AppTelemetry } from '../telemetry.ts';
import type { EventRepository } from '../db/events.ts';
import type { DirectoryPage, ProfileRepository } from '../db/profiles.ts';
import { parseEventId, parsePage, parseSearchText } from '../validation.ts';
import { requireEvent } from './require-event.ts';

/** Only visible profiles, only their public fields. Counted after the request succeeded, never with its query. */
export function directoryRoutes(events: EventRepository, profiles: ProfileRepository, telemetry: AppTelemetry): Router {
  const router = Router();

  router.get('/api/events/:eventId/directory', (req, res) => {
    const eventId = parseEventId(req.params.eventId);
    const page = parsePage(req);
    requireEvent(events, eventId);
    sendPage(res, page, profiles.directory(eventId, page));
    telemetry.record('directory_page_view', eventId);
  });

  router.get('/api/events/:eventId/directory/search', (req, res) => {
    const eventId = parseEventId(req.params.eventId);
    const text = parseSearchText(req);
    const page = parsePage(req);
    requireEvent(events, eventId);
    sendPage(res, page, profiles.search(eventId, text, page));
    telemetry.record('directory_search', eventId);
  });

  return router;
}

function sendPage(res: Response, page: number, { profiles, hasMore }: DirectoryPage): void {
  res.json({ profiles, page, nextPage: hasMore ? page + 1 : null });
}
