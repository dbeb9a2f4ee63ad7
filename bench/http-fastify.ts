/**
 * Fastify 5 serving the directory route (bench/http-directory.ts) for bench/http.ts: without HTTP instrumentation,
 * with quietcount's plugin, or with fastify-metrics as its README sets it up (its per-route histogram and summary;
 * its default process metrics off, as they are not per request, and no /metrics route: neither is loaded).
 */
import Fastify from 'fastify';
// A CommonJS module whose plugin is its `default` export: Node's ESM import gives the whole module.
import fastifyMetricsModule from 'fastify-metrics';
import { httpCounter } from '../src/adapters/fastify.ts';
import { openDirectory } from './http-directory.ts';
import type { BenchApp, Variant } from './http-frameworks.ts';

export async function startFastify(variant: Variant): Promise<BenchApp> {
  const directory = openDirectory();
  const app = Fastify();
  if (variant === 'quietcount') await app.register(httpCounter(directory.telemetry));
  if (variant === 'peer') await app.register(fastifyMetricsModule.default, { endpoint: null, defaultMetrics: { enabled: false } });
  app.get<{ Params: { eventId: string } }>('/api/events/:eventId/directory', async (request, reply) => {
    const page = directory.firstPage(request.params.eventId);
    return page === undefined ? reply.code(404).send({ error: 'event not found' }) : page;
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    paths: directory.paths,
    close: async () => {
      await app.close();
      await directory.close();
    },
  };
}
