/**
 * Fastify 4 and 5, each a fresh ESM JavaScript app with the packed quietcount: the same plugin, the same traffic,
 * counted by route template (`routeOptions.url`; Fastify 4.0 has only `routerPath`).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { TempApp } from '../../support/temp-app.ts';
import { expectPlansTrafficCounted, installFrameworkApp, pinned, startFrameworkApp } from './framework-app.ts';

describe.each([
  ['Fastify 4.0', 'fastify4-0', 'fastify@4.0.0'],
  ['Fastify 4', 'fastify4', 'fastify@4.29.1'],
  ['Fastify 5', 'fastify5', await pinned('fastify')],
])('%s', (_title, name, fastify) => {
  let app: TempApp;
  beforeAll(async () => {
    app = await installFrameworkApp('fastify', { name, dependencies: [fastify] });
  });
  afterAll(() => app.remove());

  it('counts responses by route template, unknown paths as unmatched', async () => {
    await expectPlansTrafficCounted(await startFrameworkApp(app, 'app.mjs'));
  });
});
