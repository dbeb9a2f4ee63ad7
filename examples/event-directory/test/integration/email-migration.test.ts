/**
 * A database written by the app before emails were hashed (schema version 1, with plain emails in the database and
 * in a write-ahead log left by a crash) is migrated by `node src/main.ts` as a real process: duplicate signups
 * are still refused, and no email is left in the bytes of the database, its -wal or its -shm, each of mode 0600.
 */
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { expect, it } from 'vitest';
import { emailKeyPath } from '../../src/db/email-key.ts';
import { tempDatabasePath } from '../support/app.ts';
import { startAppProcess, type AppProcess } from '../support/app-process.ts';

const SCHEMA_V1 = readFileSync(new URL('../fixtures/schema-v1.sql', import.meta.url), 'utf8');

/** Stored as the old app stored them: validated, trimmed, lower-cased. */
const OLD_SIGNUPS = [
  { event: 1, name: 'Ada Lovelace', email: 'ada.lovelace@analytical.example' },
  { event: 1, name: 'Grace Hopper', email: 'grace.hopper@cobol.example' },
  { event: 2, name: 'Ada Lovelace', email: 'ada.lovelace@analytical.example' },
];
/** Written after the last checkpoint, so it is only in the -wal the crash left. */
const IN_WAL_ONLY = { event: 1, name: 'Katherine Johnson', email: 'katherine.johnson@orbit.example' };
const NEW_EMAIL = 'Hedy.Lamarr@Frequency.example';

/**
 * The files a crash of the old app would leave: the database, and a -wal holding the newest writes (copied while
 * the connection is open: closing would checkpoint the log into the database and delete it).
 */
async function oldDatabaseAfterCrash(): Promise<string> {
  const path = await tempDatabasePath();
  await mkdir(dirname(path), { recursive: true });
  const scratch = `${path}.scratch`;
  const old = new DatabaseSync(scratch);
  old.exec('PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;');
  old.exec(SCHEMA_V1);
  old.exec('PRAGMA user_version = 1');
  const addEvent = old.prepare('INSERT INTO events (name, created_at) VALUES (?, ?)');
  for (const name of ['Community Meetup', 'Privacy Engineering Day', 'Open Source Summit']) addEvent.run(name, '2026-01-01T00:00:00.000Z');
  const addProfile = old.prepare(`
    INSERT INTO profiles (id, event_id, name, email, bio, edit_token_hash, created_at)
    VALUES (?, ?, ?, ?, NULL, ?, '2026-01-02T00:00:00.000Z')`);
  const addSignup = old.prepare(`INSERT INTO signups (event_id, day) VALUES (?, '2026-01-02')`);
  const signUp = ({ event, name, email }: { event: number; name: string; email: string }) => {
    addProfile.run(crypto.randomUUID(), event, name, email, Buffer.alloc(32, event));
    addSignup.run(event);
  };
  OLD_SIGNUPS.forEach(signUp);
  old.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  signUp(IN_WAL_ONLY);
  copyFileSync(scratch, path);
  copyFileSync(`${scratch}-wal`, `${path}-wal`);
  old.close();
  // The old app left SQLite's default mode.
  await Promise.all([chmod(path, 0o644), chmod(`${path}-wal`, 0o644)]);
  return path;
}

const emailsOf = (...signups: { email: string }[]) => signups.flatMap(({ email }) => [email, email.split('@')[0] ?? email]);

/** The database's files as they are on disk, the ones that exist. */
async function filesOf(path: string): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  for (const suffix of ['', '-wal', '-shm']) {
    const bytes = await readFile(`${path}${suffix}`).catch(() => undefined);
    if (bytes !== undefined) files[`db${suffix}`] = bytes;
  }
  return files;
}

function signUp(app: AppProcess, event: number, email: string) {
  return fetch(`${app.appUrl}/api/events/${String(event)}/signups`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Someone', email }),
  }).then((response) => response.status);
}

it('migrates a database with plain emails: duplicates still refused, no email left in any file, all 0600', async () => {
  const path = await oldDatabaseAfterCrash();
  const before = await filesOf(path);
  // The fixture is what it claims: the emails are there as text, the newest only in the log.
  expect(before.db?.includes(OLD_SIGNUPS[0]?.email ?? '-')).toBe(true);
  expect(before.db?.includes(IN_WAL_ONLY.email)).toBe(false);
  expect(before['db-wal']?.includes(IN_WAL_ONLY.email)).toBe(true);

  const app = await startAppProcess('node', { DATABASE_PATH: path, SHUTDOWN_GRACE_MS: '200' });
  // The same addresses, typed differently: the hash is of the normalised address.
  expect(await signUp(app, 1, ' ADA.Lovelace@Analytical.example ')).toBe(409);
  expect(await signUp(app, 2, 'ada.lovelace@analytical.example')).toBe(409);
  expect(await signUp(app, 1, 'Katherine.Johnson@orbit.example')).toBe(409);
  expect(await signUp(app, 3, 'ada.lovelace@analytical.example')).toBe(201);
  expect(await signUp(app, 1, NEW_EMAIL)).toBe(201);
  expect(await signUp(app, 1, NEW_EMAIL.toLowerCase())).toBe(409);
  const signups = (await (await fetch(`${app.metricsUrl}/metrics`)).text()).match(/event_name="event_signup",event_id="1"\} (\d+)/);
  expect(signups?.[1]).toBe('4');

  // While it runs, with its -wal and -shm open.
  const running = await filesOf(path);
  expect(Object.keys(running).sort()).toEqual(['db', 'db-shm', 'db-wal']);
  for (const [file, bytes] of Object.entries(running)) {
    for (const text of emailsOf(...OLD_SIGNUPS, IN_WAL_ONLY, { email: NEW_EMAIL.toLowerCase() })) {
      expect(bytes.includes(text), `${file} holds ${text}`).toBe(false);
    }
  }
  // The search above does find text: names are kept, for the directory.
  expect(Buffer.concat(Object.values(running)).includes('Katherine Johnson')).toBe(true);
  for (const file of [path, `${path}-wal`, `${path}-shm`, emailKeyPath(path)]) {
    expect((statSync(file).mode & 0o777).toString(8), file).toBe('600');
  }

  process.kill(app.pid, 'SIGTERM');
  expect(await app.exited(10_000)).toBe(0);
  const stopped = await filesOf(path);
  for (const text of emailsOf(...OLD_SIGNUPS, IN_WAL_ONLY)) expect(Buffer.concat(Object.values(stopped)).includes(text)).toBe(false);

  // Started again, it reads the same key back: the duplicates are still refused.
  const again = await startAppProcess('node', { DATABASE_PATH: path, SHUTDOWN_GRACE_MS: '200' });
  expect(await signUp(again, 1, 'grace.hopper@cobol.example')).toBe(409);
  expect(await signUp(again, 1, NEW_EMAIL)).toBe(409);
  process.kill(again.pid, 'SIGTERM');
  expect(await again.exited(10_000)).toBe(0);
});
