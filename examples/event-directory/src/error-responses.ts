/**
 * Every failure becomes a JSON `{error}` with a message we wrote: the 404 of an unmatched route, the 4xx of bad input
 * (including express.json's parse, size and charset errors, whose own messages quote the input), a 503 when the disk
 * is full (named in the log once, not per request: disk-full.ts), and a 500 for anything else thrown, logged without
 * request data.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { diskFullCode, diskFullReporter } from './disk-full.ts';
import { HttpError } from './http-error.ts';
import { BODY_LIMIT } from './json-body.ts';
import { loggableError } from './logger.ts';

const clientErrorMessages: Readonly<Record<number, string>> = {
  400: 'malformed request',
  413: `the body is larger than ${BODY_LIMIT}`,
  415: 'unsupported Content-Type, charset or Content-Encoding: send JSON as UTF-8',
};

const bodyParserMessages: Readonly<Record<string, string>> = {
  'entity.parse.failed': 'the body is not valid JSON',
  'request.aborted': 'the request body was cut short',
  'request.size.invalid': 'the body length does not match Content-Length',
};

/** What no handler answered (quietcount counts it as "unmatched", even when express matched a route by its path). */
export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ error: 'not found' });
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  const reportDiskFull = diskFullReporter(logger);
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof HttpError) {
      if (error.status === 401) res.set('WWW-Authenticate', 'Bearer');
      res.status(error.status).json({ error: error.message });
      return;
    }
    const status = clientErrorStatus(error);
    if (status !== undefined) {
      res.status(status).json({ error: clientErrorMessage(error, status) });
      return;
    }
    const diskFull = diskFullCode(error);
    if (diskFull !== undefined) {
      reportDiskFull(diskFull);
      res.status(503).json({ error: 'the server is out of storage space: nothing was saved, try again later' });
      return;
    }
    logger.error({ error: loggableError(error) }, 'request failed');
    res.status(500).json({ error: 'internal error' });
  };
}

/** The 4xx status of an http-errors error (body-parser, router), if it is one. */
function clientErrorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function clientErrorMessage(error: unknown, status: number): string {
  const type = (error as { type?: unknown }).type;
  return (typeof type === 'string' ? bodyParserMessages[type] : undefined) ?? clientErrorMessages[status] ?? 'bad request';
}
