import { DatabaseSync } from 'node:sqlite';
import { createEmailHasher, type EmailHasher } from '../email-hash.ts';
import { emailKeyFor } from './email-key.ts';
import { createEventRepository } from './events.ts';
import { IN_MEMORY, prepareDatabaseFiles } from './files.ts';
import { migrate } from './schema.ts';

/** Created on a fresh database, so a newcomer can sign up and browse at once. */
export const DEMO_EVENT_NAMES = ['Community Meetup', 'Privacy Engineering Day', 'Open Source Summit'] as const;

export interface OpenDatabase {
  readonly db: DatabaseSync;
  /** Hashes with the key this database's email hashes were made with. */
  readonly emails: EmailHasher;
}

/**
 * Opens (creating if needed, mode 0600) the database and its email key (EMAIL_KEY, or the key file beside it:
 * db/email-key.ts), migrates it, and adds the demo events on its first start.
 */
export function openDatabase(path: string, configuredEmailKey: string | undefined): OpenDatabase {
  prepareDatabaseFiles(path);
  const emails = createEmailHasher(emailKeyFor(path, configuredEmailKey));
  const db = new DatabaseSync(path);
  try {
    // secure_delete: a page freed by a delete is zeroed in the same transaction, so deleted personal data does not
    // linger in free pages; should the app stop between migration 2 and its VACUUM, the next checkpoint clears them.
    db.exec('PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA secure_delete = ON;');
    if (path !== IN_MEMORY) db.exec('PRAGMA journal_mode = WAL;');
    const fromVersion = migrate(db, emails);
    if (fromVersion === 0) {
      const events = createEventRepository(db);
      for (const name of DEMO_EVENT_NAMES) events.create(name);
    }
    return { db, emails };
  } catch (error) {
    db.close();
    throw error;
  }
}
