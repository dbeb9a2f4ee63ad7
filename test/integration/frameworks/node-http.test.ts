/**
 * Plain node:http, a fresh ESM JavaScript app with the packed quietcount that routes by itself and names each
 * route's template: the same traffic, counted by those templates.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { TempApp } from '../../support/temp-app.ts';
import { expectPlansTrafficCounted, installFrameworkApp, startFrameworkApp } from './framework-app.ts';

describe('node:http', () => {
  let app: TempApp;
  beforeAll(async () => {
    app = await installFrameworkApp('node-http', { name: 'node-http' });
  });
  afterAll(() => app.remove());

  it('counts responses by the templates the app names, unknown paths as unmatched', async () => {
    await expectPlansTrafficCounted(await startFrameworkApp(app, 'app.mjs'));
  });
});
