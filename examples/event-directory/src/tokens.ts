/**
 * The app's bearer tokens (the admin token, a profile's edit token): random, shown once to their owner, stored and
 * compared only as SHA-256 digests, in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `Authorization: Bearer <token>`; longer tokens than anyone's are refused before hashing. */
const BEARER_HEADER = /^Bearer +(\S{1,512}) *$/i;

export const tokenDigest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

export function newEditToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: tokenDigest(token) };
}

/** The token of an Authorization header, if it holds one. */
export const bearerTokenOf = (header: string | undefined): string | undefined => BEARER_HEADER.exec(header ?? '')?.[1];

/** Digests have one length whatever the token's, so the comparison's time says nothing about it. */
export const tokenMatches = (token: string, expectedDigest: Uint8Array): boolean => timingSafeEqual(tokenDigest(token), expectedDigest);
