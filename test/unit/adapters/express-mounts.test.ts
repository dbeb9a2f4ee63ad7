/**
 * express's `req.baseUrl` is a template only while routers and sub-apps are mounted on plain paths. On express 5 and
 * express 4 (as the `express4` alias), the same app: routers and a sub-app on plain paths are counted by their whole
 * template; those mounted on a path with parameters, a wildcard or a regular expression count as `unmatched`, said
 * once in the log, and none of the request's values reaches /metrics.
 */
import { createRequire } from 'node:module';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { httpCounter, routeTemplateOf } from '../../../src/adapters/express.ts';
import type { Telemetry } from '../../../src/index.ts';
import { valueOf } from '../../support/exposition.ts';
import { startTelemetry } from '../../support/telemetry.ts';
import { endpointsOf, noTemplateLines, runningApp, send, type RunningApp } from './framework-traffic.ts';

type Express = typeof express;
const express4 = createRequire(import.meta.url)('express4') as Express;

/** The wildcard of each major's path syntax: express 5 names it, express 4 does not. */
const VERSIONS: readonly { name: string; express: Express; wildcard: string }[] = [
  { name: 'express 5', express, wildcard: '/files/*splat' },
  { name: 'express 4', express: express4, wildcard: '/files/*' },
];

/** Each route answers the template express says it has, as routeTemplateOf reads it, so the test can compare. */
function answerTemplate(req: express.Request, res: express.Response): void {
  res.json({ template: routeTemplateOf(req) ?? null });
}

function mountedApp(version: Express, wildcard: string, telemetry: Telemetry) {
  const app = version();
  app.use(httpCounter(telemetry));

  const v1 = version.Router();
  v1.get('/things/:thingId', answerTemplate);
  const api = version.Router();
  api.get('/events/:eventId', answerTemplate);
  api.use('/v1', v1);
  app.use('/api', api);

  // A router mounted on '/' that mounts another: only the inner mount is in req.baseUrl.
  const admin = version.Router();
  admin.get('/reports/:reportId', answerTemplate);
  const outer = version.Router();
  outer.use('/admin', admin);
  app.use(outer);

  const shop = version();
  shop.get('/orders/:orderId', answerTemplate);
  app.use('/shop', shop);

  const user = version.Router();
  user.get('/profile', answerTemplate);
  app.use('/users/:userId', user);

  const files = version.Router();
  // A wildcard takes the rest of the path: the router's own route is its root.
  files.get('/', answerTemplate);
  app.use(wildcard, files);

  const numbered = version.Router();
  numbered.get('/view', answerTemplate);
  app.use(/^\/u\/\d+/, numbered);

  const org = version();
  org.get('/members', answerTemplate);
  app.use('/orgs/:orgId', org);

  // A plain mount that also matches a raw value's place: '/people/me' is a path, but '/people/:personId' matches it too.
  const me = version.Router();
  me.get('/settings', answerTemplate);
  const person = version.Router();
  person.get('/settings', answerTemplate);
  app.use('/people/:personId', person);
  app.use('/people/me', me);
  return app;
}

function listen(app: express.Express): Promise<RunningApp> {
  return runningApp(app.listen(0, '127.0.0.1'));
}

async function templateAnswered(app: RunningApp, path: string): Promise<unknown> {
  const response = await fetch(`${app.url}${path}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { template: unknown }).template;
}

describe.each(VERSIONS)('quietcount/express on $name: routers and sub-apps', ({ express: version, wildcard }) => {
  it('counts a route under routers and sub-apps mounted on plain paths by its whole template', async () => {
    const { telemetry, counts, logs } = await startTelemetry();
    const app = await listen(mountedApp(version, wildcard, telemetry));
    expect(await templateAnswered(app, '/api/events/41')).toBe('/api/events/:eventId');
    expect(await templateAnswered(app, '/api/v1/things/42')).toBe('/api/v1/things/:thingId');
    expect(await templateAnswered(app, '/admin/reports/43')).toBe('/admin/reports/:reportId');
    expect(await templateAnswered(app, '/shop/orders/44')).toBe('/shop/orders/:orderId');
    await app.close();
    const text = await counts();
    expect(endpointsOf(text).sort()).toEqual(['GET /admin/reports/:reportId', 'GET /api/events/:eventId', 'GET /api/v1/things/:thingId', 'GET /shop/orders/:orderId']);
    expect(endpointsOf(text).join(' ')).not.toMatch(/4[1-4]/);
    expect(noTemplateLines(logs.text())).toBe(0);
  });

  it('counts a route under a mount with a parameter, a wildcard or a regular expression as unmatched, and says so once', async () => {
    const { telemetry, counts, logs } = await startTelemetry();
    const app = await listen(mountedApp(version, wildcard, telemetry));
    expect(await templateAnswered(app, '/users/john.smith/profile')).toBeNull();
    expect(await templateAnswered(app, '/users/jane.doe/profile')).toBeNull();
    expect(await templateAnswered(app, '/files/secret/report.pdf')).toBeNull();
    expect(await templateAnswered(app, '/u/12345/view')).toBeNull();
    expect(await templateAnswered(app, '/orgs/acme-secret/members')).toBeNull();
    // Whichever of the two answered, '/people/me' is also where a person's id goes: not vouched for.
    expect(await templateAnswered(app, '/people/me/settings')).toBeNull();
    expect(await templateAnswered(app, '/api/events/41')).toBe('/api/events/:eventId');
    expect(await send(app, 'GET', '/nope')).toBe(404);
    await app.close();
    const text = await counts();
    expect(valueOf(text, 'http_responses_total', { endpoint: 'unmatched', status_code: '200' })).toBe(6);
    expect(valueOf(text, 'http_responses_total', { endpoint: 'unmatched', status_code: '404' })).toBe(1);
    expect(valueOf(text, 'http_responses_total', { endpoint: 'GET /api/events/:eventId', status_code: '200' })).toBe(1);
    expect(valueOf(text, 'analytics_rejected_total', { reason: 'invalid_endpoint' })).toBe(0);
    expect(text).not.toMatch(/john|jane|secret|12345|acme|people|\/me\//);
    expect(noTemplateLines(logs.text())).toBe(1);
    expect(logs.text()).toContain('mounted on a path with parameters');
    expect(logs.text()).not.toMatch(/john|jane|secret|12345|acme/);
  });
});
