/**
 * Koa 2 with @koa/router 12 and Koa 3 with @koa/router 15, each a fresh ESM JavaScript app with the packed
 * quietcount: the same middleware, the same traffic, counted by route template (`ctx._matchedRoute`).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { TempApp } from '../../support/temp-app.ts';
import { expectPlansTrafficCounted, installFrameworkApp, pinned, startFrameworkApp } from './framework-app.ts';

describe.each([
  ['Koa 2 with @koa/router 12', 'koa2', ['koa@2.16.4', '@koa/router@12.0.2']],
  ['Koa 3 with @koa/router 15', 'koa3', [await pinned('koa'), await pinned('@koa/router')]],
])('%s', (_title, name, dependencies) => {
  let app: TempApp;
  beforeAll(async () => {
    app = await installFrameworkApp('koa', { name, dependencies });
  });
  afterAll(() => app.remove());

  it('counts responses by route template, unknown paths as unmatched', async () => {
    await expectPlansTrafficCounted(await startFrameworkApp(app, 'app.mjs'));
  });
});
