/**
 * Nothing a person sends reaches `/metrics`, the logs, or an error message: hostile values go through every route
 * and every failure path, then all three are searched for them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestApp, type Reply, type TestApp } from '../support/app.ts';

const SECRETS = {
  email: 'hostile.person@leak.example',
  name: 'Zebulon Leakyname',
  bio: 'bio-leak-marker',
  query: 'query-leak-marker',
  userAgent: 'LeakyAgent/9.9',
  ip: '203.0.113.77',
  path: 'path-leak-marker',
  json: 'json-leak-marker',
  field: 'field-leak-marker',
  wrongToken: 'wrong-token-leak-marker',
};

/** Only these keys may appear in a request log line: no URL, query, header, address or body. */
const REQUEST_LOG_KEYS = ['durationMs', 'level', 'method', 'msg', 'route', 'status', 'time'];

let app: TestApp;
let editToken: string;
const replies: Reply[] = [];

beforeAll(async () => {
  app = await startTestApp();
  const headers = { 'user-agent': SECRETS.userAgent, 'x-forwarded-for': SECRETS.ip, 'x-real-ip': SECRETS.ip };
  const send = async (method: string, path: string, options: Parameters<TestApp['request']>[2] = {}) => {
    const reply = await app.request(method, path, { ...options, headers: { ...headers, ...options.headers } });
    replies.push(reply);
    return reply;
  };
  const person = { name: SECRETS.name, email: SECRETS.email, bio: SECRETS.bio };
  const signup = await send('POST', '/api/events/1/signups', { body: person });
  editToken = (signup.json as { editToken: string }).editToken;
  const profile = `/api/events/1/profiles/${(signup.json as { profileId: string }).profileId}`;

  await send('PUT', `${profile}/visibility`, { body: { visible: true }, token: editToken });
  await send('PUT', `${profile}/consent`, { body: { granted: true }, token: editToken });
  await send('PUT', `${profile}/consent`, { body: { granted: true }, token: SECRETS.wrongToken });
  await send('GET', '/api/events/1/directory');
  await send('GET', `/api/events/1/directory/search?q=${encodeURIComponent(SECRETS.query)}`);
  await send('GET', `/api/events/1/directory/search?q=${encodeURIComponent(SECRETS.query.repeat(20))}`);
  await send('GET', `/api/events/1/directory?page=${SECRETS.query}`);
  await send('POST', '/api/events', { body: { name: SECRETS.name }, token: SECRETS.wrongToken });
  await send('POST', '/api/events', { body: { name: SECRETS.name }, token: ADMIN_TOKEN });
  // Each failure path, with the secret in the value the error is about.
  await send('POST', '/api/events/1/signups', { body: person }); // 409
  await send('POST', '/api/events/1/signups', { body: { ...person, email: `${SECRETS.name} not an email` } });
  await send('POST', '/api/events/1/signups', { body: { ...person, [SECRETS.field]: 1 } });
  await send('POST', '/api/events/1/signups', { body: `{"name": "${SECRETS.json}", ` });
  await send('POST', '/api/events/1/signups', { body: { ...person, bio: SECRETS.bio.repeat(2000) } });
  await send('POST', '/api/events/1/signups', {
    body: JSON.stringify(person),
    headers: { 'content-type': `application/json; charset=${SECRETS.json}` },
  });
  await send('POST', `/api/events/${SECRETS.path}/signups`, { body: person });
  await send('GET', `/${SECRETS.path}?email=${encodeURIComponent(SECRETS.email)}`);
  await send('GET', `/api/events/%E0%A4%A${SECRETS.path}/directory`);
});

describe('hostile input', () => {
  it('was sent through successes and failures alike', () => {
    const statuses = new Set(replies.map((reply) => reply.status));
    expect([...statuses].sort()).toEqual([200, 201, 400, 403, 404, 409, 413, 415]);
  });

  it('never appears in /metrics', async () => {
    const metrics = await app.counts();
    for (const value of [...Object.values(SECRETS), editToken, ADMIN_TOKEN]) expect(metrics).not.toContain(value);
  });

  it('never appears in the logs', () => {
    const logs = app.logs.text();
    expect(logs).not.toBe('');
    for (const value of [...Object.values(SECRETS), editToken, ADMIN_TOKEN]) expect(logs).not.toContain(value);
  });

  it('is never echoed in an error message', () => {
    const errors = replies.filter((reply) => reply.status >= 400).map((reply) => reply.text);
    for (const value of Object.values(SECRETS)) for (const error of errors) expect(error).not.toContain(value);
  });
});

describe('request log lines', () => {
  it('hold method, route template, status and duration, nothing else', () => {
    const lines = app.logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.msg === 'request');
    expect(lines).toHaveLength(replies.length);
    for (const line of lines) {
      expect(Object.keys(line).sort()).toEqual(REQUEST_LOG_KEYS);
      expect(line.route === 'unmatched' || (typeof line.route === 'string' && /^\/[a-z/:A-Z]*$/.test(line.route))).toBe(true);
    }
    expect(lines).toContainEqual(
      expect.objectContaining({ method: 'GET', route: '/api/events/:eventId/directory/search', status: 200 }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ method: 'GET', route: 'unmatched', status: 404 }));
  });

  it('log a thrown error by kind and stack frames only, never its message', async () => {
    const broken = await startTestApp();
    broken.running.db.exec('ALTER TABLE profiles RENAME TO profiles_gone');
    await broken.request('GET', '/api/events/1/directory/search?q=anything');
    const failure = broken.logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((l) => l.msg === 'request failed');
    expect(failure).toMatchObject({ level: 50, error: { type: 'Error', code: 'ERR_SQLITE_ERROR' } });
    expect(broken.logs.text()).not.toMatch(/no such table|profiles_gone|anything/);
    await broken.stop();
  });
});
