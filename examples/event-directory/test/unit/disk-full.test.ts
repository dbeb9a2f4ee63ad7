/**
 * How a full disk is recognised and reported (src/disk-full.ts): SQLite's own SQLITE_FULL, made here with its page
 * limit (`PRAGMA max_page_count`), is named; other SQLite errors are not; a fault that lasts is logged once per
 * interval with the number of writes refused since the last line. The app on a really full file system:
 * test/integration/full-disk.test.ts.
 */
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { captureLogs } from '../../../../test/support/log-capture.ts';
import { diskFullCode, diskFullReporter } from '../../src/disk-full.ts';

/** The error SQLite throws once a database reaches its page limit, or `undefined` if it never does. */
function errorOfFullDatabase(): unknown {
  const db = new DatabaseSync(':memory:');
  try {
    db.exec('PRAGMA max_page_count = 4; CREATE TABLE filler (text TEXT NOT NULL) STRICT;');
    const insert = db.prepare('INSERT INTO filler (text) VALUES (?)');
    for (let row = 0; row < 100; row++) insert.run('x'.repeat(1000));
    return undefined;
  } catch (error) {
    return error;
  } finally {
    db.close();
  }
}

it("names SQLite's SQLITE_FULL and the file system's ENOSPC, and nothing else", () => {
  expect(diskFullCode(errorOfFullDatabase())).toBe('SQLITE_FULL');
  expect(diskFullCode(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }))).toBe('ENOSPC');

  const db = new DatabaseSync(':memory:');
  const constraint = (() => {
    try {
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1); INSERT INTO t VALUES (1);');
      return undefined;
    } catch (error) {
      return error;
    }
  })();
  db.close();
  expect(constraint).toBeInstanceOf(Error);
  expect(diskFullCode(constraint)).toBeUndefined();
  for (const other of [undefined, null, 'SQLITE_FULL', { code: 'EACCES' }, { code: 'ERR_SQLITE_ERROR', errcode: '13' }]) expect(diskFullCode(other)).toBeUndefined();
});

it('logs the first refused write at once, then at most one line per interval, counting the writes in between', async () => {
  const logs = captureLogs('info');
  const intervalMs = 200;
  const report = diskFullReporter(logs.logger, intervalMs);
  for (let write = 0; write < 5; write++) report('SQLITE_FULL');
  expect(logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toMatchObject([{ level: 50, code: 'SQLITE_FULL', refusedWrites: 1 }]);

  await sleep(intervalMs + 50);
  report('ENOSPC');
  const lines = logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  // The 4 silent ones and this one.
  expect(lines).toMatchObject([{ refusedWrites: 1 }, { level: 50, code: 'ENOSPC', refusedWrites: 5 }]);
  expect(lines[1]?.msg).toBe('the database cannot be written: its disk is full (ENOSPC): writes get a 503 until space is freed; this line repeats at most every 0.2 s while it lasts');
});
