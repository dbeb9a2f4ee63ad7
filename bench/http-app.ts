/**
 * One reference app under load for bench/http.ts, in its own process so that neither the load generator nor the other
 * variants share its event loop or its JIT state. `node bench/http-app.ts <variant>` (forked with an IPC channel):
 * starts the app on an ephemeral loopback port with an in-memory database, seeds events whose directories are full
 * pages of visible profiles, sends `{ url, paths }` to the parent, answers `cpu` with the CPU time it has used so far
 * (`{ cpuMicros }`), and closes when the parent says `stop`.
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

export interface CpuMessage {
  /**
   * User + system CPU time of this process's main thread so far: where the app and the middleware run. The GC's and
   * libuv's helper threads are left out, so their scheduling on a shared machine does not blur the figure.
   */
  readonly cpuMicros: number;
}

export interface ReadyMessage {
  readonly url: string;
  /** Directory pages of the seeded events, each a full page of visible profiles. */
  readonly paths: readonly string[];
}

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
const instrumentation = {
  none: () => 'none',
  quietcount: () => undefined,
  'express-prom-bundle': expressPromBundle,
} satisfies Record<string, () => RequestHandler | 'none' | undefined>;
export type Variant = keyof typeof instrumentation;

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

const variant = process.argv[2] ?? '';
if (!Object.hasOwn(instrumentation, variant)) throw new Error(`variant must be one of ${Object.keys(instrumentation).join(', ')}`);
const app = createApp({
  env: { NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', METRICS_PORT: '0', DATABASE_PATH: ':memory:', ADMIN_TOKEN },
  // The request log stays on, as in the app as shipped, written where it costs its serialisation but no terminal.
  logger: createAppLogger(pino.destination({ dest: '/dev/null', sync: false })),
  httpInstrumentation: instrumentation[variant as Variant](),
});
const { url } = await app.listen();
const ready: ReadyMessage = { url, paths: await seed(url) };
process.send?.(ready);
process.on('message', (message) => {
  if (message === 'cpu') {
    const { user, system } = process.threadCpuUsage();
    const answer: CpuMessage = { cpuMicros: user + system };
    process.send?.(answer);
  } else if (message === 'stop') {
    void app.close().then(() => {
      process.disconnect();
    });
  }
});
