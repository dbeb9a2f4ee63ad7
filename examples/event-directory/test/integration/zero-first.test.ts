/**
 * Zero first against a real Prometheus scraping the reference app every second, with the project's recording rules
 * evaluated every second: the first burst on a series Prometheus never saw shows in increase(), the "Top failing
 * endpoints" panel and the error ratio rule show a brand-new failing endpoint, and a restart after which the app
 * counts past its old value before any scrape (3, then 10 right after the restart) is counted as 13 by the report.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { formatIsoDay, DAY_MS } from '../../../../cli/src/days.ts';
import { buildDashboards } from '../../../../cli/src/generate/dashboards/dashboards.ts';
import { dashboardTargets, interpolate } from '../../../../cli/src/generate/dashboards/targets.ts';
import { restartTestApp, startTestApp, type TestApp } from '../support/app.ts';
import { startPrometheus, type PrometheusServer } from '../../../../test/support/prometheus.ts';
import { PROMETHEUS_DIR } from '../../../../test/support/prometheus-config.ts';
import { referenceModel } from '../support/catalog.ts';
import { runReport } from '../support/report.ts';

const DIRECTORY = 'GET /api/events/:eventId/directory';
const UNKNOWN_EVENT = 999_999;

let workDir: string;
let app: TestApp;
let prometheus: PrometheusServer;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The single value of an instant query, or undefined when it returns nothing. */
async function valueOf(expr: string): Promise<number | undefined> {
  const data = await prometheus.query(expr);
  const [first] = data.result as { value: [number, string] }[];
  return first === undefined ? undefined : Number(first.value[1]);
}

async function eventually(expr: string, accept: (value: number | undefined) => boolean, timeoutMs = 20_000): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  let value: number | undefined;
  while (Date.now() < deadline) {
    value = await valueOf(expr);
    if (accept(value)) return value;
    await sleep(250);
  }
  throw new Error(`${expr} stayed at ${String(value)} for ${String(timeoutMs)} ms`);
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'quietcount-zero-first-'));
  app = await startTestApp({ DATABASE_PATH: join(workDir, 'app.db'), SHUTDOWN_GRACE_MS: '3000' });
  // The project's recording rules, every second instead of every minute: only the group intervals change.
  const rules = parse(await readFile(join(PROMETHEUS_DIR, 'rules', 'recording.yml'), 'utf8')) as { groups: { interval?: string }[] };
  for (const group of rules.groups) group.interval = '1s';
  await writeFile(join(workDir, 'recording.yml'), stringify(rules));
  const target = new URL(app.metricsUrl).host;
  const config = `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - ${join(workDir, 'recording.yml')}\nscrape_configs:\n  - job_name: quietcount\n    static_configs:\n      - targets: ['${target}']\n`;
  prometheus = await startPrometheus({ config });
  // Scraped before anything is counted: the series below are new to the process and to Prometheus.
  await eventually('up{job="quietcount"}', (value) => value === 1);
  await sleep(2_000);
});

afterAll(async () => {
  await prometheus.close();
  await app.stop();
  await rm(workDir, { recursive: true, force: true });
});

describe('zero first, through a real Prometheus', () => {
  it('shows the first burst on a new series in increase(), in the Top failing endpoints panel and in the error ratio rule', async () => {
    for (let request = 0; request < 30; request += 1) {
      expect((await app.request('GET', `/api/events/${String(UNKNOWN_EVENT)}/directory`)).status).toBe(404);
    }
    const series = `http_responses_total{endpoint="${DIRECTORY}",status_code="404"}`;
    await eventually(series, (value) => value === 30);
    // Without the 0 first, increase() would need two samples holding a count, and say 0 here.
    const increase = await eventually(`increase(${series}[1m])`, (value) => value !== undefined && value >= 30);
    expect(increase).toBeLessThanOrEqual(45);

    const topFailing = dashboardTargets(buildDashboards(referenceModel).values()).find((target) => target.panelTitle === 'Top failing endpoints');
    expect(topFailing).toBeDefined();
    const topExpr = interpolate(topFailing?.expr ?? '', { __range: '1m' });
    const data = await prometheus.query(topExpr);
    const rows = data.result as { metric: Record<string, string>; value: [number, string] }[];
    const row = rows.find((one) => one.metric.endpoint === DIRECTORY && one.metric.status_code === '404');
    expect(Number(row?.value[1] ?? 0)).toBeGreaterThanOrEqual(30);

    await eventually(`endpoint:http_client_errors_per_responses:ratio_rate5m{endpoint="${DIRECTORY}"}`, (value) => value === 1);
  });

  it('counts 3 views, a restart, and 10 views before the first scrape of the new process as 13 in the report', async () => {
    const eventId = 2;
    const views = `analytics_events_total{event_name="directory_page_view",event_id="${String(eventId)}"}`;
    for (let view = 0; view < 3; view += 1) expect((await app.request('GET', `/api/events/${String(eventId)}/directory`)).status).toBe(200);
    await eventually(views, (value) => value === 3);
    app = await restartTestApp(app);
    // Recorded before the new process is scraped: its counter passes the old value, which Prometheus alone could
    // not tell from a counter that went on from 3; the new process's 0 first shows the reset.
    for (let view = 0; view < 10; view += 1) app.running.telemetry.record('directory_page_view', eventId);
    await eventually(views, (value) => value === 10);
    const now = Date.now();
    const report = await runReport([
      '--prometheus', prometheus.url, '--format', 'csv', '--event', 'directory_page_view', '--event-id', String(eventId),
      '--from', formatIsoDay(now - DAY_MS), '--to', formatIsoDay(now + DAY_MS),
    ]);
    expect(report.stderr).toBe('');
    const total = report.stdout
      .trim()
      .split('\n')
      .slice(1)
      .reduce((sum, line) => sum + Number(line.split(',')[3]), 0);
    expect(total).toBe(13);
  });
});
