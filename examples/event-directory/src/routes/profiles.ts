import { Router, type Request } from 'express';
import { requireBearer } from '../auth.ts';
import type { ProfileRepository } from '../db/profiles.ts';
import { HttpError } from '../http-error.ts';
import { jsonBody } from '../json-body.ts';
import { parseConsent, parseEventId, parseProfileId, parseVisibility } from '../validation.ts';

/**
 * A profile's owner (holder of its edit token) shows or hides it and grants or withdraws consent. Real changes are
 * appended to visibility_changes / consent_changes, which the usage counters are derived from.
 */
export function profileRoutes(profiles: ProfileRepository): Router {
  const router = Router();

  const ownedProfile = (req: Request<{ eventId: string; profileId: string }>) => {
    const eventId = parseEventId(req.params.eventId);
    const profileId = parseProfileId(req.params.profileId);
    const editTokenHash = profiles.editTokenHash(eventId, profileId);
    if (editTokenHash === undefined) throw new HttpError(404, 'profile not found in this event');
    requireBearer(req, editTokenHash, 'edit token');
    return { eventId, profileId };
  };

  router.put('/api/events/:eventId/profiles/:profileId/visibility', jsonBody, (req, res) => {
    const { eventId, profileId } = ownedProfile(req);
    const visible = parseVisibility(req);
    const changed = profiles.setVisibility(eventId, profileId, visible);
    res.json({ visible, changed });
  });

  router.put('/api/events/:eventId/profiles/:profileId/consent', jsonBody, (req, res) => {
    const { eventId, profileId } = ownedProfile(req);
    const granted = parseConsent(req);
    const changed = profiles.setConsent(eventId, profileId, granted);
    res.json({ granted, changed });
  });

  return router;
}
