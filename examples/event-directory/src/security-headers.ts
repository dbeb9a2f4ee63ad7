import type { RequestHandler } from 'express';

/**
 * On every response, before any handler runs, so 404s, errors and express's automatic OPTIONS and HEAD answers carry
 * it too: a browser must take the app's JSON for what its Content-Type says, never sniff it into HTML or a script.
 */
export const noSniff: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
};
