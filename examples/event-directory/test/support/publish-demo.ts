/**
 * `npm run publish:demo`: the reference app's public aggregates page from a known data set, committed under
 * docs/public-aggregates/ with its screenshot docs/publish-screenshot.png. Eight ISO weeks of simulated traffic (fixed
 * dates and seed, every event of the catalog, the private ones included) are backfilled into a throwaway Prometheus,
 * and the real `quietcount publish` reads them; the page is then photographed in headless Chromium with the network
 * off. The same data set gives the same three files, which publish-demo.test.ts checks against the committed ones.
 *
 * Needs Debian's prometheus (prometheus, promtool) and chromium, as the integration tests do.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { backfillInWeeks } from '../../../../test/support/backfill-in-weeks.ts';
import { openOffline } from '../../../../test/support/browser.ts';
import { REPO_ROOT } from '../../../../test/support/paths.ts';
import { startPrometheus } from '../../../../test/support/prometheus.ts';
import { DAY_MS, simulateTraffic, type EventStream, type Simulation } from '../../../../test/support/simulated-traffic.ts';

const EXAMPLE_DIR = join(import.meta.dirname, '..', '..');
const CLI = join(REPO_ROOT, 'cli', 'bin', 'quietcount.js');

/** Where the committed sample lives, linked from docs/publish.md. */
export const DEMO_OUT = join(REPO_ROOT, 'docs', 'public-aggregates');
export const DEMO_SCREENSHOT = join(REPO_ROOT, 'docs', 'publish-screenshot.png');

/** Eight ISO weeks, Monday to Sunday. */
export const DEMO_FROM = '2026-10-05';
export const DEMO_TO = '2026-11-29';

const stream = (eventName: string, source: EventStream['source'], eventId: string, chancePerMinute: number, burst = 1): EventStream => ({
  eventName,
  source,
  eventId,
  chancePerMinute,
  burst,
});

/**
 * Two gatherings (event ids 1 and 2): pages shown often, searches a dozen times a week, signups about ten a week, so
 * some weeks fall below the threshold. Visibility and consent are counted too, and must not reach the page.
 */
export const demoTraffic: Simulation = {
  seed: 5,
  startMs: Date.parse(`${DEMO_FROM}T00:00:00Z`) - 3_600_000,
  endMs: Date.parse(`${DEMO_TO}T00:00:00Z`) + DAY_MS + 1_800_000,
  streams: [
    stream('directory_page_view', 'memory', '1', 0.02, 3),
    stream('directory_page_view', 'memory', '2', 0.008, 2),
    stream('directory_search', 'memory', '1', 0.0012),
    stream('event_signup', 'table', '1', 0.0006),
    stream('event_signup', 'table', '2', 0.0004),
    stream('profile_visibility_on', 'table', '1', 0.0004),
    stream('consent_granted', 'table', '1', 0.0003),
  ],
  instances: [{ instance: 'event-directory:9464', scrapeOffsetMs: 20_000, restarts: [], missedScrapes: [] }],
};

export interface DemoOutput {
  /** The folder the three files are written to. */
  readonly out: string;
  /** Where the screenshot goes; none when undefined. */
  readonly screenshot: string | undefined;
}

/** Runs the whole demo; returns what `quietcount publish` printed. */
export async function runPublishDemo({ out, screenshot }: DemoOutput): Promise<string> {
  const workDir = await mkdtemp(join(tmpdir(), 'quietcount-publish-demo-'));
  try {
    const dataDir = join(workDir, 'data');
    await backfillInWeeks(simulateTraffic(demoTraffic).openMetrics, dataDir);
    const prometheus = await startPrometheus({ dataDir });
    let printed: string;
    try {
      const args = ['publish', '--prometheus', prometheus.url, '--out', out, '--period', 'week', '--from', DEMO_FROM, '--to', DEMO_TO];
      ({ stdout: printed } = await promisify(execFile)(process.execPath, [CLI, ...args], { cwd: EXAMPLE_DIR }));
    } finally {
      await prometheus.close();
    }
    if (screenshot !== undefined) await photograph(join(out, 'index.html'), screenshot);
    return printed;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The top of the page, down to the end of its first event: the title, the note, a chart and its table. */
async function photograph(page: string, screenshot: string): Promise<void> {
  const browser = await openOffline(page);
  try {
    const firstEvent = await browser.page.locator('section.event').first().boundingBox();
    if (firstEvent === null) throw new Error(`${page} shows no event`);
    const width = browser.page.viewportSize()?.width ?? 1000;
    await browser.page.screenshot({ path: screenshot, fullPage: true, clip: { x: 0, y: 0, width, height: Math.ceil(firstEvent.y + firstEvent.height + 24) } });
  } finally {
    await browser.close();
  }
}

if (import.meta.main) {
  process.stdout.write(await runPublishDemo({ out: DEMO_OUT, screenshot: DEMO_SCREENSHOT }));
  process.stdout.write(`publish:demo: screenshot in ${relative(process.cwd(), DEMO_SCREENSHOT)}\n`);
}
