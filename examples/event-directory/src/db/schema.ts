/**
 * The schema, as ordered migrations applied at open (`PRAGMA user_version` holds how many ran).
 *
 * signups, visibility_changes and consent_changes are append-only logs the usage counters are derived from, so the
 * counts stay monotonic and survive restarts. They hold no personal data and no profile id: an event id, the new
 * value and the day, enough for "how many per event per day" and nothing about who. They have no secondary index:
 * the counters read them by rowid range (db/usage-counts.ts), and an index on the value would lure the planner away.
 *
 * Profiles keep no email: only its keyed hash (email-hash.ts), unique per event, so a second signup with the same
 * address is refused. Migration 2 converted the emails of databases created before.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { EmailHasher } from '../email-hash.ts';
import { ConfigError } from 'quietcount';
import { blobColumn, textColumn } from './rows.ts';
import { scrubFreedPages } from './scrub.ts';

export const APPEND_ONLY_TABLES = ['signups', 'visibility_changes', 'consent_changes'] as const;

const appendOnlyTriggers = APPEND_ONLY_TABLES.flatMap((table) =>
  ['UPDATE', 'DELETE'].map(
    (operation) => `
    CREATE TRIGGER ${table}_no_${operation.toLowerCase()} BEFORE ${operation} ON ${table}
    BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;`,
  ),
).join('\n');

interface Migration {
  /** Runs inside the migration's transaction. */
  readonly apply: (db: DatabaseSync, emails: EmailHasher) => void;
  /** It deletes personal data, whose bytes must then leave the file too (scrub.ts). */
  readonly removesPersonalData?: boolean;
}

const sql =
  (text: string): Migration['apply'] =>
  (db) => {
    db.exec(text);
  };

const migrations: readonly Migration[] = [
  // 1: the first schema. Kept as it ran: migration 2 converts what it created.
  {
    apply: sql(`
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
  `),
  },
  // 2: profiles.email → email_hash, the keyed hash of the normalised address, still unique per event.
  { apply: hashEmails, removesPersonalData: true },
];

/** SQLite cannot change a column in place: a new table, filled from the old one, then renamed over it. */
function hashEmails(db: DatabaseSync, emails: EmailHasher): void {
  db.exec(`
    CREATE TABLE profiles_hashed (
      id TEXT PRIMARY KEY,
      event_id INTEGER NOT NULL REFERENCES events (id),
      name TEXT NOT NULL,
      email_hash BLOB NOT NULL,
      bio TEXT,
      edit_token_hash BLOB NOT NULL,
      visible INTEGER NOT NULL DEFAULT 0 CHECK (visible IN (0, 1)),
      consent INTEGER NOT NULL DEFAULT 0 CHECK (consent IN (0, 1)),
      created_at TEXT NOT NULL,
      UNIQUE (event_id, email_hash)
    ) STRICT;
    CREATE TABLE email_key (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      fingerprint BLOB NOT NULL
    ) STRICT;`);
  // The emails were stored normalised and unique per event, so their hashes are too: a clash would fail the
  // transaction and leave the database as it was, never merge two profiles.
  const copy = db.prepare(`
    INSERT INTO profiles_hashed (id, event_id, name, email_hash, bio, edit_token_hash, visible, consent, created_at)
    VALUES (:id, :event_id, :name, :email_hash, :bio, :edit_token_hash, :visible, :consent, :created_at)`);
  const columns = 'id, event_id, name, email, bio, edit_token_hash, visible, consent, created_at';
  for (const row of db.prepare(`SELECT ${columns} FROM profiles`).iterate()) {
    const { email: _email, ...profile } = row;
    copy.run({ ...profile, email_hash: emails.hash(textColumn(row, 'email')) });
  }
  db.exec(`
    DROP TABLE profiles;
    ALTER TABLE profiles_hashed RENAME TO profiles;
    CREATE INDEX profiles_directory ON profiles (event_id, visible, name COLLATE NOCASE);`);
  db.prepare('INSERT INTO email_key (id, fingerprint) VALUES (1, ?)').run(emails.fingerprint);
}

/**
 * Applies the pending migrations, each in its own transaction, then checks that `emails` holds the key the stored
 * hashes were made with. Returns the version the database was at.
 */
export function migrate(db: DatabaseSync, emails: EmailHasher): number {
  const row = db.prepare('PRAGMA user_version').get();
  const from = Number(row?.user_version ?? 0);
  if (from > migrations.length) {
    throw new Error(`database schema version ${String(from)} is newer than this app (${String(migrations.length)})`);
  }
  const pending = migrations.slice(from);
  pending.forEach((migration, index) => {
    inTransaction(db, () => {
      migration.apply(db, emails);
      db.exec(`PRAGMA user_version = ${String(from + index + 1)}`);
    });
  });
  // A new database held nothing to scrub.
  if (from > 0 && pending.some((migration) => migration.removesPersonalData === true)) scrubFreedPages(db);
  checkEmailKey(db, emails);
  return from;
}

/**
 * Hashes made with another key never match: every address could sign up to every event again. So a database
 * refuses to start with any key but its own.
 */
function checkEmailKey(db: DatabaseSync, emails: EmailHasher): void {
  const row = db.prepare('SELECT fingerprint FROM email_key WHERE id = 1').get();
  if (row !== undefined && emails.fingerprint.equals(blobColumn(row, 'fingerprint'))) return;
  throw new ConfigError([
    'EMAIL_KEY (or EMAIL_KEY_FILE, or the key file beside the database) is not the key this database hashed its emails with',
  ]);
}

export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    // Some failures end the transaction themselves: on a full disk SQLite has already rolled back, and a ROLLBACK
    // then fails with "no transaction is active", an error that would hide the one that matters.
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
