/**
 * A full disk, for real: the app process (`node src/main.ts`) keeps its database on a 4 MiB tmpfs of its own
 * (../support/small-disk.ts), which the test fills. Writes then get a 503 with a clear message, reads still work, the
 * cause is logged once as SQLITE_FULL (no "request failed", no failed ROLLBACK, nothing that was sent), and once space
 * is freed writes succeed again. An app that starts on a full disk says so and exits 1.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXAMPLE_DIR, SOURCE_CONDITION } from '../../../../test/support/paths.ts';
import { startAppProcess, type AppProcess, type LogLine } from '../support/app-process.ts';
import { fillDisk, freeDisk, onSmallDisk } from '../support/small-disk.ts';

const DISK_BYTES = 4 * 1024 * 1024;
const ERROR_LEVEL = 50;
const FULL_ANSWER = { error: 'the server is out of storage space: nothing was saved, try again later' };
/** What the test sends while the disk is full: none of it may reach a log line. */
const people = Array.from({ length: 5 }, (_, index) => ({ name: `Dora Diskfull ${String(index)}`, email: `dora.diskfull.${String(index)}@example.test` }));

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'quietcount-full-disk-'));
});
afterAll(async () => {
  // The tmpfs lived in the app's own mount namespace: once the app is gone (app-process.ts kills it), these are
  // plain empty directories.
  await rm(workDir, { recursive: true, force: true });
});

async function mountPoint(name: string): Promise<string> {
  const path = join(workDir, name);
  await mkdir(path);
  return path;
}

async function send(app: AppProcess, method: string, path: string, body?: object, token?: string): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${app.appUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

it('answers writes on a full disk with a 503, names SQLITE_FULL in one log line, and writes again once space is freed', { timeout: 60_000 }, async () => {
  const disk = await mountPoint('disk');
  const app = await startAppProcess('node', { DATABASE_PATH: join(disk, 'quietcount.db'), ADMIN_TOKEN: 'full-disk-admin-token-0123456789' }, {
    wrapper: onSmallDisk(disk, DISK_BYTES),
  });
  const before = await send(app, 'POST', '/api/events/1/signups', { name: 'Before Full', email: 'before.full@example.test' });
  expect(before.status).toBe(201);
  const { profileId, editToken } = before.json as { profileId: string; editToken: string };

  expect(await fillDisk(app.pid, disk, DISK_BYTES)).toBeGreaterThan(DISK_BYTES / 2);
  const linesBefore = app.logs().length;

  expect(await send(app, 'PUT', `/api/events/1/profiles/${profileId}/visibility`, { visible: true }, editToken)).toEqual({ status: 503, json: FULL_ANSWER });
  for (const person of people) {
    const reply = await send(app, 'POST', '/api/events/1/signups', person);
    expect(reply, person.name).toEqual({ status: 503, json: FULL_ANSWER });
  }
  // Reads need no space.
  expect((await send(app, 'GET', '/api/events/1/directory')).status).toBe(200);

  // Each request's own line comes when its response closes: wait for the last one.
  await app.waitForLog((line) => line.msg === 'request' && line.route === '/api/events/:eventId/directory', 5_000);
  const during: LogLine[] = app.logs().slice(linesBefore);
  const problems = during.filter((line) => typeof line.level === 'number' && line.level >= 40);
  expect(problems).toEqual([
    {
      level: ERROR_LEVEL,
      time: expect.any(String) as unknown,
      code: 'SQLITE_FULL',
      refusedWrites: 1,
      msg: 'the database cannot be written: its disk is full (SQLITE_FULL): writes get a 503 until space is freed; this line repeats at most every 60 s while it lasts',
    },
  ]);
  const requests = during.filter((line) => line.msg === 'request');
  expect(requests.filter((line) => line.status === 503)).toHaveLength(people.length + 1);
  const text = JSON.stringify(during);
  for (const forbidden of ['Dora', 'diskfull', 'ROLLBACK', 'no transaction', 'request failed', profileId]) expect(text).not.toContain(forbidden);

  await freeDisk(app.pid, disk);
  const after = await send(app, 'POST', '/api/events/1/signups', people[0]);
  expect(after.status).toBe(201);
  expect(await send(app, 'PUT', `/api/events/1/profiles/${profileId}/visibility`, { visible: true }, editToken)).toEqual({
    status: 200,
    json: { visible: true, changed: true },
  });
});

it('names a full disk, and exits 1, when it cannot start on one', { timeout: 30_000 }, async () => {
  const disk = await mountPoint('full-at-start');
  const [command, ...args] = [...onSmallDisk(disk, DISK_BYTES, { full: true }), process.execPath, SOURCE_CONDITION, 'src/main.ts'];
  const child = spawn(command, args, {
    cwd: EXAMPLE_DIR,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', METRICS_HOST: '127.0.0.1', METRICS_PORT: '0', DATABASE_PATH: join(disk, 'quietcount.db') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  createInterface({ input: child.stdout }).on('line', (text) => lines.push(JSON.parse(text) as LogLine));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(killer);

  expect(code, stderr).toBe(1);
  expect(lines.at(-1)).toMatchObject({ level: 60, code: expect.stringMatching(/^(ENOSPC|SQLITE_FULL)$/) as unknown });
  expect(lines.at(-1)?.msg).toMatch(/^failed to start: the database cannot be written: its disk is full \((ENOSPC|SQLITE_FULL)\)$/);
});
