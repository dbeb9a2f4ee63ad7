/**
 * The reference app (express 5) for bench/http.ts, with an in-memory database seeded over its own API with events
 * whose directories are full pages of visible profiles: without HTTP instrumentation, with quietcount's middleware
 * (the app's default), or with express-prom-bundle.
 */
import { pino } from 'pino';
import promBundle from 'express-prom-bundle';
import { Registry } from 'prom-client';
import type { RequestHandler } from 'express';
import { createApp } from '../examples/event-directory/src/server.ts';
import { createAppLogger } from '../examples/event-directory/src/logger.ts';
import { PAGE_SIZE } from '../examples/event-directory/src/db/profiles.ts';
import { UNMATCHED } from '../src/schema/bounds.ts';
import { routeTemplateOf } from '../src/adapters/express.ts';
import type { BenchApp, Variant } from './http-frameworks.ts';

const EVENTS = 4;
const ADMIN_TOKEN = 'bench-admin-token-0123456789';

/** express-prom-bundle as its README suggests for labels by route: method + the express route template as `path`. */
function expressPromBundle(): RequestHandler {
  return promBundle({
    includeMethod: true,
    includePath: true,
    normalizePath: (req) => routeTemplateOf(req) ?? UNMATCHED,
    autoregister: false,
    promRegistry: new Registry(),
  });
}

/** Variant → the app's `httpInstrumentation` (undefined: the default, quietcount's middleware). */
const instrumentation: Record<Variant, () => RequestHandler | 'none' | undefined> = {
  none: () => 'none',
  quietcount: () => undefined,
  peer: expressPromBundle,
};

async function seed(url: string): Promise<string[]> {
  const send = async (method: string, path: string, body: unknown, token: string): Promise<Record<string, unknown>> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`seeding: ${method} ${path} answered ${String(response.status)}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const paths: string[] = [];
  for (let event = 1; event <= EVENTS; event += 1) {
    const { id } = await send('POST', '/api/events', { name: `Bench gathering ${String(event)}` }, ADMIN_TOKEN);
    const eventId = String(id);
    for (let person = 1; person <= PAGE_SIZE; person += 1) {
      const body = { name: `Attendee ${String(person)}`, email: `attendee${String(person)}@example.test` };
      const signup = await send('POST', `/api/events/${eventId}/signups`, body, ADMIN_TOKEN);
      const { profileId, editToken } = signup as { profileId: string; editToken: string };
      await send('PUT', `/api/events/${eventId}/profiles/${profileId}/visibility`, { visible: true }, editToken);
    }
    paths.push(`/api/events/${eventId}/directory`);
  }
  return paths;
}

export async function startExpress(variant: Variant): Promise<BenchApp> {
  const app = createApp({
    env: { NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', METRICS_PORT: '0', DATABASE_PATH: ':memory:', ADMIN_TOKEN },
    // The request log stays on, as in the app as shipped, written where it costs its serialisation but no terminal.
    logger: createAppLogger(pino.destination({ dest: '/dev/null', sync: false })),
    httpInstrumentation: instrumentation[variant](),
  });
  const { url } = await app.listen();
  return { url, paths: await seed(url), close: () => app.close() };
}
