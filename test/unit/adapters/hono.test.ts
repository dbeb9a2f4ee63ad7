import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { matchedRoutes } from 'hono/route';
import { describe, expect, it } from 'vitest';
import { httpCounter, type HonoHttpCounterOptions } from '../../../src/adapters/hono.ts';
import type { Telemetry } from '../../../src/index.ts';
import { valueOf } from '../../support/exposition.ts';
import { startTelemetry } from '../../support/telemetry.ts';
import {
  GENERATED_ROUTES,
  endpointsOf,
  expectEndpointsBounded,
  expectHostilePathsKeptOut,
  expectStandardCounts,
  noTemplateLines,
  send,
  sendStandardTraffic,
  sendToGeneratedRoutes,
  type RunningApp,
} from './framework-traffic.ts';

function listen(app: Hono): Promise<RunningApp> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${String(info.port)}`,
        close: () =>
          new Promise((closed) => {
            server.close(() => {
              closed();
            });
          }),
      });
    });
  });
}

/** The standard routes, the plans in a sub-app mounted with `app.route`, behind middleware of the app's own. */
function standardApp(telemetry: Telemetry, options?: HonoHttpCounterOptions, before?: (app: Hono) => void): Promise<RunningApp> {
  const app = new Hono();
  before?.(app);
  app.use(httpCounter(telemetry, options));
  app.use('/plans/*', async (_c, next) => {
    await next();
  });
  const plans = new Hono();
  plans.post('/:planId/checkout', (c) => c.json({ ok: true }, 201));
  plans.get('/:planId/compare', (c) => (c.req.param('planId') === '404' ? c.json({ error: 'unknown plan' }, 404) : c.json({ plans: [] })));
  app.route('/plans', plans);
  app.post('/boom', () => {
    throw new Error('boom');
  });
  app.get('/invoices/:invoiceId{[0-9]+}', (c) => c.json({ ok: true }));
  app.get('/files/*', (c) => c.json({ ok: true }));
  app.get('/reports/:year?', (c) => c.json({ ok: true }));
  // What every Hono app answers a thrown error with, unless it says otherwise; written out to be sure it is a 500.
  app.onError((_error, c) => c.json({ error: 'internal error' }, 500));
  return listen(app);
}

describe('quietcount/hono', () => {
  it('counts by method + route template and the status code sent, errors as 500, unknown paths as unmatched', async () => {
    const { telemetry, counts } = await startTelemetry();
    const app = await standardApp(telemetry);
    await sendStandardTraffic(app);
    await app.close();
    expectStandardCounts(await counts());
  });

  it("reads the same templates through matchedRoutes of 'hono/route' when given it", async () => {
    const { telemetry, counts } = await startTelemetry();
    const app = await standardApp(telemetry, { matchedRoutes });
    await sendStandardTraffic(app);
    await app.close();
    expectStandardCounts(await counts());
  });

  it("counts Hono's own route syntax: regular expression parameters, wildcards, optional parameters", async () => {
    const { telemetry, counts } = await startTelemetry();
    const app = await standardApp(telemetry);
    expect(await send(app, 'GET', '/invoices/12')).toBe(200);
    expect(await send(app, 'GET', '/invoices/twelve')).toBe(404);
    expect(await send(app, 'GET', '/files/a/b/secret.txt')).toBe(200);
    expect(await send(app, 'GET', '/reports')).toBe(200);
    expect(await send(app, 'GET', '/reports/2026')).toBe(200);
    await app.close();
    const text = await counts();
    expect(valueOf(text, 'http_responses_total', { endpoint: 'GET /invoices/:invoiceId{[0-9]+}', status_code: '200' })).toBe(1);
    expect(valueOf(text, 'http_responses_total', { endpoint: 'GET /files/*', status_code: '200' })).toBe(1);
    expect(valueOf(text, 'http_responses_total', { endpoint: 'GET /reports/:year?', status_code: '200' })).toBe(2);
    expect(valueOf(text, 'http_responses_total', { endpoint: 'unmatched', status_code: '404' })).toBe(1);
    expect(text).not.toMatch(/twelve|secret|2026/);
  });

  it('counts a response a middleware gave before any route ran as unmatched', async () => {
    const { telemetry, counts } = await startTelemetry();
    const app = new Hono();
    app.use(httpCounter(telemetry));
    app.use('/plans/*', async (c, next) => {
      if (c.req.header('authorization') === undefined) return c.json({ error: 'sign in' }, 401);
      await next();
      return undefined;
    });
    app.get('/plans/:planId/compare', (c) => c.json({ plans: [] }));
    const running = await listen(app);
    expect((await fetch(`${running.url}/plans/9/compare`, { headers: { authorization: 'Bearer x' } })).status).toBe(200);
    expect(await send(running, 'GET', '/plans/9/compare')).toBe(401);
    await running.close();
    const text = await counts();
    expect(valueOf(text, 'http_responses_total', { endpoint: 'GET /plans/:planId/compare', status_code: '200' })).toBe(1);
    expect(valueOf(text, 'http_responses_total', { endpoint: 'unmatched', status_code: '401' })).toBe(1);
  });

  it('counts an app.all() route by its template, and a middleware that answered as unmatched', async () => {
    const { telemetry, counts } = await startTelemetry();
    const app = new Hono();
    app.use(httpCounter(telemetry));
    app.use('/webhooks/*', async (c, next) => {
      if (c.req.header('x-signature') === undefined) return c.json({ error: 'unsigned' }, 401);
      await next();
      return undefined;
    });
    app.all('/webhooks/:source', (c) => c.json({ ok: true }));
    // A sub-app with its own error handler: Hono wraps each of its routes, keeping the app's handler aside.
    const hooks = new Hono();
    hooks.all('/:hookId', (c) => c.json({ ok: true }));
    hooks.onError((_error, c) => c.json({ error: 'internal error' }, 500));
    app.route('/hooks', hooks);
    app.all('*', (c) => c.json({ error: 'not found' }, 404));
    const running = await listen(app);
    const signed = async (method: string, path: string) => {
      const response = await fetch(`${running.url}${path}`, { method, headers: { 'x-signature': 'x' } });
      await response.arrayBuffer();
      return response.status;
    };
    expect(await signed('POST', '/webhooks/stripe')).toBe(200);
    expect(await signed('PUT', '/webhooks/github')).toBe(200);
    expect(await send(running, 'POST', '/webhooks/stripe')).toBe(401);
    expect(await send(running, 'POST', '/hooks/alice')).toBe(200);
    expect(await send(running, 'GET', '/nope/alice@example.com')).toBe(404);
    await running.close();
    const text = await counts();
    expect(valueOf(text, 'http_responses_total', { endpoint: 'POST /webhooks/:source', status_code: '200' })).toBe(1);
    expect(valueOf(text, 'http_responses_total', { endpoint: 'PUT /webhooks/:source', status_code: '200' })).toBe(1);
    expect(valueOf(text, 'http_responses_total', { endpoint: 'unmatched', status_code: '401' })).toBe(1);
    expect(valueOf(text, 'http_responses_total', { endpoint: 'POST /hooks/:hookId', status_code: '200' })).toBe(1);
    expect(valueOf(text, 'http_responses_total', { endpoint: 'GET /*', status_code: '404' })).toBe(1);
    expect(valueOf(text, 'analytics_rejected_total', { reason: 'invalid_endpoint' })).toBe(0);
    expect(text).not.toMatch(/stripe|github|alice|nope/);
  });

  it('never counts a hostile path', async () => {
    const { telemetry, counts } = await startTelemetry();
    const app = await standardApp(telemetry);
    await expectHostilePathsKeptOut(app, counts);
    await app.close();
  });

  it('bounds distinct endpoints', async () => {
    const { telemetry, counts } = await startTelemetry();
    const app = new Hono();
    app.use(httpCounter(telemetry));
    for (let index = 0; index < GENERATED_ROUTES; index += 1) app.get(`/generated/route${String(index)}`, (c) => c.text('ok'));
    const running = await listen(app);
    await sendToGeneratedRoutes(running);
    await running.close();
    expectEndpointsBounded(await counts());
  });

  it('says once, through the telemetry logger, when this Hono offers no matched routes, and counts unmatched', async () => {
    const { telemetry, counts, logs } = await startTelemetry();
    // A Hono without `c.req.matchedRoutes` (deprecated in Hono 4; a later version may drop it): the real Hono, the
    // getter shadowed on each request. quietcount must not read the URL instead.
    const app = await standardApp(telemetry, {}, (hono) => {
      hono.use(async (c, next) => {
        Object.defineProperty(c.req, 'matchedRoutes', { value: undefined });
        await next();
      });
    });
    await sendStandardTraffic(app);
    await app.close();
    const text = await counts();
    expect(endpointsOf(text)).toEqual(['unmatched']);
    expect(valueOf(text, 'http_responses_total', { endpoint: 'unmatched', status_code: '201' })).toBe(3);
    expect(noTemplateLines(logs.text())).toBe(1);
    expect(logs.text()).toContain("pass { matchedRoutes } of 'hono/route'");
    expect(logs.text()).not.toMatch(/plans|alice|nope|boom/);
  });
});
