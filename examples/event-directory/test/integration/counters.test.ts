/**
 * The exact change of every quietcount series in `/metrics` after each kind of request: the usage counter it feeds
 * (only when the request succeeded) and its response by endpoint and status code, and nothing else.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { UNMATCHED } from 'quietcount';
import { ADMIN_TOKEN, responseKey, seriesChanges, startTestApp, usageKey, type Signup, type TestApp } from '../support/app.ts';
import { seriesOf } from '../../../../test/support/exposition.ts';

const DIRECTORY = 'GET /api/events/:eventId/directory';
const SEARCH = 'GET /api/events/:eventId/directory/search';
const SIGNUPS = 'POST /api/events/:eventId/signups';
const VISIBILITY = 'PUT /api/events/:eventId/profiles/:profileId/visibility';
const CONSENT = 'PUT /api/events/:eventId/profiles/:profileId/consent';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});

/** The series changes caused by `act`, between a scrape before and one after. */
async function changesOf(act: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = await app.counts();
  await act();
  return seriesChanges(before, await app.counts());
}

describe('usage counters, exactly', () => {
  it('a directory view adds 1 to directory_page_view of that event; a 404 or 400 view adds nothing', async () => {
    expect(await changesOf(() => app.request('GET', '/api/events/2/directory'))).toEqual({
      [usageKey('directory_page_view', 2)]: 1,
      [responseKey(DIRECTORY, 200)]: 1,
    });
    expect(await changesOf(() => app.request('GET', '/api/events/77777/directory'))).toEqual({
      [responseKey(DIRECTORY, 404)]: 1,
    });
    expect(await changesOf(() => app.request('GET', '/api/events/2/directory?page=zero'))).toEqual({
      [responseKey(DIRECTORY, 400)]: 1,
    });
  });

  it('a search adds 1 to directory_search; one without a query adds nothing', async () => {
    expect(await changesOf(() => app.request('GET', '/api/events/3/directory/search?q=anything'))).toEqual({
      [usageKey('directory_search', 3)]: 1,
      [responseKey(SEARCH, 200)]: 1,
    });
    expect(await changesOf(() => app.request('GET', '/api/events/3/directory/search'))).toEqual({
      [responseKey(SEARCH, 400)]: 1,
    });
  });

  it('a signup adds 1 to event_signup; a duplicate, an unknown event or a bad body adds nothing', async () => {
    expect(await changesOf(() => app.signUp(1, { email: 'counted@example.test' }))).toEqual({
      [usageKey('event_signup', 1)]: 1,
      [responseKey(SIGNUPS, 201)]: 1,
    });
    const body = { name: 'Again', email: 'counted@example.test' };
    expect(await changesOf(() => app.request('POST', '/api/events/1/signups', { body }))).toEqual({
      [responseKey(SIGNUPS, 409)]: 1,
    });
    expect(await changesOf(() => app.request('POST', '/api/events/55555/signups', { body }))).toEqual({
      [responseKey(SIGNUPS, 404)]: 1,
    });
    expect(await changesOf(() => app.request('POST', '/api/events/1/signups', { body: '{"name":' }))).toEqual({
      [responseKey(SIGNUPS, 400)]: 1,
    });
    const big = { ...body, bio: 'x'.repeat(20_000) };
    expect(await changesOf(() => app.request('POST', '/api/events/1/signups', { body: big }))).toEqual({
      [responseKey(SIGNUPS, 413)]: 1,
    });
  });

  describe('visibility and consent count real changes only', () => {
    let person: Signup;
    beforeAll(async () => {
      person = await app.signUp(2);
    });
    const put = (what: 'visibility' | 'consent', body: object, token = person.editToken) =>
      app.request('PUT', `/api/events/2/profiles/${person.profileId}/${what}`, { body, token });

    it('visibility: on +1, on again +0, off +1, wrong token +0', async () => {
      expect(await changesOf(() => put('visibility', { visible: true }))).toEqual({
        [usageKey('profile_visibility_on', 2)]: 1,
        [responseKey(VISIBILITY, 200)]: 1,
      });
      expect(await changesOf(() => put('visibility', { visible: true }))).toEqual({ [responseKey(VISIBILITY, 200)]: 1 });
      expect(await changesOf(() => put('visibility', { visible: false }))).toEqual({
        [usageKey('profile_visibility_off', 2)]: 1,
        [responseKey(VISIBILITY, 200)]: 1,
      });
      expect(await changesOf(() => put('visibility', { visible: true }, 'stolen'))).toEqual({
        [responseKey(VISIBILITY, 403)]: 1,
      });
    });

    it('consent: withdraw while not granted +0, grant +1, withdraw +1, bad body +0', async () => {
      expect(await changesOf(() => put('consent', { granted: false }))).toEqual({ [responseKey(CONSENT, 200)]: 1 });
      expect(await changesOf(() => put('consent', { granted: true }))).toEqual({
        [usageKey('consent_granted', 2)]: 1,
        [responseKey(CONSENT, 200)]: 1,
      });
      expect(await changesOf(() => put('consent', { granted: false }))).toEqual({
        [usageKey('consent_withdrawn', 2)]: 1,
        [responseKey(CONSENT, 200)]: 1,
      });
      expect(await changesOf(() => put('consent', { granted: 'no' }))).toEqual({ [responseKey(CONSENT, 400)]: 1 });
    });
  });
});

