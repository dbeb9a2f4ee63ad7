/**
 * Real HTTP traffic to test apps, tallied as the apps must count it: usage events per event_name and event_id, and
 * responses per endpoint and status code, keyed like `usageKey` and `responseKey`. Every request states the status
 * it must get and fails otherwise, so the tally never holds something an app did not do.
 */
import { type EventName } from './catalog.ts';
import { responseKey, usageKey, type Reply, type RequestOptions, type Signup, type TestApp } from './app.ts';

export const ENDPOINTS = {
  createEvent: 'POST /api/events',
  signup: 'POST /api/events/:eventId/signups',
  directory: 'GET /api/events/:eventId/directory',
  search: 'GET /api/events/:eventId/directory/search',
  visibility: 'PUT /api/events/:eventId/profiles/:profileId/visibility',
  consent: 'PUT /api/events/:eventId/profiles/:profileId/consent',
  unmatched: 'unmatched',
} as const;

export interface SentRequest extends RequestOptions {
  readonly method: string;
  readonly path: string;
  /** The endpoint the app reports: its route template, or `unmatched`. */
  readonly endpoint: string;
  readonly status: number;
  /** The usage event the request counts. */
  readonly counts?: { readonly eventName: EventName; readonly eventId: number };
}

let people = 0;

export class SentTraffic {
  private readonly sent: SentRequest[] = [];

  async send(app: TestApp, request: SentRequest): Promise<Reply> {
    const reply = await app.request(request.method, request.path, request);
    if (reply.status !== request.status) {
      throw new Error(`${request.method} ${request.path} answered ${String(reply.status)}, not ${String(request.status)}: ${reply.text}`);
    }
    this.sent.push(request);
    return reply;
  }

  /** `usageKey` → events counted. */
  get usage(): Map<string, number> {
    const usage = new Map<string, number>();
    for (const { counts } of this.sent) if (counts !== undefined) add(usage, usageKey(counts.eventName, counts.eventId));
    return usage;
  }

  /** `responseKey` → responses. */
  get responses(): Map<string, number> {
    const responses = new Map<string, number>();
    for (const { endpoint, status } of this.sent) add(responses, responseKey(endpoint, status));
    return responses;
  }

  /** The share of `endpoint`'s responses that were 4xx (what endpoint:http_client_errors_per_responses:ratio_rate5m is). */
  clientErrorShare(endpoint: string): number {
    const statuses = this.sent.filter((request) => request.endpoint === endpoint).map(({ status }) => status);
    if (statuses.length === 0) throw new Error(`nothing was sent to ${endpoint}`);
    return statuses.filter((status) => status >= 400 && status < 500).length / statuses.length;
  }

  /** A new person signs up (201). */
  async signUp(app: TestApp, eventId: number): Promise<Signup & { readonly email: string }> {
    people += 1;
    // Not `person<n>@`: TestApp.signUp numbers its people the same way, on the same events.
    const email = `sent-person${String(people)}@example.test`;
    const reply = await this.send(app, {
      ...signupRequest(eventId, { name: `Person ${String(people)}`, email }),
      status: 201,
      counts: { eventName: 'event_signup', eventId },
    });
    return { ...(reply.json as unknown as Signup), email };
  }

  /** The same email again: a 409 that counts nothing. */
  async signUpAgain(app: TestApp, eventId: number, email: string): Promise<void> {
    await this.send(app, { ...signupRequest(eventId, { name: 'Someone Else', email }), status: 409 });
  }

  async view(app: TestApp, eventId: number): Promise<void> {
    await this.send(app, {
      method: 'GET',
      path: `/api/events/${String(eventId)}/directory`,
      endpoint: ENDPOINTS.directory,
      status: 200,
      counts: { eventName: 'directory_page_view', eventId },
    });
  }

  async search(app: TestApp, eventId: number, text: string): Promise<void> {
    await this.send(app, {
      method: 'GET',
      path: `/api/events/${String(eventId)}/directory/search?q=${encodeURIComponent(text)}`,
      endpoint: ENDPOINTS.search,
      status: 200,
      counts: { eventName: 'directory_search', eventId },
    });
  }

  /** `changes: false` when the profile already has that visibility: a 200 that counts nothing. */
  async setVisibility(app: TestApp, eventId: number, signup: Signup, visible: boolean, changes = true): Promise<void> {
    await this.send(app, {
      ...profileChange(eventId, signup, 'visibility', { visible }),
      status: 200,
      ...(changes ? { counts: { eventName: visible ? 'profile_visibility_on' : 'profile_visibility_off', eventId } } : {}),
    });
  }

  async setConsent(app: TestApp, eventId: number, signup: Signup, granted: boolean): Promise<void> {
    await this.send(app, {
      ...profileChange(eventId, signup, 'consent', { granted }),
      status: 200,
      counts: { eventName: granted ? 'consent_granted' : 'consent_withdrawn', eventId },
    });
  }
}

export function signupRequest(eventId: number, body: object) {
  return { method: 'POST', path: `/api/events/${String(eventId)}/signups`, body, endpoint: ENDPOINTS.signup };
}

export function profileChange(eventId: number, signup: Signup, what: 'visibility' | 'consent', body: object) {
  return {
    method: 'PUT',
    path: `/api/events/${String(eventId)}/profiles/${signup.profileId}/${what}`,
    body,
    token: signup.editToken,
    endpoint: what === 'visibility' ? ENDPOINTS.visibility : ENDPOINTS.consent,
  };
}

/** The tallies of several `SentTraffic`, added up (replicas of one app). */
export function summed(tallies: readonly ReadonlyMap<string, number>[]): Map<string, number> {
  const sum = new Map<string, number>();
  for (const tally of tallies) for (const [key, count] of tally) add(sum, key, count);
  return sum;
}

function add(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}
