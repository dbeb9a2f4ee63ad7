import Router from '@koa/router';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { httpCounter } from '../../../src/adapters/koa.ts';
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
  runningApp,
  type RunningApp,
} from './framework-traffic.ts';

function listen(app: Koa): Promise<RunningApp> {
  return runningApp(app.listen(0, '127.0.0.1'));
}

/** The standard routes: the plans on a router of their own, nested under a prefix, as Koa apps split them. */
function standardApp(telemetry: Telemetry): Promise<RunningApp> {
  const app = new Koa();
  app.silent = true;
  app.use(httpCounter(telemetry));
  const plans = new Router({ prefix: '/plans' });
  plans.post('/:planId/checkout', (ctx) => {
    ctx.status = 201;
    ctx.body = { ok: true };
  });
  plans.get('/:planId/compare', (ctx) => {
    if (ctx.params.planId === '404') {
      ctx.status = 404;
      ctx.body = { error: 'unknown plan' };
    } else ctx.body = { plans: [] };
  });
  const router = new Router();
  router.post('/boom', () => {
    throw new Error('boom');
  });
  router.get('/files/*path', (ctx) => {
    ctx.body = { ok: true };
  });
  router.get('/reports{/:year}', (ctx) => {
    ctx.body = { ok: true };
  });
  app.use(plans.routes());
  app.use(router.routes());
  return listen(app);
}

describe('quietcount/koa', () => {
  it('counts by method + route template and the status code sent, errors as 500, unknown paths as unmatched', async () => {
    const { telemetry, counts } = await startTelemetry();
    const app = await standardApp(telemetry);
    await sendStandardTraffic(app);
    await app.close();
    expectStandardCounts(await counts());
  });

  it("counts @koa/router's own route syntax: wildcards and optional parts", async () => {
    const { telemetry, counts } = await startTelemetry();
    const app = await standardApp(telemetry);
    expect(await send(app, 'GET', '/files/a/b/secret.txt')).toBe(200);
    expect(await send(app, 'GET', '/reports')).toBe(200);
    expect(await send(app, 'GET', '/reports/2026')).toBe(200);
    await app.close();
    const text = await counts();
    expect(valueOf(text, 'http_responses_total', { endpoint: 'GET /files/*path', status_code: '200' })).toBe(1);
    expect(valueOf(text, 'http_responses_total', { endpoint: 'GET /reports{/:year}', status_code: '200' })).toBe(2);
    expect(text).not.toMatch(/secret|2026/);
  });

  it('never counts a hostile path', async () => {
    const { telemetry, counts } = await startTelemetry();
    const app = await standardApp(telemetry);
    await expectHostilePathsKeptOut(app, counts);
    await app.close();
  });

  it('bounds distinct endpoints', async () => {
    const { telemetry, counts } = await startTelemetry();
    const app = new Koa();
    app.use(httpCounter(telemetry));
    const router = new Router();
    for (let index = 0; index < GENERATED_ROUTES; index += 1) {
      router.get(`/generated/route${String(index)}`, (ctx) => {
        ctx.body = 'ok';
      });
    }
    app.use(router.routes());
    const running = await listen(app);
    await sendToGeneratedRoutes(running);
    await running.close();
    expectEndpointsBounded(await counts());
  });

  it('says once, through the telemetry logger, when responses pass through no @koa/router, and counts them unmatched', async () => {
    const { telemetry, counts, logs } = await startTelemetry();
    // A Koa app that routes by hand, as some do: no @koa/router, so no template to read, and never the URL.
    const app = new Koa();
    app.use(httpCounter(telemetry));
    app.use((ctx) => {
      if (ctx.method === 'POST' && /^\/plans\/\d+\/checkout$/.test(ctx.path)) {
        ctx.status = 201;
        ctx.body = { ok: true };
      }
    });
    const running = await listen(app);
    for (let index = 0; index < 3; index += 1) expect(await send(running, 'POST', '/plans/7/checkout')).toBe(201);
    expect(await send(running, 'GET', '/nope')).toBe(404);
    await running.close();
    const text = await counts();
    expect(endpointsOf(text)).toEqual(['unmatched']);
    expect(valueOf(text, 'http_responses_total', { endpoint: 'unmatched', status_code: '201' })).toBe(3);
    expect(noTemplateLines(logs.text())).toBe(1);
    expect(logs.text()).not.toMatch(/plans|nope/);
  });

  it('says nothing of a response an earlier middleware answered once @koa/router has routed one', async () => {
    const { telemetry, counts, logs } = await startTelemetry();
    const app = new Koa();
    app.use(httpCounter(telemetry));
    app.use(async (ctx, next) => {
      if (ctx.get('authorization') === '') ctx.status = 401;
      else await next();
    });
    const router = new Router();
    router.get('/plans/:planId/compare', (ctx) => {
      ctx.body = { plans: [] };
    });
    app.use(router.routes());
    const running = await listen(app);
    expect((await fetch(`${running.url}/plans/9/compare`, { headers: { authorization: 'Bearer x' } })).status).toBe(200);
    expect(await send(running, 'GET', '/plans/9/compare')).toBe(401);
    await running.close();
    const text = await counts();
    expect(valueOf(text, 'http_responses_total', { endpoint: 'GET /plans/:planId/compare', status_code: '200' })).toBe(1);
    expect(valueOf(text, 'http_responses_total', { endpoint: 'unmatched', status_code: '401' })).toBe(1);
    expect(noTemplateLines(logs.text())).toBe(0);
  });
});
