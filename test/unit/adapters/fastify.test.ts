import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { httpCounter } from '../../../src/adapters/fastify.ts';
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

async function listen(app: FastifyInstance): Promise<RunningApp> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${String((app.server.address() as AddressInfo).port)}`, close: () => app.close() };
}

/** The standard routes, some in a plugin of their own (an encapsulated context) and under a prefix. */
async function standardApp(telemetry: Telemetry, before?: (app: FastifyInstance) => void): Promise<RunningApp> {
  const app = Fastify();
  before?.(app);
  await app.register(httpCounter(telemetry));
  await app.register(
    (plans, _options, done) => {
      plans.post('/:planId/checkout', async (_request, reply) => reply.code(201).send({ ok: true }));
      plans.get<{ Params: { planId: string } }>('/:planId/compare', async (request, reply) =>
        request.params.planId === '404' ? reply.code(404).send({ error: 'unknown plan' }) : { plans: [] },
      );
      done();
    },
    { prefix: '/plans' },
  );
  app.post('/boom', () => {
    throw new Error('boom');
  });
  app.get('/invoices/:invoiceId(^\\d+)', () => ({ ok: true }));
  app.get('/files/*', () => ({ ok: true }));
  return listen(app);
}

describe('quietcount/fastify', () => {
  it('counts by method + route template and the status code sent, 404s of unknown paths as unmatched', async () => {
    const { telemetry, counts } = await startTelemetry();
    const app = await standardApp(telemetry);
    await sendStandardTraffic(app);
    await app.close();
    expectStandardCounts(await counts());
  });

  it("counts Fastify's own route syntax: regular expression parameters and wildcards", async () => {
    const { telemetry, counts } = await startTelemetry();
    const app = await standardApp(telemetry);
    expect(await send(app, 'GET', '/invoices/12')).toBe(200);
    expect(await send(app, 'GET', '/invoices/twelve')).toBe(404);
    expect(await send(app, 'GET', '/files/a/b/secret.txt')).toBe(200);
    await app.close();
    const text = await counts();
    expect(valueOf(text, 'http_responses_total', { endpoint: 'GET /invoices/:invoiceId(^\\d+)', status_code: '200' })).toBe(1);
    expect(valueOf(text, 'http_responses_total', { endpoint: 'GET /files/*', status_code: '200' })).toBe(1);
    expect(valueOf(text, 'http_responses_total', { endpoint: 'unmatched', status_code: '404' })).toBe(1);
    expect(text).not.toMatch(/twelve|secret/);
  });

  it('counts the routes of an app registered before the plugin, and never a hostile path', async () => {
    const { telemetry, counts } = await startTelemetry();
    const app = Fastify();
    app.get('/plans/:planId/compare', () => ({ plans: [] }));
    await app.register(httpCounter(telemetry));
    app.post('/plans/:planId/checkout', async (_request, reply) => reply.code(201).send({ ok: true }));
    app.post('/boom', () => {
      throw new Error('boom');
    });
    const running = await listen(app);
    await expectHostilePathsKeptOut(running, counts);
    await running.close();
    expect(endpointsOf(await counts())).toContain('GET /plans/:planId/compare');
  });

  it('bounds distinct endpoints', async () => {
    const { telemetry, counts } = await startTelemetry();
    const app = Fastify();
    await app.register(httpCounter(telemetry));
    for (let index = 0; index < GENERATED_ROUTES; index += 1) app.get(`/generated/route${String(index)}`, () => 'ok');
    const running = await listen(app);
    await sendToGeneratedRoutes(running);
    await running.close();
    expectEndpointsBounded(await counts());
  });

  it('says once, through the telemetry logger, when this Fastify offers no route template, and counts unmatched', async () => {
    const { telemetry, counts, logs } = await startTelemetry();
    // A Fastify whose requests carry no template where quietcount looks (a version to come, say): the real Fastify,
    // each request's `routeOptions` shadowed by one without `url` (Fastify 5 has no `routerPath`). quietcount must
    // not read the URL instead.
    const app = await standardApp(telemetry, (fastify) => {
      fastify.addHook('onRequest', async (request) => {
        Object.defineProperty(request, 'routeOptions', { value: { method: request.method } });
        return Promise.resolve();
      });
    });
    await sendStandardTraffic(app);
    await app.close();
    const text = await counts();
    expect(endpointsOf(text)).toEqual(['unmatched']);
    expect(valueOf(text, 'http_responses_total', { endpoint: 'unmatched', status_code: '201' })).toBe(3);
    expect(noTemplateLines(logs.text())).toBe(1);
    expect(logs.text()).not.toMatch(/plans|alice|nope|boom/);
  });
});
