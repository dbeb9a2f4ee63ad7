/**
 * Counters derived from the append-only tables survive a restart: same database file, same values, while the
 * in-memory counters start again from nothing.
 */
import { expect, it } from 'vitest';
import { seriesKey, startTestApp, tempDatabasePath, usageKey } from '../support/app.ts';
import { parseExposition } from '../../../../test/support/exposition.ts';

function usageSeries(text: string): Record<string, number> {
  return Object.fromEntries(
    parseExposition(text)
      .filter((sample) => sample.name === 'analytics_events_total')
      .map((sample) => [seriesKey(sample.name, sample.labels), sample.value]),
  );
}

it('keeps signup, visibility and consent counts across a restart on the same database file', async () => {
  const env = { DATABASE_PATH: await tempDatabasePath() };
  const first = await startTestApp(env);
  const ada = await first.signUp(1);
  await first.signUp(1);
  const bob = await first.signUp(3);
  const put = (eventId: number, profileId: string, token: string, what: string, body: object) =>
    first.request('PUT', `/api/events/${String(eventId)}/profiles/${profileId}/${what}`, { body, token });
  await put(1, ada.profileId, ada.editToken, 'visibility', { visible: true });
  await put(1, ada.profileId, ada.editToken, 'visibility', { visible: false });
  await put(3, bob.profileId, bob.editToken, 'consent', { granted: true });
  await put(3, bob.profileId, bob.editToken, 'consent', { granted: false });
  await first.request('GET', '/api/events/1/directory');
  const expectedTableCounts = {
    [usageKey('event_signup', 1)]: 2,
    [usageKey('event_signup', 3)]: 1,
    [usageKey('profile_visibility_on', 1)]: 1,
    [usageKey('profile_visibility_off', 1)]: 1,
    [usageKey('consent_granted', 3)]: 1,
    [usageKey('consent_withdrawn', 3)]: 1,
  };
  expect(usageSeries(await first.counts())).toEqual({ ...expectedTableCounts, [usageKey('directory_page_view', 1)]: 1 });
  const eventsBefore = (await first.request('GET', '/api/events')).json;
  await first.stop();

  const second = await startTestApp(env);
  expect(usageSeries(await second.counts())).toEqual(expectedTableCounts);
  // Demo events are created on the first start only.
  expect((await second.request('GET', '/api/events')).json).toEqual(eventsBefore);
  // The profile and its token survived too.
  expect((await second.request('PUT', `/api/events/1/profiles/${ada.profileId}/visibility`, {
    body: { visible: true },
    token: ada.editToken,
  })).json).toEqual({ visible: true, changed: true });
  await second.stop();
});
