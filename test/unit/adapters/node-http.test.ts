import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { httpCounter } from '../../../src/adapters/node-http.ts';
import type { Telemetry } from '../../../src/index.ts';
import { valueOf } from '../../support/exposition.ts';
import { startTelemetry } from '../../support/telemetry.ts';
import {
  GENERATED_ROUTES,
  expectEndpointsBounded,
  expectHostilePathsKeptOut,
  expectStandardCounts,
  send,
  sendStandardTraffic,
  sendToGeneratedRoutes,
  runningApp,
  type RunningApp,
} from './framework-traffic.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function listen(handler: Handler): Promise<RunningApp> {
  return runningApp(createServer(handler).listen(0, '127.0.0.1'));
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

/** The standard routes, routed by hand as a plain node:http app does. */
function standardApp(telemetry: Telemetry): Promise<RunningApp> {
  const count = httpCounter(telemetry, ['/plans/:planId/checkout', '/plans/:planId/compare', '/boom']);
  return listen((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const plan = /^\/plans\/(\d+)\/(checkout|compare)$/.exec(path);
    try {
      if (plan?.[2] === 'checkout' && req.method === 'POST') {
        count(req, res, '/plans/:planId/checkout');
        json(res, 201, { ok: true });
      } else if (plan?.[2] === 'compare' && (req.method === 'GET' || req.method === 'HEAD')) {
        count(req, res, '/plans/:planId/compare');
        if (plan[1] === '404') json(res, 404, { error: 'unknown plan' });
        else json(res, 200, { plans: [] });
      } else if (path === '/boom' && req.method === 'POST') {
        count(req, res, '/boom');
        throw new Error('boom');
      } else {
        count(req, res);
        json(res, 404, { error: 'not found' });
      }
    } catch {
      json(res, 500, { error: 'internal error' });
    }
  });
}

describe('quietcount/node-http', () => {
  it('counts by method + the template the app names and the status code sent; without one, unmatched', async () => {
    const { telemetry, counts } = await startTelemetry();
    const app = await standardApp(telemetry);
    await sendStandardTraffic(app);
    await app.close();
    expectStandardCounts(await counts());
  });

  it('does not compile a raw path, and counts an undeclared one under __other__ as an invalid_endpoint rejection, never by its value', async () => {
    const { telemetry, counts } = await startTelemetry();
    const count = httpCounter(telemetry, ['/plans/:planId/compare']);
    const app = await listen((req, res) => {
      // What the declared list is there to stop: a raw path. In TypeScript it does not compile (npm run typecheck
      // fails if this line stops being an error); in JavaScript it runs, and is refused here.
      // @ts-expect-error: req.url is no declared template
      count(req, res, req.url);
      json(res, 200, { ok: true });
    });
    expect(await send(app, 'GET', '/users/john.smith')).toBe(200);
    expect(await send(app, 'GET', '/plans/:planId/compare')).toBe(200);
    await app.close();
    const text = await counts();
    expect(valueOf(text, 'http_responses_total', { endpoint: '__other__', status_code: '200' })).toBe(1);
    expect(valueOf(text, 'http_responses_total', { endpoint: 'GET /plans/:planId/compare', status_code: '200' })).toBe(1);
    expect(valueOf(text, 'analytics_rejected_total', { reason: 'invalid_endpoint' })).toBe(1);
    expect(text).not.toContain('john');
  });

  it('takes the last template named for a response', async () => {
    const { telemetry, counts } = await startTelemetry();
    const count = httpCounter(telemetry, ['/plans/:planId/compare']);
    const app = await listen((req, res) => {
      count(req, res);
      if (req.url === '/plans/9/compare') count(req, res, '/plans/:planId/compare');
      json(res, 200, { ok: true });
    });
    expect(await send(app, 'GET', '/plans/9/compare')).toBe(200);
    expect(await send(app, 'GET', '/elsewhere')).toBe(200);
    await app.close();
    const text = await counts();
    expect(valueOf(text, 'http_responses_total', { endpoint: 'GET /plans/:planId/compare', status_code: '200' })).toBe(1);
    expect(valueOf(text, 'http_responses_total', { endpoint: 'unmatched', status_code: '200' })).toBe(1);
  });

  it('refuses, at start, a declared template that no route could have, without repeating it', async () => {
    const { telemetry } = await startTelemetry();
    expect(() => httpCounter(telemetry, ['/plans/:planId', '/search?q=alice@example.com'])).toThrow(/templates\[1\] is not a route template/);
    expect(() => httpCounter(telemetry, ['/plans/:planId', '/search?q=alice@example.com'])).not.toThrow(/alice/);
    expect(() => httpCounter(telemetry, ['plans'])).toThrow(TypeError);
  });

  it('never counts a hostile path', async () => {
    const { telemetry, counts } = await startTelemetry();
    const app = await standardApp(telemetry);
    await expectHostilePathsKeptOut(app, counts);
    await app.close();
  });

  it('bounds distinct endpoints', async () => {
    const { telemetry, counts } = await startTelemetry();
    const templates = Array.from({ length: GENERATED_ROUTES }, (_, index) => `/generated/route${String(index)}`);
    const count = httpCounter(telemetry, templates);
    const app = await listen((req, res) => {
      const template = templates.find((candidate) => candidate === req.url);
      count(req, res, template);
      res.end('ok');
    });
    await sendToGeneratedRoutes(app);
    await app.close();
    expectEndpointsBounded(await counts());
  });
});
