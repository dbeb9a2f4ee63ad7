import type { Request } from 'express';
import { HttpError } from './http-error.ts';
import { bearerTokenOf, tokenMatches } from './tokens.ts';

/**
 * Passes when the request carries the token whose hash is `expectedHash`: 401 without a token, 403 with another.
 * `kind` names the token in the messages ("admin token", "edit token").
 */
export function requireBearer(req: Request, expectedHash: Uint8Array, kind: string): void {
  const token = bearerTokenOf(req.get('authorization'));
  if (token === undefined) throw new HttpError(401, `an Authorization: Bearer <${kind}> header is required`);
  if (!tokenMatches(token, expectedHash)) throw new HttpError(403, `wrong ${kind}`);
}
