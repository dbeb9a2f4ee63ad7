/**
 * One log line per request: method, route template, status, duration. Nothing else from the request: no URL (it
 * carries ids and search text), no query, body, headers, address or user agent.
 */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { UNMATCHED } from 'quietcount';
import { routeTemplateOf } from 'quietcount/express';

export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.once('close', () => {
      logger.info(
        {
          method: req.method,
          route: routeTemplateOf(req) ?? UNMATCHED,
          status: res.statusCode,
          durationMs: Math.round((performance.now() - started) * 100) / 100,
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        'request',
      );
    });
    next();
  };
}