describe('http_responses_total, exactly', () => {
  it('counts health, listing and event creation (201, 401, 403) by endpoint', async () => {
    expect(await changesOf(() => app.request('GET', '/healthz'))).toEqual({ [responseKey('GET /healthz', 200)]: 1 });
    expect(await changesOf(() => app.request('GET', '/api/events'))).toEqual({ [responseKey('GET /api/events', 200)]: 1 });
    const create = async () => {
      await app.request('POST', '/api/events', { token: ADMIN_TOKEN, body: { name: 'Counted' } });
      await app.request('POST', '/api/events', { body: { name: 'Counted' } });
      await app.request('POST', '/api/events', { token: 'wrong', body: { name: 'Counted' } });
    };
    expect(await changesOf(create)).toEqual({
      [responseKey('POST /api/events', 201)]: 1,
      [responseKey('POST /api/events', 401)]: 1,
      [responseKey('POST /api/events', 403)]: 1,
    });
  });

  it('counts unknown routes under "unmatched", never their path', async () => {
    const changes = await changesOf(async () => {
      await app.request('GET', '/no/such/route');
      await app.request('POST', '/api/events/1/nothing-here?email=x@example.test');
    });
    expect(changes).toEqual({ [responseKey(UNMATCHED, 404)]: 2 });
  });

  it('counts HEAD on a route with no GET handler as "unmatched", HEAD on a GET route under HEAD and its template', async () => {
    const head = (path: string) => fetch(`${app.baseUrl}${path}`, { method: 'HEAD' }).then((response) => response.status);
    expect(await changesOf(() => head('/api/events/1/signups'))).toEqual({ [responseKey(UNMATCHED, 404)]: 1 });
    expect(await changesOf(() => head(`/api/events/1/profiles/${crypto.randomUUID()}/consent`))).toEqual({
      [responseKey(UNMATCHED, 404)]: 1,
    });
    // express answers it with the GET handler, which counts the view as a GET would.
    expect(await changesOf(() => head('/api/events/1/directory'))).toEqual({
      [responseKey('HEAD /api/events/:eventId/directory', 200)]: 1,
      [usageKey('directory_page_view', 1)]: 1,
    });
    const lines = app.logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => line.method === 'HEAD').map(({ route, status }) => ({ route, status }))).toEqual([
      { route: UNMATCHED, status: 404 },
      { route: UNMATCHED, status: 404 },
      { route: '/api/events/:eventId/directory', status: 200 },
    ]);
  });

  it('counts a thrown error as a 500 of its endpoint', async () => {
    const broken = await startTestApp();
    const before = await broken.counts();
    broken.running.db.exec('ALTER TABLE profiles RENAME TO profiles_gone');
    await broken.request('GET', '/api/events/1/directory');
    expect(seriesChanges(before, await broken.counts())).toEqual({ [responseKey(DIRECTORY, 500)]: 1 });
    await broken.stop();
  });
});

describe('opt-out', () => {
  const optOuts: Record<string, string>[] = [{ ANALYTICS_DISABLED: 'true' }, { DO_NOT_TRACK: '1' }];
  for (const optOut of optOuts) {
    it(`${Object.keys(optOut).join()}: the app works and no usage series is exported at all`, async () => {
      const quiet = await startTestApp(optOut);
      const person = await quiet.signUp(1);
      const put = (what: string, body: object) =>
        quiet.request('PUT', `/api/events/1/profiles/${person.profileId}/${what}`, { body, token: person.editToken });
      expect((await put('visibility', { visible: true })).status).toBe(200);
      expect((await put('consent', { granted: true })).status).toBe(200);
      expect((await put('consent', { granted: false })).status).toBe(200);
      expect((await quiet.request('GET', '/api/events/1/directory')).status).toBe(200);
      expect((await quiet.request('GET', '/api/events/1/directory/search?q=person')).status).toBe(200);
      expect(seriesOf(await quiet.counts(), 'analytics_events_total')).toEqual([]);
      await quiet.stop();
    });
  }
});
