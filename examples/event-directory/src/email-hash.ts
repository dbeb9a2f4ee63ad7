/**
 * Emails are kept only as a keyed hash: enough to refuse a second signup with the same address for one event, while
 * a stolen database yields no address. Keyed (HMAC-SHA256), so the hashes cannot be checked against a list of
 * addresses without the key, which lives apart from the database in production (EMAIL_KEY_FILE).
 */
import { createHmac } from 'node:crypto';

export interface EmailHasher {
  /** The hash of the normalised address: one address, however it was typed, has one hash. */
  hash(email: string): Buffer;
  /** Identifies the key without revealing it, so a database can refuse a key other than the one it was hashed with. */
  readonly fingerprint: Buffer;
}

/** Trimmed, Unicode NFC, lower-case: what the signup already validated, applied again to anything hashed. */
export function normaliseEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}

/** What the fingerprint is the HMAC of: no email address, which always has an `@`, can hash the same. */
const FINGERPRINT_LABEL = 'quietcount email key fingerprint';

export function createEmailHasher(key: Uint8Array): EmailHasher {
  const hmac = (text: string) => createHmac('sha256', key).update(text, 'utf8').digest();
  return { hash: (email) => hmac(normaliseEmail(email)), fingerprint: hmac(FINGERPRINT_LABEL) };
}
