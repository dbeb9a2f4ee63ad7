/**
 * `WEB_CONCURRENCY=4 npm start`: the reference app as four node:cluster workers behind one port and one /metrics,
 * as real processes. Under concurrent traffic from several connections the sums are exact (on /metrics and in a real
 * Prometheus), the cardinality bound holds for the sum, table counters are read once, and a worker killed quietly or
 * mid-burst (the primary replaces it) never makes a sum go backwards nor loses what it had handed over. With far more
 * distinct ids than the bound arriving at once in every worker, every id the primary admitted is exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER } from 'quietcount';
import { ADMIN_TOKEN } from '../support/app.ts';
import { startAppProcess, type AppProcess } from '../support/app-process.ts';
import { parseExposition, valueOf } from '../../../../test/support/exposition.ts';
import { startPrometheus, type PrometheusServer } from '../../../../test/support/prometheus.ts';

const METRICS_TOKEN = 'cluster-test-metrics-token-0123456789';
const WORKERS = 4;
const BOUND = 5;
const HANDOVER_MS = 100;
const PARALLEL = 8;
const DIRECTORY = 'GET /api/events/:eventId/directory';

let app: AppProcess;
let prometheus: PrometheusServer | undefined;
let eventIds: number[] = [];

afterAll(async () => {
  await prometheus?.close();
  app.process.kill('SIGKILL');
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One /metrics scrape as the test's own scraper (Prometheus names itself differently: each sees its own zeros). */
async function scrape(): Promise<string> {
  const response = await fetch(`${app.metricsUrl}/metrics?scraper=test`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  return response.text();
}

/** The counts once every worker has handed over and every new series has shown its 0 to this scraper. */
async function settled(): Promise<string> {
  await sleep(4 * HANDOVER_MS);
  await scrape();
  return scrape();
}

/** Runs `requests` with at most `parallel` in flight (several connections), resolving with each status (0: failed). */
async function send(requests: readonly (() => Promise<Response>)[], parallel = PARALLEL): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < requests.length) {
      const request = requests[next++];
      statuses.push(await (request?.() ?? Promise.reject(new Error('no request'))).then((response) => response.status, () => 0));
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return statuses;
}

const viewOn = (appUrl: string, eventId: number) => () => fetch(`${appUrl}/api/events/${String(eventId)}/directory`);
const view = (eventId: number) => viewOn(app.appUrl, eventId);
const createEvents = (target: AppProcess, count: number) =>
  send(
    Array.from({ length: count }, (_, index) => () =>
      fetch(`${target.appUrl}/api/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Cluster event ${String(index)}` }),
      }),
    ),
  );
const sum = (text: string, name: string, where: (labels: Readonly<Record<string, string>>) => boolean = () => true): number =>
  parseExposition(text)
    .filter((sample) => sample.name === name && where(sample.labels))
    .reduce((total, sample) => total + sample.value, 0);
const views = (text: string) => sum(text, 'analytics_events_total', (labels) => labels.event_name === 'directory_page_view');

/** The workers alive now, by the primary's log: listening and not exited; waits until there are WORKERS of them. */
async function workerPids(): Promise<number[]> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const pidsOf = (message: string) => app.logs().filter((line) => line.msg === message).map((line) => Number(line.workerPid));
    const exited = new Set(pidsOf('worker exited; starting another'));
    const alive = [...new Set(pidsOf('worker listening'))].filter((pid) => !exited.has(pid));
    if (alive.length === WORKERS) return alive;
    await sleep(100);
  }
  throw new Error(`fewer than ${String(WORKERS)} workers listening`);
}

beforeAll(async () => {
  app = await startAppProcess('node', {
    WEB_CONCURRENCY: String(WORKERS),
    ADMIN_TOKEN,
    METRICS_TOKEN,
    ANALYTICS_MAX_EVENT_IDS: String(BOUND),
    ANALYTICS_HANDOVER_INTERVAL_MS: String(HANDOVER_MS),
    ANALYTICS_LOG_LEVEL: 'debug',
    SHUTDOWN_GRACE_MS: '0',
  });
  const created = await createEvents(app, 8);
  expect(created).toEqual(Array.from({ length: 8 }, () => 201));
  const listed = (await (await fetch(`${app.appUrl}/api/events`)).json()) as { events: { id: number }[] };
  eventIds = listed.events.map((event) => event.id);
  expect(eventIds.length).toBeGreaterThan(BOUND);
});

