import { Router } from 'express';
import type { EventRepository } from '../db/events.ts';
import type { ProfileRepository } from '../db/profiles.ts';
import { HttpError } from '../http-error.ts';
import { jsonBody } from '../json-body.ts';
import { newEditToken } from '../tokens.ts';
import { parseEventId, parseSignup } from '../validation.ts';
import { requireEvent } from './require-event.ts';

/** Signups are counted from the append-only `signups` table, not here: see db/usage-counts.ts. */
export function signupRoutes(events: EventRepository, profiles: ProfileRepository): Router {
  const router = Router();

  router.post('/api/events/:eventId/signups', jsonBody, (req, res) => {
    const eventId = parseEventId(req.params.eventId);
    const signup = parseSignup(req);
    requireEvent(events, eventId);
    const editToken = newEditToken();
    const profileId = profiles.create({ eventId, ...signup, editTokenHash: editToken.hash });
    if (profileId === undefined) throw new HttpError(409, 'this email has already signed up to this event');
    // The edit token is shown once, here: keep it out of every cache.
    res.set('Cache-Control', 'no-store').status(201).json({ profileId, editToken: editToken.token });
  });

  return router;
}
