/**
 * What the database keeps: append-only change logs without personal data, edit tokens only as hashes, and a schema
 * that migrates once.
 */
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { openDatabase } from '../src/app/db/open.ts';
import { APPEND_ONLY_TABLES } from '../src/app/db/schema.ts';
import { startTestApp, tempDatabasePath } from './support/app.ts';

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

it('stores the edit token only as its SHA-256 hash', async () => {
  const path = await tempDatabasePath();
  const app = await startTestApp({ DATABASE_PATH: path });
  const { editToken } = await app.signUp(1, { email: 'stored@example.test' });
  await app.stop();
  const files = await Promise.all(['', '-wal'].map((suffix) => readFile(`${path}${suffix}`).catch(() => Buffer.alloc(0))));
  const bytes = Buffer.concat(files);
  expect(bytes.includes('stored@example.test')).toBe(true); // the search below would find the token the same way
  expect(bytes.includes(editToken)).toBe(false);
});

it('migrates a new database once and opens it again without change', async () => {
  const path = await tempDatabasePath();
  const first = openDatabase(path);
  const version = first.prepare('PRAGMA user_version').get()?.user_version;
  const events = first.prepare('SELECT COUNT(*) AS n FROM events').get()?.n;
  first.close();
  const again = openDatabase(path);
  expect(again.prepare('PRAGMA user_version').get()?.user_version).toBe(version);
  expect(again.prepare('SELECT COUNT(*) AS n FROM events').get()?.n).toBe(events);
  again.close();
  expect(version).toBe(1);
});
