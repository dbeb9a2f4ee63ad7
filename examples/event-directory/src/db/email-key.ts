/**
 * The key the emails are hashed with: EMAIL_KEY / EMAIL_KEY_FILE when set; otherwise a random key created on the
 * first start beside the database (`<database>.email-key`, mode 0600) and read on every later one; with an
 * in-memory database, a random key that lives as long as the process.
 *
 * A key is text, used as its UTF-8 bytes; the one created here is 32 random bytes in base64url. Lose it and every
 * stored hash is unmatchable: keep it with the database's backups (or, better, supply it as EMAIL_KEY_FILE).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { ConfigError } from 'quietcount';
import { IN_MEMORY, PRIVATE_FILE_MODE } from './files.ts';

/** 32 characters: as many bits as the hash, for a key made of random base64 or hex. */
export const MIN_EMAIL_KEY_LENGTH = 32;

export function emailKeyPath(databasePath: string): string {
  return `${databasePath}.email-key`;
}

export function emailKeyFor(databasePath: string, configured: string | undefined): Buffer {
  if (configured !== undefined) return Buffer.from(configured, 'utf8');
  if (databasePath === IN_MEMORY) return randomBytes(32);
  const path = emailKeyPath(databasePath);
  try {
    writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  } catch (error) {
    // Created on an earlier start: read below. Anything else (a read-only directory, say) stops the start.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(path, PRIVATE_FILE_MODE);
  const key = readFileSync(path, 'utf8').trim();
  if (key.length < MIN_EMAIL_KEY_LENGTH) {
    throw new ConfigError([
      `the email key file beside the database (DATABASE_PATH + .email-key) holds fewer than ${String(MIN_EMAIL_KEY_LENGTH)} characters`,
    ]);
  }
  return Buffer.from(key, 'utf8');
}
