/**
 * Edit tokens: random, shown once to their owner, and stored only as a digest (common/bearer.ts compares them).
 */
import { randomBytes } from 'node:crypto';
import { tokenDigest } from '../common/bearer.ts';

export function newEditToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: tokenDigest(token) };
}
