/**
 * NestJS on its express adapter (quietcount/express through `app.use`) and on its Fastify adapter
 * (quietcount/fastify through `app.register`): one fresh ESM JavaScript app with both adapters installed, started once
 * per adapter, the same traffic counted by route template.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { TempApp } from '../../support/temp-app.ts';
import { expectPlansTrafficCounted, installFrameworkApp, pinned, startFrameworkApp } from './framework-app.ts';

const NEST_PACKAGES = ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', '@nestjs/platform-fastify', 'reflect-metadata', 'rxjs'];

describe('NestJS', () => {
  let app: TempApp;
  beforeAll(async () => {
    app = await installFrameworkApp('nestjs', { name: 'nestjs', dependencies: await Promise.all(NEST_PACKAGES.map(pinned)) });
  });
  afterAll(() => app.remove());

  it.each(['express', 'fastify'])('on its %s adapter counts responses by route template, unknown paths as unmatched', async (adapter) => {
    await expectPlansTrafficCounted(await startFrameworkApp(app, 'app.mjs', [adapter]));
  });
});
