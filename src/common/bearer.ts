/**
 * Bearer tokens: how one is read from an `Authorization` header and how it is compared. Used by the metrics
 * listener and by the reference app's admin and edit tokens.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Longer tokens are refused before hashing: nobody's token is that long. */
export const MAX_TOKEN_LENGTH = 512;

const BEARER = /^Bearer +(\S+) *$/i;

/** The token of an `Authorization: Bearer <token>` header, or `undefined` when there is none usable. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const token = BEARER.exec(authorization ?? '')?.[1];
  return token !== undefined && token.length <= MAX_TOKEN_LENGTH ? token : undefined;
}

/** The SHA-256 digest a token is stored and compared as. */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Constant-time: digests have equal lengths whatever the token's, so timing says nothing about it. */
export function tokenMatches(token: string, expectedDigest: Uint8Array): boolean {
  return timingSafeEqual(tokenDigest(token), expectedDigest);
}
