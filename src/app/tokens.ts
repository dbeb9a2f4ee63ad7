/**
 * Bearer tokens. Edit tokens are random, shown once to their owner, and stored only as a SHA-256 hash; every
 * comparison is made on hashes of equal length in constant time, so timing says nothing about a token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Longer tokens are refused before hashing: nobody's token is that long. */
const MAX_TOKEN_LENGTH = 512;

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function newEditToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function tokenMatches(token: string, expectedHash: Uint8Array): boolean {
  return timingSafeEqual(hashToken(token), expectedHash);
}

/** The token of an `Authorization: Bearer <token>` header, or undefined when there is none usable. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
  const token = match?.[1];
  return token !== undefined && token.length <= MAX_TOKEN_LENGTH ? token : undefined;
}