describe('four workers, one /metrics', () => {
  it('serves exact sums over the workers, with the bound applied to the sum and table counters read once', async () => {
    const pids = await workerPids();
    expect(pids.length).toBe(WORKERS);
    const viewsPerEvent = 30;
    const statuses = await send([
      ...eventIds.flatMap((eventId) => Array.from({ length: viewsPerEvent }, () => view(eventId))),
      ...Array.from({ length: 10 }, () => view(999_999)),
      ...eventIds.map((eventId, index) => () =>
        fetch(`${app.appUrl}/api/events/${String(eventId)}/signups`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: `Person ${String(index)}`, email: `cluster${String(index)}@example.test` }),
        }),
      ),
    ]);
    expect(statuses.filter((status) => status === 200)).toHaveLength(eventIds.length * viewsPerEvent);
    const text = await settled();
    expect(views(text)).toBe(eventIds.length * viewsPerEvent);
    expect(valueOf(text, 'http_responses_total', { endpoint: DIRECTORY, status_code: '200' })).toBe(eventIds.length * viewsPerEvent);
    expect(valueOf(text, 'http_responses_total', { endpoint: DIRECTORY, status_code: '404' })).toBe(10);
    // Read by the primary alone: four workers do not make four times the signups.
    expect(sum(text, 'analytics_events_total', (labels) => labels.event_name === 'event_signup')).toBe(eventIds.length);
    for (const eventName of ['directory_page_view', 'event_signup']) {
      const series = parseExposition(text).filter((sample) => sample.name === 'analytics_events_total' && sample.labels.event_name === eventName);
      expect(series.filter((sample) => sample.labels.event_id !== OTHER)).toHaveLength(BOUND);
    }
    // Exact per event id too: the primary alone decides which ids get a series.
    const admittedViews = parseExposition(text).filter(
      (sample) => sample.name === 'analytics_events_total' && sample.labels.event_name === 'directory_page_view' && sample.labels.event_id !== OTHER,
    );
    expect(admittedViews.map((sample) => sample.value)).toEqual(Array.from({ length: BOUND }, () => viewsPerEvent));
    const diverted = sum(text, 'analytics_events_total', (labels) => labels.event_id === OTHER);
    expect(diverted).toBe((eventIds.length - BOUND) * (viewsPerEvent + 1));
    expect(valueOf(text, 'analytics_rejected_total', { reason: 'cardinality_overflow' })).toBe(diverted);
    // Debug mode in the workers: each increment is a line of the worker that recorded it.
    await app.waitForLog((line) => line.msg === 'recorded' && (line.labels as { event_name?: string } | undefined)?.event_name === 'directory_page_view', 5_000);
  });

  it('asks for the token, as one process does', async () => {
    expect((await fetch(`${app.metricsUrl}/metrics`)).status).toBe(401);
  });

  it('keeps every count a worker handed over when the worker is killed, and counts on with its replacement', async () => {
    const before = views(await settled());
    const [victim] = await workerPids();
    const replaced = app.waitForLog((line) => line.msg === 'worker exited; starting another', 10_000);
    process.kill(victim ?? 0, 'SIGKILL');
    await replaced;
    expect(views(await settled())).toBe(before);
    const statuses = await send(Array.from({ length: 100 }, (_, index) => view(eventIds[index % eventIds.length] ?? 1)));
    expect(statuses.filter((status) => status === 200)).toHaveLength(100);
    expect(views(await settled())).toBe(before + 100);
  });

  it('never lets a sum go backwards when a worker is killed mid-burst', async () => {
    const before = views(await settled());
    const pids = await workerPids();
    const burst = send(Array.from({ length: 600 }, (_, index) => view(eventIds[index % eventIds.length] ?? 1)));
    const seen: Map<string, number>[] = [];
    let killed = false;
    for (let poll = 0; poll < 30; poll += 1) {
      const samples = parseExposition(await scrape()).filter((sample) => sample.name === 'analytics_events_total' || sample.name === 'http_responses_total');
      seen.push(new Map(samples.map((sample) => [`${sample.name}${JSON.stringify(sample.labels)}`, sample.value])));
      if (!killed && poll === 3) {
        process.kill(pids.at(-1) ?? 0, 'SIGKILL');
        killed = true;
      }
      await sleep(50);
    }
    const statuses = await burst;
    for (let index = 1; index < seen.length; index += 1) {
      for (const [key, value] of seen[index - 1] ?? new Map<string, number>()) {
        // A series at 0 first, then its count: that one step up is the rule; down never.
        expect(seen[index]?.get(key) ?? value, key).toBeGreaterThanOrEqual(value);
      }
    }
    const after = views(await settled());
    const served = statuses.filter((status) => status === 200).length;
    expect(after).toBeGreaterThan(before);
    // What the killed worker had not handed over (at most its last interval) is all that may be missing.
    expect(after - before).toBeLessThanOrEqual(served);
  });

  it('gives a real Prometheus the same exact sums', async () => {
    const expected = views(await settled());
    const target = new URL(app.metricsUrl).host;
    const config = [
      'global:',
      '  scrape_interval: 1s',
      'scrape_configs:',
      '  - job_name: quietcount',
      '    params:',
      '      scraper: [prometheus]',
      '    authorization:',
      `      credentials: ${METRICS_TOKEN}`,
      '    static_configs:',
      `      - targets: ['${target}']`,
      '',
    ].join('\n');
    prometheus = await startPrometheus({ config });
    await prometheus.waitForValue('sum(analytics_events_total{event_name="directory_page_view"})', expected, 30_000);
    await prometheus.waitForValue(`sum(http_responses_total{endpoint="${DIRECTORY}",status_code="200"})`, expected, 30_000);
  });
});

