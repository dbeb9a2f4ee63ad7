/**
 * express 5 in TypeScript and express 4 in CommonJS JavaScript, each a fresh app with the packed tarballs: the same
 * traffic counted by route template. The CommonJS app also has quietcount-cli, which must find its `.cjs` catalog.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempApp } from '../../support/temp-app.ts';
import { expectPlansTrafficCounted, installFrameworkApp, pinned, startFrameworkApp } from './framework-app.ts';

const EXPRESS_4 = 'express@4.22.3';

describe('express 5, TypeScript', () => {
  let app: TempApp;
  beforeAll(async () => {
    app = await installFrameworkApp('express5-ts', { name: 'express5-ts', dependencies: [await pinned('express')] });
  });
  afterAll(() => app.remove());

  it('counts responses by route template, unknown paths as unmatched', async () => {
    await expectPlansTrafficCounted(await startFrameworkApp(app, 'app.ts'));
  });
});

describe('express 4, CommonJS JavaScript', () => {
  let app: TempApp;
  beforeAll(async () => {
    app = await installFrameworkApp('express4-cjs', { name: 'express4-cjs', type: 'commonjs', dependencies: [EXPRESS_4], withCli: true });
  });
  afterAll(() => app.remove());

  it('require()s quietcount and quietcount/express, records, and counts responses by route template', async () => {
    await expectPlansTrafficCounted(await startFrameworkApp(app, 'app.cjs'));
  });

  it('has its quietcount.catalog.cjs found by npx quietcount docs, with no --catalog', async () => {
    const docs = await app.run(app.bin('quietcount'), ['docs']);
    expect(docs.stderr).toBe('');
    expect(docs.code).toBe(0);
    const telemetryMd = await readFile(join(app.dir, 'TELEMETRY.md'), 'utf8');
    expect(telemetryMd).toContain('| `plan_checkout`');
    expect(telemetryMd).toContain('| `plans_compared`');
    expect((await app.run(app.bin('quietcount'), ['docs', '--check'])).code).toBe(0);
  });
});
