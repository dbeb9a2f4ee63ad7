import { Router } from 'express';
import { requireBearer } from '../auth.ts';
import type { EventRepository } from '../db/events.ts';
import { HttpError } from '../http-error.ts';
import { jsonBody } from '../json-body.ts';
import { parseNewEvent } from '../validation.ts';

export function eventRoutes(events: EventRepository, adminTokenHash: Uint8Array | undefined): Router {
  const router = Router();

  router.post('/api/events', jsonBody, (req, res) => {
    if (adminTokenHash === undefined) {
      throw new HttpError(403, 'creating events is disabled: the server has no ADMIN_TOKEN (or ADMIN_TOKEN_FILE) set');
    }
    requireBearer(req, adminTokenHash, 'admin token');
    const { name } = parseNewEvent(req);
    res.status(201).json(events.create(name));
  });

  router.get('/api/events', (_req, res) => {
    res.json({ events: events.list() });
  });

  return router;
}
