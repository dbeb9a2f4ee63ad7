/**
 * Plain node:http, a fresh ESM JavaScript app with the packed quietcount and no web framework: it routes by itself
 * and names each route's template, and the same traffic is counted by those templates. With no framework installed,
 * every adapter of quietcount still loads: none imports its framework.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempApp } from '../../support/temp-app.ts';
import { expectPlansTrafficCounted, installFrameworkApp, startFrameworkApp } from './framework-app.ts';

const ADAPTERS = ['express', 'fastify', 'koa', 'hono', 'node-http'];

describe('node:http', () => {
  let app: TempApp;
  beforeAll(async () => {
    app = await installFrameworkApp('node-http', { name: 'node-http' });
  });
  afterAll(() => app.remove());

  it('counts responses by the templates the app names, unknown paths as unmatched', async () => {
    await expectPlansTrafficCounted(await startFrameworkApp(app, 'app.mjs'));
  });

  it('loads every adapter, from import and from require, with no framework installed', async () => {
    const probe = `
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const loaded = [];
      for (const adapter of ${JSON.stringify(ADAPTERS)}) {
        const imported = await import('quietcount/' + adapter);
        const required = require('quietcount/' + adapter);
        if (typeof imported.httpCounter === 'function' && required.httpCounter === imported.httpCounter) loaded.push(adapter);
      }
      process.stdout.write(JSON.stringify(loaded));`;
    const result = await app.run(process.execPath, ['--input-type=module', '-e', probe]);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(ADAPTERS);
    const { stdout } = await app.run('npm', ['ls', '--all', '--parseable']);
    expect(stdout.split('\n').filter((line) => /node_modules\/(express|fastify|koa|@koa\/router|hono)$/.test(line))).toEqual([]);
  });
});
