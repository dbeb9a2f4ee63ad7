/**
 * Realistic traffic against a running reference app, so Prometheus and the dashboards have something to show:
 * people sign up, browse and search the directory, show or hide their profile, grant or withdraw consent, and
 * sometimes get things wrong (the 4xx a real app sees). Only the given URL is contacted.
 */
import { seededRandom, type Random } from './random.ts';

export interface DemoOptions {
  /** Base URL of the app, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /** How many requests to send in all. */
  readonly requests: number;
  /** Requests per second; 0 sends as fast as the app answers. */
  readonly rate: number;
  /** Stops early after this long, whatever is left. */
  readonly maxDurationMs: number;
  /** How many of the app's events get traffic. */
  readonly events: number;
  readonly seed: number;
  /** Called after each request. */
  readonly onRequest?: (sent: number, status: number) => void;
}

export interface DemoSummary {
  readonly sent: number;
  /** Responses per status code. */
  readonly statuses: Readonly<Record<number, number>>;
}

interface Person {
  readonly eventId: number;
  readonly profileId: string;
  readonly editToken: string;
  readonly email: string;
  visible: boolean;
  consent: boolean;
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Katherine', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Frances', 'Tim', 'Radia', 'Guido', 'Hedy', 'Edsger', 'Shafi'];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Johnson', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson', 'Allen', 'Berners-Lee', 'Perlman', 'van Rossum', 'Lamarr', 'Dijkstra', 'Goldwasser'];
const INTERESTS = ['compilers', 'privacy', 'databases', 'accessibility', 'distributed systems', 'design', 'security', 'open data', 'teaching', 'typography'];
const SEARCH_TERMS = [...INTERESTS, 'ada', 'grace', 'hop', 'data', 'sec', 'zzz-no-match'];

/** What one step of traffic does, with its weight. */
const ACTIONS = [
  ['signup', 24],
  ['view', 32],
  ['search', 16],
  ['visibility', 13],
  ['consent', 9],
  ['mistake', 6],
] as const;
type Action = (typeof ACTIONS)[number][0];
const TOTAL_WEIGHT = ACTIONS.reduce((sum, [, weight]) => sum + weight, 0);

export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const random = seededRandom(options.seed);
  const base = new URL(options.url);
  const run = Math.floor(random.next() * 36 ** 6).toString(36);
  const statuses: Record<number, number> = {};
  const people: Person[] = [];
  let sent = 0;

  const send = async (method: string, path: string, body?: unknown, token?: string): Promise<Reply> => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const response = await fetch(new URL(path, base), {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const reply = { status: response.status, body: await response.json() };
    sent += 1;
    statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
    options.onRequest?.(sent, reply.status);
    return reply;
  };

  const listed = await send('GET', '/api/events');
  const eventIds = eventIdsOf(listed).slice(0, options.events);
  if (eventIds.length === 0) throw new Error('the app lists no events (it creates demo events on its first start)');

  const steps: Record<Action, () => Promise<unknown>> = {
    signup: async () => {
      const eventId = random.pick(eventIds);
      const first = random.pick(FIRST_NAMES);
      const last = random.pick(LAST_NAMES);
      const email = `${first}.${last}.${run}.${String(sent)}@example.test`.toLowerCase().replace(/[^a-z0-9.@-]/g, '');
      const bio = random.chance(0.7) ? `Into ${random.pick(INTERESTS)} and ${random.pick(INTERESTS)}` : undefined;
      const reply = await send('POST', `/api/events/${String(eventId)}/signups`, { name: `${first} ${last}`, email, bio });
      const created = reply.body as { profileId?: string; editToken?: string };
      if (reply.status === 201 && created.profileId !== undefined && created.editToken !== undefined) {
        people.push({ eventId, profileId: created.profileId, editToken: created.editToken, email, visible: false, consent: false });
      }
    },
    view: () => {
      const page = random.chance(0.8) ? '' : '?page=2';
      return send('GET', `/api/events/${String(random.pick(eventIds))}/directory${page}`);
    },
    search: () => {
      const q = encodeURIComponent(random.pick(SEARCH_TERMS));
      return send('GET', `/api/events/${String(random.pick(eventIds))}/directory/search?q=${q}`);
    },
    visibility: async () => {
      const person = random.pick(people);
      // Most people who change it want to appear; some hide again.
      const visible = person.visible ? !random.chance(0.3) : random.chance(0.85);
      const reply = await send('PUT', profilePath(person, 'visibility'), { visible }, person.editToken);
      if (reply.status === 200) person.visible = visible;
    },
    consent: async () => {
      const person = random.pick(people);
      const granted = !person.consent || random.chance(0.2);
      const reply = await send('PUT', profilePath(person, 'consent'), { granted }, person.editToken);
      if (reply.status === 200) person.consent = granted;
    },
    mistake: () => mistake(random, send, eventIds, people),
  };

  const started = Date.now();
  const interval = options.rate > 0 ? 1000 / options.rate : 0;
  while (sent < options.requests && Date.now() - started < options.maxDurationMs) {
    const action = chooseAction(random, people.length > 0);
    await steps[action]();
    const due = started + sent * interval;
    if (due > Date.now()) await sleep(due - Date.now());
  }
  return { sent, statuses };
}

function chooseAction(random: Random, anyoneSignedUp: boolean): Action {
  if (!anyoneSignedUp) return 'signup';
  let roll = random.next() * TOTAL_WEIGHT;
  for (const [action, weight] of ACTIONS) {
    roll -= weight;
    if (roll < 0) return action;
  }
  return 'view';
}

/** The 4xx a real app sees: typos, stale links, expired tokens, double submits. */
function mistake(
  random: Random,
  send: (method: string, path: string, body?: unknown, token?: string) => Promise<Reply>,
  eventIds: readonly number[],
  people: readonly Person[],
): Promise<Reply> {
  const person = random.pick(people);
  const eventPath = `/api/events/${String(random.pick(eventIds))}`;
  const mistakes = [
    () => send('GET', '/api/events/999999/directory'),
    () => send('GET', `${eventPath}/directory/search`),
    () => send('GET', `${eventPath}/directory?page=0`),
    () => send('POST', `/api/events/${String(person.eventId)}/signups`, { name: 'Again', email: person.email }),
    () => send('POST', `${eventPath}/signups`, '{"name": "Half a body'),
    () => send('PUT', profilePath(person, 'visibility'), { visible: true }, 'an-expired-token'),
    () => send('POST', '/api/events', { name: 'Not allowed' }),
    () => send('GET', '/api/event'),
  ];
  return random.pick(mistakes)();
}

function profilePath(person: Person, what: 'visibility' | 'consent'): string {
  return `/api/events/${String(person.eventId)}/profiles/${person.profileId}/${what}`;
}

function eventIdsOf(reply: Reply): number[] {
  const events = (reply.body as { events?: { id?: unknown }[] }).events ?? [];
  return events.map((event) => event.id).filter((id): id is number => typeof id === 'number');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
