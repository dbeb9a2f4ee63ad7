/**
 * The schema, as ordered migrations applied at open (`PRAGMA user_version` holds how many ran).
 *
 * signups, visibility_changes and consent_changes are append-only logs the usage counters are derived from, so the
 * counts stay monotonic and survive restarts. They hold no personal data and no profile id: an event id, the new
 * value and the day, enough for "how many per event per day" and nothing about who. They have no secondary index:
 * the counters read them by rowid range (db/usage-counts.ts), and an index on the value would lure the planner away.
 */
import type { DatabaseSync } from 'node:sqlite';

export const APPEND_ONLY_TABLES = ['signups', 'visibility_changes', 'consent_changes'] as const;

const appendOnlyTriggers = APPEND_ONLY_TABLES.flatMap((table) =>
  ['UPDATE', 'DELETE'].map(
    (operation) => `
    CREATE TRIGGER ${table}_no_${operation.toLowerCase()} BEFORE ${operation} ON ${table}
    BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;`,
  ),
).join('\n');

const migrations: readonly string[] = [
  `
  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
  ) STRICT;

  CREATE TABLE profiles (
    id TEXT PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events (id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    bio TEXT,
    edit_token_hash BLOB NOT NULL,
    visible INTEGER NOT NULL DEFAULT 0 CHECK (visible IN (0, 1)),
    consent INTEGER NOT NULL DEFAULT 0 CHECK (consent IN (0, 1)),
    created_at TEXT NOT NULL,
    UNIQUE (event_id, email)
  ) STRICT;
  CREATE INDEX profiles_directory ON profiles (event_id, visible, name COLLATE NOCASE);

  CREATE TABLE signups (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events (id),
    day TEXT NOT NULL
  ) STRICT;

  CREATE TABLE visibility_changes (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events (id),
    visible INTEGER NOT NULL CHECK (visible IN (0, 1)),
    day TEXT NOT NULL
  ) STRICT;

  CREATE TABLE consent_changes (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events (id),
    granted INTEGER NOT NULL CHECK (granted IN (0, 1)),
    day TEXT NOT NULL
  ) STRICT;
  ${appendOnlyTriggers}
  `,
];

/** Applies the pending migrations, each in its own transaction. Returns the version the database was at. */
export function migrate(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get();
  const from = Number(row?.user_version ?? 0);
  if (from > migrations.length) {
    throw new Error(`database schema version ${String(from)} is newer than this app (${String(migrations.length)})`);
  }
  migrations.slice(from).forEach((sql, index) => {
    inTransaction(db, () => {
      db.exec(sql);
      db.exec(`PRAGMA user_version = ${String(from + index + 1)}`);
    });
  });
  return from;
}

export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
