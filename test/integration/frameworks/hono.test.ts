/**
 * Hono 4 on @hono/node-server, a fresh ESM JavaScript app with the packed quietcount: the same traffic, counted by
 * route template (the matched route that is not middleware).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { TempApp } from '../../support/temp-app.ts';
import { expectPlansTrafficCounted, installFrameworkApp, pinned, startFrameworkApp } from './framework-app.ts';

describe('Hono 4 on @hono/node-server', () => {
  let app: TempApp;
  beforeAll(async () => {
    app = await installFrameworkApp('hono', { name: 'hono', dependencies: [await pinned('hono'), await pinned('@hono/node-server')] });
  });
  afterAll(() => app.remove());

  it('counts responses by route template, unknown paths as unmatched', async () => {
    await expectPlansTrafficCounted(await startFrameworkApp(app, 'app.mjs'));
  });
});
