/**
 * What the database keeps: append-only change logs without personal data, emails and edit tokens only as hashes,
 * files only its user can read, and a schema that migrates once. (A database from before emails were hashed:
 * email-migration.test.ts.)
 */
import { createHmac } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { emailKeyPath } from '../../src/db/email-key.ts';
import { openDatabase } from '../../src/db/open.ts';
import { APPEND_ONLY_TABLES } from '../../src/db/schema.ts';
import { ConfigError } from 'quietcount';
import { startTestApp, tempDatabasePath } from '../support/app.ts';

const EMAIL_KEY = 'test-email-key-0123456789abcdef-0123456789';

async function databaseBytes(path: string): Promise<Buffer> {
  const files = await Promise.all(['', '-wal', '-shm'].map((suffix) => readFile(`${path}${suffix}`).catch(() => Buffer.alloc(0))));
  return Buffer.concat(files);
}

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

it('refuses UPDATE and DELETE on the append-only logs the usage counters are derived from', async () => {
  const app = await startTestApp();
  const person = await app.signUp(1);
  const put = (what: string, body: object) =>
    app.request('PUT', `/api/events/1/profiles/${person.profileId}/${what}`, { body, token: person.editToken });
  await put('visibility', { visible: true });
  await put('consent', { granted: true });
  for (const table of APPEND_ONLY_TABLES) {
    expect(app.running.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get()?.n, table).toBe(1);
    expect(() => {
      app.running.db.exec(`UPDATE ${table} SET event_id = 2`);
    }, table).toThrow(/append-only/);
    expect(() => {
      app.running.db.exec(`DELETE FROM ${table}`);
    }, table).toThrow(/append-only/);
  }
  await app.stop();
});

it('keeps no person, profile or time of day in the logs: an event id, the new value and the day', async () => {
  const app = await startTestApp();
  const columns = (table: string) =>
    app.running.db
      .prepare(`SELECT name FROM pragma_table_info('${table}') ORDER BY cid`)
      .all()
      .map((row) => row.name);
  expect(columns('signups')).toEqual(['id', 'event_id', 'day']);
  expect(columns('visibility_changes')).toEqual(['id', 'event_id', 'visible', 'day']);
  expect(columns('consent_changes')).toEqual(['id', 'event_id', 'granted', 'day']);
  await app.signUp(1);
  expect(app.running.db.prepare('SELECT day FROM signups').get()?.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  await app.stop();
});

it('stores neither the email nor the edit token, only their hashes', async () => {
  const path = await tempDatabasePath();
  const app = await startTestApp({ DATABASE_PATH: path });
  const { editToken } = await app.signUp(1, { name: 'Stored Stella', email: 'stored.stella@example.test' });
  const bytes = await databaseBytes(path);
  await app.stop();
  const after = await databaseBytes(path);
  for (const snapshot of [bytes, after]) {
    expect(snapshot.includes('Stored Stella')).toBe(true); // the search below would find the others the same way
    expect(snapshot.includes('stored.stella')).toBe(false);
    expect(snapshot.includes(editToken)).toBe(false);
  }
});

it('hashes the normalised email with HMAC-SHA256 keyed with EMAIL_KEY, and creates no key file then', async () => {
  const path = await tempDatabasePath();
  const app = await startTestApp({ DATABASE_PATH: path, EMAIL_KEY });
  await app.signUp(2, { email: '  Keyed.Kim@Example.test' });
  const stored = app.running.db.prepare('SELECT email_hash FROM profiles WHERE event_id = 2').all();
  const expected = createHmac('sha256', Buffer.from(EMAIL_KEY, 'utf8')).update('keyed.kim@example.test').digest();
  expect(stored.map((row) => Buffer.from(row.email_hash as Uint8Array))).toContainEqual(expected);
  expect(existsSync(emailKeyPath(path))).toBe(false);
  await app.stop();
});

it('without EMAIL_KEY, creates a key file beside the database (0600) on first start and reads it back after', async () => {
  const path = await tempDatabasePath();
  const first = await startTestApp({ DATABASE_PATH: path });
  await first.signUp(1, { email: 'kept.key@example.test' });
  await first.stop();
  const key = await readFile(emailKeyPath(path), 'utf8');
  expect(key).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
  for (const file of [path, emailKeyPath(path)]) expect(modeOf(file), file).toBe('600');

  const second = await startTestApp({ DATABASE_PATH: path });
  expect(await readFile(emailKeyPath(path), 'utf8')).toBe(key);
  const again = await second.request('POST', '/api/events/1/signups', { body: { name: 'K', email: 'kept.key@example.test' } });
  expect(again.status).toBe(409);
  // The key file is the same kind of key as EMAIL_KEY_FILE takes: pointed at it, the database accepts it.
  await second.stop();
  const third = await startTestApp({ DATABASE_PATH: path, EMAIL_KEY_FILE: emailKeyPath(path) });
  await third.stop();
});

it('keeps the database, -wal and -shm at mode 0600 while running', async () => {
  const path = await tempDatabasePath();
  const app = await startTestApp({ DATABASE_PATH: path });
  await app.signUp(1);
  for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(modeOf(file), file).toBe('600');
  await app.stop();
});

it('refuses to start with a key other than the one the database hashed its emails with, naming no key', async () => {
  const path = await tempDatabasePath();
  const app = await startTestApp({ DATABASE_PATH: path, EMAIL_KEY });
  await app.stop();
  const otherKey = 'another-email-key-that-is-long-enough-42';
  const keyFile = `${path}.other-key`;
  await writeFile(keyFile, otherKey);
  const envs: Record<string, string>[] = [{ EMAIL_KEY: otherKey }, { EMAIL_KEY_FILE: keyFile }, {}];
  for (const env of envs) {
    const error = await startTestApp({ DATABASE_PATH: path, ...env }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error, JSON.stringify(env)).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/EMAIL_KEY .*is not the key this database hashed its emails with/);
    expect((error as ConfigError).message).not.toContain(otherKey);
  }
});

it('refuses an EMAIL_KEY shorter than 32 characters, without echoing it', async () => {
  const error = await startTestApp({ EMAIL_KEY: 'short-key-1234' }).catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).problems).toEqual(["EMAIL_KEY (or EMAIL_KEY_FILE's content) must be at least 32 characters"]);
  expect((error as ConfigError).message).not.toContain('short-key-1234');
});

it('migrates a new database once and opens it again without change', async () => {
  const path = await tempDatabasePath();
  const { db: first } = openDatabase(path, EMAIL_KEY);
  const version = first.prepare('PRAGMA user_version').get()?.user_version;
  const events = first.prepare('SELECT COUNT(*) AS n FROM events').get()?.n;
  first.close();
  const { db: again } = openDatabase(path, EMAIL_KEY);
  expect(again.prepare('PRAGMA user_version').get()?.user_version).toBe(version);
  expect(again.prepare('SELECT COUNT(*) AS n FROM events').get()?.n).toBe(events);
  const columns = again.prepare("SELECT name FROM pragma_table_info('profiles')").all().map((row) => row.name);
  expect(columns).toContain('email_hash');
  expect(columns).not.toContain('email');
  again.close();
  expect(version).toBe(2);
});
