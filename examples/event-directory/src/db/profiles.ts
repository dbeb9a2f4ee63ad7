import { randomUUID } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import type { EmailHasher } from '../email-hash.ts';
import { inTransaction } from './schema.ts';
import { blobColumn, optionalTextColumn, textColumn, today, type Row } from './rows.ts';

export interface NewProfile {
  readonly eventId: number;
  readonly name: string;
  /** Stored only as its keyed hash (email-hash.ts), unique per event. */
  readonly email: string;
  readonly bio: string | null;
  readonly editTokenHash: Uint8Array;
}

/** The only profile fields the directory ever returns. */
export interface PublicProfile {
  readonly name: string;
  readonly bio: string | null;
}

export interface DirectoryPage {
  readonly profiles: PublicProfile[];
  readonly hasMore: boolean;
}

export interface ProfileRepository {
  /** The new profile's id, or undefined when the email already signed up to that event. */
  create(profile: NewProfile): string | undefined;
  editTokenHash(eventId: number, profileId: string): Uint8Array | undefined;
  /** True when the value changed (and the change was logged); false when it already had that value. */
  setVisibility(eventId: number, profileId: string, visible: boolean): boolean;
  setConsent(eventId: number, profileId: string, granted: boolean): boolean;
  /** Visible profiles only. `page` starts at 1. */
  directory(eventId: number, page: number): DirectoryPage;
  /** Visible profiles whose name or bio contains `text`, ignoring ASCII case. */
  search(eventId: number, text: string, page: number): DirectoryPage;
}

export const PAGE_SIZE = 20;

export function createProfileRepository(db: DatabaseSync, emails: EmailHasher): ProfileRepository {
  const insertProfile = db.prepare(`
    INSERT INTO profiles (id, event_id, name, email_hash, bio, edit_token_hash, created_at)
    VALUES (:id, :eventId, :name, :emailHash, :bio, :editTokenHash, :createdAt)
    ON CONFLICT (event_id, email_hash) DO NOTHING
    RETURNING id`);
  const insertSignup = db.prepare('INSERT INTO signups (event_id, day) VALUES (?, ?)');
  const selectTokenHash = db.prepare('SELECT edit_token_hash FROM profiles WHERE id = ? AND event_id = ?');
  // One more row than a page, to tell whether a next page exists.
  const selectVisible = db.prepare(`
    SELECT name, bio FROM profiles
    WHERE event_id = :eventId AND visible = 1
    ORDER BY name COLLATE NOCASE, id LIMIT :limit OFFSET :offset`);
  const selectMatching = db.prepare(`
    SELECT name, bio FROM profiles
    WHERE event_id = :eventId AND visible = 1
      AND (name LIKE :pattern ESCAPE '\\' OR bio LIKE :pattern ESCAPE '\\')
    ORDER BY name COLLATE NOCASE, id LIMIT :limit OFFSET :offset`);

  const pageOf = (rows: Row[]): DirectoryPage => ({
    profiles: rows.slice(0, PAGE_SIZE).map((row) => ({ name: textColumn(row, 'name'), bio: optionalTextColumn(row, 'bio') })),
    hasMore: rows.length > PAGE_SIZE,
  });
  const window = (page: number) => ({ limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });

  return {
    create: (profile) =>
      inTransaction(db, () => {
        const id = randomUUID();
        const { email, ...stored } = profile;
        const inserted = insertProfile.get({
          ...stored,
          emailHash: emails.hash(email),
          id,
          createdAt: new Date().toISOString(),
        });
        if (inserted === undefined) return undefined;
        insertSignup.run(profile.eventId, today());
        return id;
      }),
    editTokenHash: (eventId, profileId) => {
      const row = selectTokenHash.get(profileId, eventId);
      return row === undefined ? undefined : blobColumn(row, 'edit_token_hash');
    },
    setVisibility: changeLogged(db, { column: 'visible', logTable: 'visibility_changes', logColumn: 'visible' }),
    setConsent: changeLogged(db, { column: 'consent', logTable: 'consent_changes', logColumn: 'granted' }),
    directory: (eventId, page) => pageOf(selectVisible.all({ eventId, ...window(page) })),
    search: (eventId, text, page) =>
      pageOf(selectMatching.all({ eventId, pattern: `%${escapeLike(text)}%`, ...window(page) })),
  };
}

interface LoggedFlag {
  readonly column: 'visible' | 'consent';
  readonly logTable: 'visibility_changes' | 'consent_changes';
  readonly logColumn: 'visible' | 'granted';
}

/** A setter of a profile flag that appends a row to its change log only when the value really changes. */
function changeLogged(db: DatabaseSync, flag: LoggedFlag) {
  const update = db.prepare(`
    UPDATE profiles SET ${flag.column} = :value
    WHERE id = :profileId AND event_id = :eventId AND ${flag.column} != :value`);
  const log = db.prepare(`INSERT INTO ${flag.logTable} (event_id, ${flag.logColumn}, day) VALUES (?, ?, ?)`);
  return (eventId: number, profileId: string, value: boolean): boolean =>
    inTransaction(db, () => {
      const { changes } = update.run({ value: Number(value), profileId, eventId });
      if (changes === 0) return false;
      log.run(eventId, Number(value), today());
      return true;
    });
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
