/**
 * The same routes and the same traffic for every framework's adapter test, so that every adapter is held to the same
 * semantics. Each test builds, in its framework, an app with:
 *
 *   POST /plans/:planId/checkout   201
 *   GET  /plans/:planId/compare    200, or 404 from the handler itself when planId is 404
 *   POST /boom                     throws an Error: the framework's own error handling answers 500
 *   anything else                  the framework's own 404
 *
 * and `generatedRoutes(n)` more routes, `GET /generated/route<i>`, for the endpoint bound.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { valueOf } from '../../support/exposition.ts';

export const GENERATED_ROUTES = 250;
/** MAX_ENDPOINTS of src/schema/bounds.ts, plus `__other__`. */
const BOUNDED_ENDPOINTS = 201;

export interface RunningApp {
  readonly url: string;
  close(): Promise<void>;
}

/** An app's node:http server, told to listen on an ephemeral loopback port, once it listens. */
export async function runningApp(server: Server): Promise<RunningApp> {
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    close: () =>
      new Promise((closed) => {
        server.close(() => {
          closed();
        });
      }),
  };
}

/** Paths whose values must never reach /metrics: each marks itself with `secret`. */
export const HOSTILE_PATHS = [
  '/plans/john.smith.secret@example.com/compare',
  '/plans/secret%22%7D%20evil%0A/compare',
  `/plans/secret${'x'.repeat(2000)}/compare`,
  '/no/such/route/secret@example.com',
  '/%2e%2e/%2e%2e/secret/passwd',
  '/plans/9/compare?email=secret@example.com&token=secret',
  '/secret/\u00e9t\u00e9/../plans',
];

export async function send(app: RunningApp, method: string, path: string): Promise<number> {
  const response = await fetch(`${app.url}${path}`, { method });
  await response.arrayBuffer();
  return response.status;
}

/** The traffic every adapter test sends, with the status each answer must have. */
export async function sendStandardTraffic(app: RunningApp): Promise<void> {
  for (let index = 0; index < 3; index += 1) expect(await send(app, 'POST', '/plans/7/checkout')).toBe(201);
  expect(await send(app, 'GET', '/plans/9/compare')).toBe(200);
  expect(await send(app, 'GET', '/plans/10/compare?q=alice@example.com')).toBe(200);
  expect(await send(app, 'GET', '/plans/404/compare')).toBe(404);
  expect(await send(app, 'POST', '/boom')).toBe(500);
  expect(await send(app, 'GET', '/nope/alice@example.com')).toBe(404);
  expect(await send(app, 'HEAD', '/plans/9/compare')).toBe(200);
  // A HEAD and a method that no route serves at a path that some route does.
  expect(await send(app, 'HEAD', '/plans/7/checkout')).toBe(404);
  expect(await send(app, 'DELETE', '/plans/9/compare')).toBe(404);
}

/** What the standard traffic must have counted, exactly. */
export function expectStandardCounts(text: string): void {
  const responses = (endpoint: string, status: string) => valueOf(text, 'http_responses_total', { endpoint, status_code: status });
  expect(responses('POST /plans/:planId/checkout', '201')).toBe(3);
  expect(responses('GET /plans/:planId/compare', '200')).toBe(2);
  expect(responses('GET /plans/:planId/compare', '404')).toBe(1);
  expect(responses('POST /boom', '500')).toBe(1);
  expect(responses('HEAD /plans/:planId/compare', '200')).toBe(1);
  expect(responses('unmatched', '404')).toBe(3);
  expect(endpointsOf(text).sort()).toEqual(['GET /plans/:planId/compare', 'HEAD /plans/:planId/compare', 'POST /boom', 'POST /plans/:planId/checkout', 'unmatched']);
  expect(valueOf(text, 'analytics_rejected_total', { reason: 'invalid_endpoint' })).toBe(0);
  expect(text).not.toMatch(/alice|\/7\/|\/9\/|\/10\/|\/404\/|nope/);
}

/** Sends each hostile path, and checks that nothing of them is on /metrics. */
export async function expectHostilePathsKeptOut(app: RunningApp, metricsText: () => Promise<string>): Promise<void> {
  for (const path of HOSTILE_PATHS) {
    for (const method of ['GET', 'POST', 'HEAD']) {
      const response = await fetch(`${app.url}${path}`, { method });
      await response.arrayBuffer();
    }
  }
  const text = await metricsText();
  expect(text).not.toMatch(/secret|evil|passwd|john|xxxx|%|@|\u00e9/);
  for (const endpoint of endpointsOf(text)) expect(['unmatched', 'GET /plans/:planId/compare', 'HEAD /plans/:planId/compare', 'POST /boom', 'POST /plans/:planId/checkout']).toContain(endpoint);
}

export async function sendToGeneratedRoutes(app: RunningApp): Promise<void> {
  for (let index = 0; index < GENERATED_ROUTES; index += 1) expect(await send(app, 'GET', `/generated/route${String(index)}`)).toBe(200);
}

/** After `sendToGeneratedRoutes`: 200 endpoints and `__other__` for the rest, whatever the framework. */
export function expectEndpointsBounded(text: string): void {
  expect(new Set(endpointsOf(text)).size).toBe(BOUNDED_ENDPOINTS);
  expect(valueOf(text, 'http_responses_total', { endpoint: '__other__', status_code: '200' })).toBe(GENERATED_ROUTES - (BOUNDED_ENDPOINTS - 1));
  expect(valueOf(text, 'analytics_rejected_total', { reason: 'cardinality_overflow' })).toBe(GENERATED_ROUTES - (BOUNDED_ENDPOINTS - 1));
}

/** Every `endpoint` label of `http_responses_total` in an exposition text. */
export function endpointsOf(text: string): string[] {
  const endpoints = text
    .split('\n')
    .filter((line) => line.startsWith('http_responses_total{'))
    .map((line) => /endpoint="((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? '');
  return [...new Set(endpoints)];
}

/** How many times quietcount said that it found no route template. */
export function noTemplateLines(logText: string): number {
  return logText.split('\n').filter((line) => line.includes('found no route template')).length;
}
