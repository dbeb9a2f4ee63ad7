/**
 * The database's files are readable by the app's user only: the database, its -wal and -shm (SQLite creates those
 * with the database file's mode), and the email key beside it.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

export const IN_MEMORY = ':memory:';
export const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_DIRECTORY_MODE = 0o700;

/** Creates the database file (and its directory) private, or makes an existing one private, before SQLite opens it. */
export function prepareDatabaseFiles(path: string): void {
  if (path === IN_MEMORY) return;
  // The mode applies to directories this creates, not to one that exists (a mounted volume keeps its own).
  mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
  // An empty file is an empty database to SQLite; created here, it gets our mode rather than SQLite's 0644.
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, PRIVATE_FILE_MODE);
    } catch (error) {
      // -wal and -shm exist only while a connection is open, or after a crash.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
