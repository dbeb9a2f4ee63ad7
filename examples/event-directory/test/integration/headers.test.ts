/**
 * Headers on every kind of response over real HTTP: `X-Content-Type-Options: nosniff` on all of them (successes,
 * each 4xx, the 500, unknown routes, express's automatic OPTIONS and HEAD answers), and the response that hands out
 * an edit token never cached.
 */
import { beforeAll, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/app.ts';

let app: TestApp;
let profile: string;
let editToken: string;
beforeAll(async () => {
  app = await startTestApp();
  ({ profileId: profile, editToken } = await app.signUp(1, { email: 'headers@example.test' }));
});

interface Case {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly token?: string;
  readonly status: number;
}

const json = (value: unknown) => JSON.stringify(value);
const signups = '/api/events/1/signups';
const cases = (): Case[] => [
  { method: 'GET', path: '/healthz', status: 200 },
  { method: 'GET', path: '/api/events', status: 200 },
  { method: 'POST', path: '/api/events', body: json({ name: 'Headers' }), token: ADMIN_TOKEN, status: 201 },
  { method: 'POST', path: '/api/events', body: json({ name: 'Headers' }), status: 401 },
  { method: 'POST', path: '/api/events', body: json({ name: 'Headers' }), token: 'wrong', status: 403 },
  { method: 'POST', path: signups, body: json({ name: 'H', email: 'fresh.headers@example.test' }), status: 201 },
  { method: 'POST', path: signups, body: json({ name: 'H', email: 'headers@example.test' }), status: 409 },
  { method: 'POST', path: signups, body: '{"name":', status: 400 },
  { method: 'POST', path: signups, body: json({ name: 'H', email: 'h@example.test', bio: 'x'.repeat(20_000) }), status: 413 },
  { method: 'POST', path: signups, body: 'name=H', contentType: 'text/plain', status: 415 },
  { method: 'POST', path: '/api/events/424242/signups', body: json({ name: 'H', email: 'h@example.test' }), status: 404 },
  { method: 'GET', path: '/api/events/1/directory', status: 200 },
  { method: 'GET', path: '/api/events/1/directory?page=0', status: 400 },
  { method: 'GET', path: '/api/events/1/directory/search?q=h', status: 200 },
  { method: 'PUT', path: `/api/events/1/profiles/${profile}/visibility`, body: json({ visible: true }), token: editToken, status: 200 },
  { method: 'PUT', path: `/api/events/1/profiles/${profile}/consent`, body: json({ granted: true }), status: 401 },
  { method: 'PUT', path: `/api/events/1/profiles/${profile}/consent`, body: json({ granted: true }), token: 'x', status: 403 },
  { method: 'GET', path: '/nope', status: 404 },
  { method: 'GET', path: '/api/events/%E0%A4%A/directory', status: 400 },
  // express's automatic answers: OPTIONS lists the methods, HEAD runs the GET handler without a body.
  { method: 'OPTIONS', path: signups, status: 200 },
  { method: 'HEAD', path: '/api/events/1/directory', status: 200 },
  { method: 'HEAD', path: signups, status: 404 },
];

it('sends X-Content-Type-Options: nosniff on every kind of response', async () => {
  for (const { method, path, body, contentType, token, status } of cases()) {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = contentType ?? 'application/json';
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${app.baseUrl}${path}`, { method, headers, body });
    await response.arrayBuffer();
    const label = `${method} ${path} ${String(status)}`;
    expect(response.status, label).toBe(status);
    expect(response.headers.get('x-content-type-options'), label).toBe('nosniff');
  }
});

it('sends nosniff on the 500 of a thrown error', async () => {
  const broken = await startTestApp();
  broken.running.db.exec('ALTER TABLE profiles RENAME TO profiles_gone');
  const response = await fetch(`${broken.baseUrl}/api/events/1/directory`);
  expect(response.status).toBe(500);
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  await broken.stop();
});

it('never lets a cache keep the response that hands out an edit token', async () => {
  const response = await fetch(`${app.baseUrl}${signups}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: json({ name: 'Cache', email: 'no.cache@example.test' }),
  });
  expect(response.status).toBe(201);
  expect(response.headers.get('cache-control')).toBe('no-store');
});
