import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { migrate } from './schema.ts';
import { createEventRepository } from './events.ts';

/** Created on a fresh database, so a newcomer can sign up and browse at once. */
export const DEMO_EVENT_NAMES = ['Community Meetup', 'Privacy Engineering Day', 'Open Source Summit'] as const;

const IN_MEMORY = ':memory:';

/** Opens (creating if needed) the database, migrates it, and adds the demo events on its first start. */
export function openDatabase(path: string): DatabaseSync {
  if (path !== IN_MEMORY) mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  try {
    db.exec('PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
    if (path !== IN_MEMORY) db.exec('PRAGMA journal_mode = WAL;');
    const fromVersion = migrate(db);
    if (fromVersion === 0) {
      const events = createEventRepository(db);
      for (const name of DEMO_EVENT_NAMES) events.create(name);
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
