/**
 * Every route of the reference app through real HTTP: status codes, response shapes, what the directory shows and
 * hides, and clean JSON errors for bad input.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EVENT_NAMES } from '../../src/db/open.ts';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/app.ts';

const UNKNOWN_PROFILE = '00000000-0000-4000-8000-000000000000';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});

describe('health and events', () => {
  it('GET /healthz answers 200', async () => {
    expect(await app.request('GET', '/healthz')).toMatchObject({ status: 200, json: { status: 'ok' } });
  });

  it('lists the demo events created on first start', async () => {
    const reply = await app.request('GET', '/api/events');
    expect(reply.status).toBe(200);
    const events = reply.json.events as { id: number; name: string }[];
    expect(events.slice(0, DEMO_EVENT_NAMES.length).map((event) => event.name)).toEqual([...DEMO_EVENT_NAMES]);
    expect(events.every((event) => Number.isInteger(event.id) && event.id > 0)).toBe(true);
  });

  it('creates an event with the admin token: 201, then listed', async () => {
    const reply = await app.request('POST', '/api/events', { token: ADMIN_TOKEN, body: { name: '  Spring Hackathon ' } });
    expect(reply.status).toBe(201);
    expect(reply.json).toEqual({ id: expect.any(Number) as number, name: 'Spring Hackathon' });
    const list = await app.request('GET', '/api/events');
    expect(list.json.events).toContainEqual(reply.json);
  });

  it('refuses to create an event without (401) or with a wrong (403) admin token', async () => {
    const missing = await app.request('POST', '/api/events', { body: { name: 'x' } });
    expect(missing.status).toBe(401);
    const wrong = await app.request('POST', '/api/events', { token: 'not-the-token', body: { name: 'x' } });
    expect(wrong.status).toBe(403);
    expect(wrong.json).toEqual({ error: 'wrong admin token' });
  });

  it('refuses to create events at all (403) when the server has no ADMIN_TOKEN, and warns at start', async () => {
    const open = await startTestApp({ ADMIN_TOKEN: '' });
    const reply = await open.request('POST', '/api/events', { token: 'anything', body: { name: 'x' } });
    expect(reply.status).toBe(403);
    expect(reply.json.error).toMatch(/ADMIN_TOKEN/);
    expect(open.logs.text()).toMatch(/"level":40.*ADMIN_TOKEN is not set/);
    expect((await open.request('GET', '/api/events')).json.events).toHaveLength(DEMO_EVENT_NAMES.length);
    await open.stop();
  });

  it('validates the event body: missing, empty, too long, wrong type, extra field', async () => {
    for (const body of [{}, { name: '' }, { name: '   ' }, { name: 'x'.repeat(121) }, { name: 7 }, { name: 'x', extra: 1 }]) {
      const reply = await app.request('POST', '/api/events', { token: ADMIN_TOKEN, body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
    }
  });
});

describe('signups', () => {
  it('signs up: 201 with a profile id (UUID) and an edit token, never cached', async () => {
    const response = await fetch(`${app.baseUrl}/api/events/1/signups`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Grace', email: 'grace@example.test', bio: 'compilers' }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['editToken', 'profileId']);
    expect(body.profileId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(body.editToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('409 for an email already signed up to that event (case-insensitive), 201 for another event', async () => {
    await app.signUp(1, { email: 'twice@example.test' });
    const again = await app.request('POST', '/api/events/1/signups', { body: { name: 'B', email: 'TWICE@example.test' } });
    expect(again.status).toBe(409);
    await app.signUp(2, { email: 'twice@example.test' });
  });

  it('404 for an unknown event, 400 for a malformed event id', async () => {
    const body = { name: 'A', email: 'a@example.test' };
    expect((await app.request('POST', '/api/events/999999/signups', { body })).status).toBe(404);
    for (const id of ['abc', '0', '-1', '1.5', '1e3', '99999999999999999999']) {
      expect((await app.request('POST', `/api/events/${id}/signups`, { body })).status, id).toBe(400);
    }
  });

  it('400 for missing fields, wrong types, a bad email, control characters, arrays and scalars', async () => {
    const bodies: unknown[] = [
      {},
      { name: 'A' },
      { email: 'a@example.test' },
      { name: 1, email: 'a@example.test' },
      { name: 'A', email: ['a@example.test'] },
      { name: 'A', email: 'not-an-email' },
      { name: 'A', email: 'a@example.test', bio: 5 },
      { name: 'A\u0000B', email: 'a@example.test' },
      { name: 'A', email: 'a@example.test', isAdmin: true },
      [{ name: 'A', email: 'a@example.test' }],
      'null',
      '"text"',
    ];
    for (const body of bodies) {
      const reply = await app.request('POST', '/api/events/1/signups', { body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(typeof reply.json.error).toBe('string');
    }
  });

  it('400 for malformed JSON, 413 for a body over 16kb, 415 for another content type, 400 for no body', async () => {
    const path = '/api/events/1/signups';
    expect(await app.request('POST', path, { body: '{"name": "A", ' })).toMatchObject({
      status: 400,
      json: { error: 'the body is not valid JSON' },
    });
    const big = { name: 'A', email: 'big@example.test', bio: 'x'.repeat(17 * 1024) };
    expect((await app.request('POST', path, { body: big })).status).toBe(413);
    const form = await app.request('POST', path, { body: 'name=A', headers: { 'content-type': 'text/plain' } });
    expect(form.status).toBe(415);
    expect((await app.request('POST', path)).status).toBe(400);
    const latin1 = { 'content-type': 'application/json; charset=latin1' };
    expect((await app.request('POST', path, { body: '{}', headers: latin1 })).status).toBe(415);
  });
});

describe('directory and search', () => {
  let event: number;
  beforeAll(async () => {
    event = (await app.request('POST', '/api/events', { token: ADMIN_TOKEN, body: { name: 'Directory test' } })).json
      .id as number;
    const shown = await app.signUp(event, { name: 'Visible Vera', email: 'vera@example.test', bio: 'Loves Rust' });
    await app.signUp(event, { name: 'Hidden Hugo', email: 'hugo@example.test', bio: 'loves rust too' });
    await app.request('PUT', `/api/events/${String(event)}/profiles/${shown.profileId}/visibility`, {
      token: shown.editToken,
      body: { visible: true },
    });
  });

  it('shows visible profiles only, with public fields only', async () => {
    const reply = await app.request('GET', `/api/events/${String(event)}/directory`);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ profiles: [{ name: 'Visible Vera', bio: 'Loves Rust' }], page: 1, nextPage: null });
    expect(reply.text).not.toMatch(/@|Hugo|editToken|hash/i);
  });

  it('searches visible profiles by name or bio, ignoring case', async () => {
    const search = (q: string) =>
      app.request('GET', `/api/events/${String(event)}/directory/search?q=${encodeURIComponent(q)}`);
    expect((await search('RUST')).json.profiles).toEqual([{ name: 'Visible Vera', bio: 'Loves Rust' }]);
    expect((await search('vera')).json.profiles).toHaveLength(1);
    expect((await search('hugo')).json.profiles).toEqual([]);
    // LIKE wildcards are matched literally.
    expect((await search('%')).json.profiles).toEqual([]);
    expect((await search('_')).json.profiles).toEqual([]);
  });

  it('pages by 20, with nextPage', async () => {
    const paged = (await app.request('POST', '/api/events', { token: ADMIN_TOKEN, body: { name: 'Paging' } })).json
      .id as number;
    for (let i = 0; i < 21; i += 1) {
      const person = await app.signUp(paged, { name: `Member ${String(i).padStart(2, '0')}` });
      await app.request('PUT', `/api/events/${String(paged)}/profiles/${person.profileId}/visibility`, {
        token: person.editToken,
        body: { visible: true },
      });
    }
    const first = await app.request('GET', `/api/events/${String(paged)}/directory`);
    expect(first.json).toMatchObject({ page: 1, nextPage: 2 });
    expect(first.json.profiles).toHaveLength(20);
    const second = await app.request('GET', `/api/events/${String(paged)}/directory?page=2`);
    expect(second.json).toEqual({ profiles: [{ name: 'Member 20', bio: null }], page: 2, nextPage: null });
    const searched = await app.request('GET', `/api/events/${String(paged)}/directory/search?q=member&page=2`);
    expect(searched.json.profiles).toHaveLength(1);
  });

  it('404 for an unknown event, 400 for a malformed id, page or query', async () => {
    expect((await app.request('GET', '/api/events/424242/directory')).status).toBe(404);
    expect((await app.request('GET', '/api/events/424242/directory/search?q=a')).status).toBe(404);
    const bad = [
      '/api/events/x/directory',
      '/api/events/1/directory?page=0',
      '/api/events/1/directory?page=abc',
      '/api/events/1/directory?page=10001',
      '/api/events/1/directory?page=1&page=2',
      '/api/events/1/directory/search',
      '/api/events/1/directory/search?q=',
      '/api/events/1/directory/search?q=%20%20',
      `/api/events/1/directory/search?q=${'a'.repeat(101)}`,
      '/api/events/1/directory/search?q=a&q=b',
      '/api/events/1/directory/search?q[x]=a',
    ];
    for (const path of bad) expect((await app.request('GET', path)).status, path).toBe(400);
  });
});

describe('visibility and consent', () => {
  const profilePath = (profileId: string, what: string) => `/api/events/1/profiles/${profileId}/${what}`;

  it('new profiles start hidden; the owner shows and hides them; a repeat reports no change', async () => {
    const person = await app.signUp(1, { name: 'Toggling Tom' });
    const directory = async () => (await app.request('GET', '/api/events/1/directory')).json.profiles as unknown[];
    expect(await directory()).not.toContainEqual({ name: 'Toggling Tom', bio: null });
    const set = (visible: unknown) =>
      app.request('PUT', profilePath(person.profileId, 'visibility'), { token: person.editToken, body: { visible } });
    expect(await set(true)).toMatchObject({ status: 200, json: { visible: true, changed: true } });
    expect(await directory()).toContainEqual({ name: 'Toggling Tom', bio: null });
    expect(await set(true)).toMatchObject({ status: 200, json: { visible: true, changed: false } });
    expect(await set(false)).toMatchObject({ status: 200, json: { visible: false, changed: true } });
    expect(await directory()).not.toContainEqual({ name: 'Toggling Tom', bio: null });
    expect((await set('yes')).status).toBe(400);
  });

  it('the owner grants and withdraws consent; a repeat reports no change', async () => {
    const person = await app.signUp(1);
    const set = (granted: unknown) =>
      app.request('PUT', profilePath(person.profileId, 'consent'), { token: person.editToken, body: { granted } });
    expect(await set(false)).toMatchObject({ status: 200, json: { granted: false, changed: false } });
    expect(await set(true)).toMatchObject({ status: 200, json: { granted: true, changed: true } });
    expect(await set(false)).toMatchObject({ status: 200, json: { granted: false, changed: true } });
    expect((await set(1)).status).toBe(400);
  });

  it('401 without a token, 403 with another profile’s token, 404 for an unknown profile, 400 for a malformed id', async () => {
    const owner = await app.signUp(1);
    const other = await app.signUp(1);
    for (const what of ['visibility', 'consent']) {
      const body = what === 'visibility' ? { visible: true } : { granted: true };
      const path = profilePath(owner.profileId, what);
      const missing = await app.request('PUT', path, { body });
      expect(missing.status).toBe(401);
      expect((await app.request('PUT', path, { body, token: other.editToken })).status).toBe(403);
      expect((await app.request('PUT', path, { body, token: 'x'.repeat(600) })).status).toBe(401);
      expect((await app.request('PUT', profilePath(UNKNOWN_PROFILE, what), { body, token: owner.editToken })).status).toBe(404);
      // The profile exists, but in event 1, not 2.
      const elsewhere = `/api/events/2/profiles/${owner.profileId}/${what}`;
      expect((await app.request('PUT', elsewhere, { body, token: owner.editToken })).status).toBe(404);
      expect((await app.request('PUT', profilePath('not-a-uuid', what), { body, token: owner.editToken })).status).toBe(400);
    }
  });
});

describe('errors', () => {
  it('404 JSON for unknown routes and methods', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['DELETE', '/api/events'],
      ['GET', '/api/events/1/unknown'],
    ] as const) {
      expect(await app.request(method, path)).toMatchObject({ status: 404, json: { error: 'not found' } });
    }
  });

  it('400 JSON for a malformed percent-encoding in a path parameter', async () => {
    expect(await app.request('GET', '/api/events/%E0%A4%A/directory')).toMatchObject({ status: 400 });
  });

  it('500 JSON {error: "internal error"} for a thrown error, and the app keeps serving', async () => {
    const broken = await startTestApp();
    broken.running.db.exec('ALTER TABLE profiles RENAME TO profiles_gone');
    expect(await broken.request('GET', '/api/events/1/directory')).toEqual({
      status: 500,
      text: '{"error":"internal error"}',
      json: { error: 'internal error' },
    });
    expect((await broken.request('GET', '/healthz')).status).toBe(200);
    await broken.stop();
  });
});
