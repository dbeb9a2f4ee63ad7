/**
 * Hono 4 on @hono/node-server serving the directory route (bench/http-directory.ts) for bench/http.ts: without HTTP
 * instrumentation, with quietcount's middleware, or with @hono/prometheus as its README sets it up
 * (`app.use('*', registerMetrics)`: a duration histogram and a request counter by method, status and route).
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { prometheus } from '@hono/prometheus';
import { Hono } from 'hono';
import { Registry } from 'prom-client';
import { httpCounter } from '../src/adapters/hono.ts';
import { openDirectory } from './http-directory.ts';
import type { BenchApp, Variant } from './http-frameworks.ts';

export async function startHono(variant: Variant): Promise<BenchApp> {
  const directory = openDirectory();
  const app = new Hono();
  if (variant === 'quietcount') app.use(httpCounter(directory.telemetry));
  if (variant === 'peer') app.use('*', prometheus({ registry: new Registry() }).registerMetrics);
  app.get('/api/events/:eventId/directory', (c) => {
    const page = directory.firstPage(c.req.param('eventId'));
    return page === undefined ? c.json({ error: 'event not found' }, 404) : c.json(page);
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const listening = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => {
      resolve(listening);
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    paths: directory.paths,
    close: async () => {
      await new Promise((closed) => server.close(closed));
      await directory.close();
    },
  };
}
