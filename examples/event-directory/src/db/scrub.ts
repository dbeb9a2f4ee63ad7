/**
 * After a migration that deleted personal data, its bytes leave the files: SQLite only marks freed pages free, and
 * the write-ahead log keeps old page images until a checkpoint. VACUUM rewrites the database from what is left,
 * and a TRUNCATE checkpoint copies that into the file and empties the log.
 */
import type { DatabaseSync } from 'node:sqlite';
import { integerColumn } from './rows.ts';

export function scrubFreedPages(db: DatabaseSync): void {
  // Outside any transaction: SQLite refuses VACUUM inside one.
  db.exec('VACUUM');
  const result = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get();
  // Busy means another connection holds the database open. The app expects to be its only user; stopping here says
  // so, rather than start with the old bytes still in the log.
  if (result !== undefined && integerColumn(result, 'busy') !== 0) {
    throw new Error('the write-ahead log could not be emptied after a migration: another process has the database open');
  }
}
