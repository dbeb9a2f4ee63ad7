import express from 'express';
import { describe, expect, it } from 'vitest';
import { valueOf } from '../../support/exposition.ts';
import { startTelemetry } from '../../support/telemetry.ts';
import { runningApp, type RunningApp } from './framework-traffic.ts';

function appWith(middleware: express.RequestHandler): Promise<RunningApp> {
  const app = express();
  app.use(middleware);
  app.get('/api/events/:eventId/directory', (req, res) => {
    if (req.params.eventId === '404') res.status(404).json({ error: 'unknown event' });
    else res.json({ profiles: [] });
  });
  app.post('/api/events', () => {
    throw new Error('boom');
  });
  app.use((_req: express.Request, res: express.Response) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({ error: 'internal error' });
  });
  return runningApp(app.listen(0, '127.0.0.1'));
}

describe('the HTTP middleware', () => {
  it('counts responses by method + route template and status code, never the raw URL', async () => {
    const { telemetry, counts } = await startTelemetry();
    const app = await appWith(telemetry.httpMiddleware());
    await fetch(`${app.url}/api/events/42/directory?q=alice@example.com`);
    await fetch(`${app.url}/api/events/43/directory`);
    await fetch(`${app.url}/api/events/404/directory`);
    await fetch(`${app.url}/api/events`, { method: 'POST' });
    await fetch(`${app.url}/no/such/route/alice@example.com`);
    await fetch(`${app.url}/api/events/42/directory`, { method: 'DELETE' });
    await fetch(`${app.url}/api/events/42/directory`, { method: 'HEAD' });
    // express dispatches this HEAD to the POST-only route by its path; no handler of HEAD (or GET) answers it.
    await fetch(`${app.url}/api/events`, { method: 'HEAD' });
    await app.close();
    const text = await counts();
    const responses = (endpoint: string, status: string) => valueOf(text, 'http_responses_total', { endpoint, status_code: status });
    expect(responses('GET /api/events/:eventId/directory', '200')).toBe(2);
    expect(responses('GET /api/events/:eventId/directory', '404')).toBe(1);
    expect(responses('POST /api/events', '500')).toBe(1);
    expect(responses('HEAD /api/events/:eventId/directory', '200')).toBe(1);
    expect(responses('HEAD /api/events', '404')).toBeUndefined();
    expect(responses('unmatched', '404')).toBe(3);
    expect(text).not.toMatch(/alice|\/42\/|\/43\//);
  });

  it('bounds distinct endpoints', async () => {
    const { telemetry, counts } = await startTelemetry();
    const app = express();
    app.use(telemetry.httpMiddleware());
    // An app that builds routes from data: the bound keeps that from becoming a series per value.
    for (let index = 0; index < 250; index += 1) app.get(`/generated/route${String(index)}`, (_req, res) => res.send('ok'));
    const running = await runningApp(app.listen(0, '127.0.0.1'));
    for (let index = 0; index < 250; index += 1) await fetch(`${running.url}/generated/route${String(index)}`);
    await running.close();
    const text = await counts();
    const endpoints = new Set(text.split('\n').filter((l) => l.startsWith('http_responses_total')).map((l) => /endpoint="([^"]*)"/.exec(l)?.[1]));
    expect(endpoints.size).toBe(201);
    expect(valueOf(text, 'http_responses_total', { endpoint: '__other__', status_code: '200' })).toBe(50);
  });
});
