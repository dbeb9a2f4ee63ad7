/**
 * The reference app's public aggregates page committed under docs/public-aggregates/ is what `npm run publish:demo`
 * gives today: the demo runs again on its known data set (a real Prometheus, the real CLI, a real browser) into a
 * temporary folder, and every file must be the committed one, byte for byte. Run `npm run publish:demo` in
 * examples/event-directory when the page changes on purpose.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceModel } from '../support/catalog.ts';
import { DEMO_FROM, DEMO_OUT, DEMO_SCREENSHOT, DEMO_TO, runPublishDemo } from '../support/publish-demo.ts';

const FILES = ['aggregates.json', 'aggregates.csv', 'index.html'];

let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'quietcount-publish-demo-check-'));
  await runPublishDemo({ out: workDir, screenshot: join(workDir, 'screenshot.png') });
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('npm run publish:demo', () => {
  it.each(FILES)('writes %s exactly as committed in docs/public-aggregates/', async (file) => {
    const fresh = await readFile(join(workDir, file), 'utf8');
    const committed = await readFile(join(DEMO_OUT, file), 'utf8').catch(() => '(missing)');
    expect(committed, `docs/public-aggregates/${file} is stale: run npm run publish:demo in examples/event-directory`).toBe(fresh);
  });

  it("publishes the catalog's public events only, over the demo's weeks", async () => {
    const json = JSON.parse(await readFile(join(workDir, 'aggregates.json'), 'utf8')) as { parameters: object; events: { event_name: string }[] };
    expect(json.parameters).toMatchObject({ from: DEMO_FROM, to: DEMO_TO, period: 'week', minCount: 10, rounding: 5 });
    expect(json.events.map((event) => event.event_name)).toEqual(referenceModel.publication.eventNames);
    expect(referenceModel.publication.eventNames).toEqual(['event_signup', 'directory_page_view', 'directory_search']);
    for (const file of FILES) {
      const text = await readFile(join(workDir, file), 'utf8');
      for (const name of referenceModel.eventNames.filter((event) => !referenceModel.publication.eventNames.includes(event))) expect(text).not.toContain(name);
    }
  });

  it('photographs the page, and the docs have a photograph of it', async () => {
    for (const png of [join(workDir, 'screenshot.png'), DEMO_SCREENSHOT]) {
      expect((await readFile(png)).subarray(1, 4).toString()).toBe('PNG');
      expect((await stat(png)).size).toBeGreaterThan(20_000);
    }
  });
});
