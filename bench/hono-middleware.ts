/**
 * What a Hono middleware costs before it does anything, beside what quietcount's and @hono/prometheus' do, in one
 * process through `app.request()` (no sockets, so the framework's own CPU alone). A Hono app whose route has one
 * handler answers it directly; any middleware makes Hono compose the handlers and answer through promises, which
 * @hono/node-server then takes its slower path for. The HTTP benchmark measures that too: this one separates it from
 * the counter's own work.
 */
import { prometheus } from '@hono/prometheus';
import { Hono } from 'hono';
import { Registry } from 'prom-client';
import { httpCounter } from '../src/adapters/hono.ts';
import { createTelemetry } from '../src/index.ts';
import { catalog } from '../examples/event-directory/src/telemetry.ts';
import { fixed, median, table } from './support.ts';

const REQUESTS_PER_ROUND = 20_000;
const ROUNDS = 9;
const EVENT_IDS = 100;

const telemetry = createTelemetry({ catalog, env: { NODE_ENV: 'production', METRICS_PORT: '0' } });

const VARIANTS = {
  'no middleware': (_app: Hono) => undefined,
  'a middleware that only awaits next()': (app: Hono) => {
    app.use(async (_c, next) => {
      await next();
    });
  },
  quietcount: (app: Hono) => {
    app.use(httpCounter(telemetry));
  },
  '@hono/prometheus': (app: Hono) => {
    app.use('*', prometheus({ registry: new Registry() }).registerMetrics);
  },
} satisfies Record<string, (app: Hono) => void>;
type VariantName = keyof typeof VARIANTS;

function appWith(variant: VariantName): Hono {
  const app = new Hono();
  VARIANTS[variant](app);
  app.get('/api/events/:eventId/directory', (c) => c.json({ eventId: c.req.param('eventId'), profiles: [] }));
  return app;
}

const names = Object.keys(VARIANTS) as VariantName[];
const apps = new Map(names.map((name) => [name, appWith(name)]));
const samples = new Map<VariantName, number[]>(names.map((name) => [name, []]));
// Interleaved rounds, after one round of warm-up, so that a noisy moment of the machine hits every variant alike.
for (let round = -1; round < ROUNDS; round += 1) {
  for (const name of names) {
    const app = apps.get(name);
    if (app === undefined) throw new Error(name);
    const started = process.hrtime.bigint();
    for (let index = 0; index < REQUESTS_PER_ROUND; index += 1) {
      const response = await app.request(`/api/events/${String(index % EVENT_IDS)}/directory`);
      await response.arrayBuffer();
    }
    if (round >= 0) samples.get(name)?.push(Number(process.hrtime.bigint() - started) / REQUESTS_PER_ROUND / 1000);
  }
}
await telemetry.shutdown();

const microseconds = new Map(names.map((name) => [name, median(samples.get(name) ?? [])]));
const of = (name: VariantName): number => microseconds.get(name) ?? Number.NaN;
const bare = of('no middleware');
const emptyMiddleware = of('a middleware that only awaits next()') - bare;
const own = (name: VariantName): number => of(name) - bare - emptyMiddleware;

process.stdout.write(`## Hono: what a middleware costs before it does anything, ${String(REQUESTS_PER_ROUND)} requests × ${String(ROUNDS)} interleaved rounds (median), in one process

Hono 4's \`app.request()\`, no sockets: the framework's own CPU per request. Any middleware makes Hono compose the route's handlers and answer with a promise, and @hono/node-server answers a promise on a slower path than a response it gets at once: the HTTP benchmark above includes both, the same for every middleware. This separates them from what each counter does.

${table(
  ['variant', 'µs/request', 'added to no middleware', 'added beyond a middleware that only awaits next()'],
  names.map((name) => [name, fixed(of(name), 2), fixed(of(name) - bare, 2), name === 'no middleware' ? '' : fixed(own(name), 2)]),
)}

quietcount / @hono/prometheus: ${fixed((of('quietcount') - bare) / (of('@hono/prometheus') - bare), 2)} of what each adds to the app, ${fixed(own('quietcount') / own('@hono/prometheus'), 2)} of what each adds beyond an empty middleware.\n`);
