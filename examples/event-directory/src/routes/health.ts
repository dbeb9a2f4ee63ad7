import { Router } from 'express';

/** The app listens only once its database is open and its metrics listener is up, so any answer means ready. */
export function healthRoutes(): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  return router;
}