describe('opt-out in a cluster', () => {
  it('records nothing in any worker, while responses are still counted', async () => {
    const quiet = await startAppProcess('node', { WEB_CONCURRENCY: '2', DO_NOT_TRACK: '1', ANALYTICS_HANDOVER_INTERVAL_MS: String(HANDOVER_MS), SHUTDOWN_GRACE_MS: '0' });
    try {
      const statuses = await send(Array.from({ length: 20 }, () => () => fetch(`${quiet.appUrl}/api/events/1/directory`)));
      expect(statuses.filter((status) => status === 200)).toHaveLength(20);
      await sleep(4 * HANDOVER_MS);
      await fetch(`${quiet.metricsUrl}/metrics`);
      const text = await (await fetch(`${quiet.metricsUrl}/metrics`)).text();
      expect(text).not.toContain('analytics_events_total');
      expect(valueOf(text, 'http_responses_total', { endpoint: DIRECTORY, status_code: '200' })).toBe(20);
    } finally {
      quiet.process.kill('SIGTERM');
      await quiet.exited(20_000);
    }
  });
});

describe('more distinct ids than the bound, at once, in every worker', () => {
  it('lands every increment of an id the primary admitted on that id, and the rest on __other__', async () => {
    const bound = 10;
    const handoverMs = 2_000;
    const churn = await startAppProcess('node', {
      WEB_CONCURRENCY: String(WORKERS),
      ADMIN_TOKEN,
      ANALYTICS_MAX_EVENT_IDS: String(bound),
      // Longer than the burst: only the handovers a filling bound brings forward happen during it.
      ANALYTICS_HANDOVER_INTERVAL_MS: String(handoverMs),
      SHUTDOWN_GRACE_MS: '0',
    });
    try {
      expect((await createEvents(churn, 240)).every((status) => status === 201)).toBe(true);
      const listed = (await (await fetch(`${churn.appUrl}/api/events`)).json()) as { events: { id: number }[] };
      const ids = listed.events.map((event) => event.id);
      const viewsPerId = 4;
      // Every id once per round, every other round in reverse: each id's views land in several workers (the primary
      // deals connections round robin), and every worker meets far more new ids than the bound.
      const round = ids.map((id) => viewOn(churn.appUrl, id));
      const requests = Array.from({ length: viewsPerId }, (_, index) => (index % 2 === 0 ? round : [...round].reverse())).flat();
      const statuses = await send(requests, 16);
      expect(statuses.filter((status) => status === 200)).toHaveLength(ids.length * viewsPerId);

      await sleep(2 * handoverMs);
      const scrapeChurn = async () => (await fetch(`${churn.metricsUrl}/metrics?scraper=test`)).text();
      await scrapeChurn();
      const text = await scrapeChurn();
      const samples = parseExposition(text).filter((sample) => sample.name === 'analytics_events_total' && sample.labels.event_name === 'directory_page_view');
      const admitted = samples.filter((sample) => sample.labels.event_id !== OTHER);
      expect(admitted).toHaveLength(bound);
      for (const sample of admitted) expect(sample.value, `event_id ${sample.labels.event_id ?? ''}`).toBe(viewsPerId);
      const other = samples.find((sample) => sample.labels.event_id === OTHER)?.value;
      expect(other).toBe((ids.length - bound) * viewsPerId);
      expect(valueOf(text, 'analytics_rejected_total', { reason: 'cardinality_overflow' })).toBe((ids.length - bound) * viewsPerId);
    } finally {
      churn.process.kill('SIGTERM');
      await churn.exited(20_000);
    }
  });
});
