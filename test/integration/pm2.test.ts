/**
 * PM2's cluster mode for real: the packed quietcount installed into a fresh app outside this repository, whose
 * single-process code (test/fixtures/pm2-shop) runs as `pm2 start app.js -i 3` under the real pm2 from npm. One
 * /metrics on METRICS_PORT serves the exact sums over the instances, with the bound applied to the sum, the token,
 * debug mode and rejections as in one process, and a table read once. Instances killed with SIGKILL (one that hands
 * its counts over, and the one serving /metrics) are restarted by PM2: no sum ever goes backwards except to 0, and
 * what docs/counting.md says is lost is what is lost. Opt-out holds in every instance.
 */
import { createServer } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition, valueOf } from '../support/exposition.ts';
import { REPO_ROOT } from '../support/paths.ts';
import { createTempApp, type TempApp } from '../support/temp-app.ts';

const PM2 = join(REPO_ROOT, 'node_modules', 'pm2', 'bin', 'pm2');
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'pm2-shop');
const INSTANCES = 3;
const BOUND = 5;
const HANDOVER_MS = 100;
const METRICS_TOKEN = 'pm2-test-metrics-token-0123456789';
const VIEWS = 'GET /products/:productId';
const SETUP_TIMEOUT_MS = 300_000;

let shop: TempApp;
let pm2Home: string;
let peersDir: string;
let appUrl: string;
let metricsUrl: string;
/** Every scrape of the test's scraper, in order: what a Prometheus scraping it would have seen. */
const scrapes: Map<string, number>[] = [];

interface Pm2Process {
  readonly name: string;
  readonly pm_id: number;
  readonly pid: number;
  readonly pm2_env: { readonly status: string; readonly restart_time: number; readonly unstable_restarts: number; readonly pm_out_log_path: string };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function pm2(args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const result = await shop.run(process.execPath, [PM2, ...args], { PM2_HOME: pm2Home, ...env });
  if (result.code !== 0) throw new Error(`pm2 ${args.join(' ')} failed: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

async function processes(name: string): Promise<Pm2Process[]> {
  return (JSON.parse(await pm2(['jlist'])) as Pm2Process[]).filter((one) => one.name === name);
}

/** `pm2 start app.js -i N`, with the settings of the environment the instances inherit. */
async function startShop(name: string, instances: number, env: Record<string, string>): Promise<{ appUrl: string; metricsUrl: string }> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  await pm2(['start', 'app.js', '-i', String(instances), '--name', name], {
    NODE_ENV: 'production',
    PORT: String(port),
    METRICS_PORT: String(metricsPort),
    ANALYTICS_HANDOVER_INTERVAL_MS: String(HANDOVER_MS),
    ANALYTICS_PEERS_DIR: peersDir,
    ...env,
  });
  return { appUrl: `http://127.0.0.1:${String(port)}`, metricsUrl: `http://127.0.0.1:${String(metricsPort)}` };
}

/**
 * The instances answering on the app's port, by pid, with the role each one's quietcount plays, once every instance
 * PM2 lists as online answers and exactly one serves /metrics. PM2 deals connections round robin.
 */
async function instances(name: string, url: string, count: number): Promise<Map<number, string>> {
  let roles = new Map<number, string>();
  let online: number[] = [];
  for (let attempt = 0; attempt < 30; attempt += 1) {
    roles = new Map();
    for (let ask = 0; ask < count * 3; ask += 1) {
      try {
        const response = await fetch(`${url}/whoami`, { headers: { connection: 'close' }, signal: AbortSignal.timeout(2_000) });
        const answer = (await response.json()) as { pid: number; role: string };
        roles.set(answer.pid, answer.role);
      } catch {
        // An instance that is starting, or one killed with the connection.
      }
    }
    online = (await processes(name)).filter((one) => one.pm2_env.status === 'online').map((one) => one.pid);
    const serving = [...roles.values()].filter((role) => role === 'serving-peer');
    if (online.length === count && online.every((pid) => roles.has(pid)) && roles.size === count && serving.length === 1) return roles;
    await sleep(200);
  }
  throw new Error(`the ${String(count)} instances did not settle: answering ${JSON.stringify([...roles])}, online ${JSON.stringify(online)}`);
}

const servingPid = (roles: Map<number, string>): number => [...roles].find(([, role]) => role === 'serving-peer')?.[0] ?? 0;

/** One scrape, as the test's own scraper; every one is kept to check that no sum goes backwards. */
async function scrape(url = metricsUrl): Promise<string> {
  const response = await fetch(`${url}/metrics?scraper=test`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  const text = await response.text();
  if (url === metricsUrl) {
    const samples = parseExposition(text).filter((sample) => sample.name === 'analytics_events_total' || sample.name === 'http_responses_total');
    scrapes.push(new Map(samples.map((sample) => [`${sample.name}${JSON.stringify(sample.labels)}`, sample.value])));
  }
  return text;
}

/** The counts once every instance has handed over and every new series has shown its 0 to this scraper. */
async function settled(url = metricsUrl): Promise<string> {
  await sleep(5 * HANDOVER_MS);
  await scrape(url);
  return scrape(url);
}

/** Runs `requests` with at most 8 in flight (several connections); resolves with each answer's status and pid. */
async function send(requests: readonly (() => Promise<Response>)[]): Promise<{ status: number; pid: number }[]> {
  const answers: { status: number; pid: number }[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < requests.length) {
      const request = requests[next++];
      if (request === undefined) return;
      try {
        const response = await request();
        const body = (await response.json().catch(() => ({}))) as { pid?: number };
        answers.push({ status: response.status, pid: body.pid ?? 0 });
      } catch {
        // A connection to an instance that was killed.
        answers.push({ status: 0, pid: 0 });
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  return answers;
}

/**
 * A view on a connection of its own: PM2 deals connections round robin, so views spread over the instances, and no
 * request goes out on a kept-alive connection to an instance killed meanwhile.
 */
const viewOf = (url: string, productId: string | number) => () =>
  fetch(`${url}/products/${String(productId)}`, { headers: { connection: 'close' }, signal: AbortSignal.timeout(5_000) });
/** Sends the views and expects each one answered. */
async function sendViews(url: string, productId: string, count: number): Promise<void> {
  const answers = await send(Array.from({ length: count }, () => viewOf(url, productId)));
  expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: count }, () => 200));
}
const views = (text: string, productId: string) => valueOf(text, 'analytics_events_total', { event_name: 'product_viewed', event_id: productId });

/**
 * What a Prometheus counts over the scrapes so far for one series: increases, and after a drop (a reset) the new
 * value in full. Also checks that every drop is a reset to 0, never to a smaller count.
 */
function seenOf(key: string): string {
  return scrapes.map((seen) => String(seen.get(key) ?? '-')).join(' ');
}

function countedOver(key: string): number {
  let total = 0;
  let last: number | undefined;
  for (const seen of scrapes) {
    const value = seen.get(key);
    if (value === undefined) continue;
    if (last !== undefined && value < last) expect(value, `${key} went from ${String(last)} to ${String(value)}`).toBe(0);
    total += last === undefined || value < last ? value : value - last;
    last = value;
  }
  return total;
}
const viewKey = (productId: string) => `analytics_events_total${JSON.stringify({ event_name: 'product_viewed', event_id: productId })}`;

beforeAll(async () => {
  const express = (JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies.express ?? '';
  shop = await createTempApp({ name: 'pm2-shop', from: FIXTURE, dependencies: [`express@${express}`] });
  // PM2's own sockets live in its home: a short path, as a socket path must be.
  pm2Home = await mkdtemp(join(tmpdir(), 'qc-pm2-'));
  peersDir = join(pm2Home, 'peers');
  ({ appUrl, metricsUrl } = await startShop('shop', INSTANCES, {
    METRICS_TOKEN,
    ANALYTICS_MAX_EVENT_IDS: String(BOUND),
    ANALYTICS_LOG_LEVEL: 'debug',
  }));
  await instances('shop', appUrl, INSTANCES);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await pm2(['kill']).catch(() => undefined);
  await shop.remove();
  await rm(pm2Home, { recursive: true, force: true });
});

describe('pm2 start app.js -i 3: one /metrics for every instance', () => {
  it('serves the exact sums over the instances, with the bound on the sum, rejections counted and the table read once', async () => {
    const products = Array.from({ length: BOUND + 3 }, (_, index) => String(index + 1));
    const answers = await send([
      ...products.flatMap((productId) => Array.from({ length: 6 }, () => viewOf(appUrl, productId))),
      ...Array.from({ length: 3 }, () => viewOf(appUrl, 'not-an-id')),
      ...Array.from({ length: 4 }, () => () => fetch(`${appUrl}/nope`)),
      ...Array.from({ length: 5 }, () => () => fetch(`${appUrl}/products/7/orders`, { method: 'POST' })),
    ]);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(products.length * 6 + 3);
    // Every instance answered some of them: the sums below are over all three.
    expect(new Set(answers.filter((answer) => answer.status === 200).map((answer) => answer.pid)).size).toBe(INSTANCES);

    const text = await settled();
    const usage = parseExposition(text).filter((sample) => sample.name === 'analytics_events_total' && sample.labels.event_name === 'product_viewed');
    const admitted = usage.filter((sample) => sample.labels.event_id !== '__other__');
    expect(admitted).toHaveLength(BOUND);
    for (const sample of admitted) expect(sample.value).toBe(6);
    expect(views(text, '__other__')).toBe(3 * 6);
    expect(valueOf(text, 'analytics_rejected_total', { reason: 'cardinality_overflow' })).toBe(3 * 6);
    expect(valueOf(text, 'analytics_rejected_total', { reason: 'invalid_event_id' })).toBe(3);
    expect(valueOf(text, 'http_responses_total', { endpoint: VIEWS, status_code: '200' })).toBe(products.length * 6 + 3);
    expect(valueOf(text, 'http_responses_total', { endpoint: 'unmatched', status_code: '404' })).toBe(4);
    // Read by the serving instance alone: three instances do not make three times the orders.
    expect(valueOf(text, 'analytics_events_total', { event_name: 'order_placed', event_id: '7' })).toBe(5);
    expect(text).not.toContain('not-an-id');
  });

  it('asks for the token, as one process does', async () => {
    expect((await fetch(`${metricsUrl}/metrics`)).status).toBe(401);
  });

  it('logs every increment in debug mode, each in the instance that recorded it', async () => {
    const logs = await Promise.all((await processes('shop')).map((one) => readFile(one.pm2_env.pm_out_log_path, 'utf8')));
    const recording = logs.filter((log) => log.split('\n').some((line) => line.includes('"msg":"recorded"') && line.includes('product_viewed')));
    expect(recording.length).toBe(INSTANCES);
  });

  it('keeps every count when an instance that hands its counts over is killed, and counts on with its replacement', async () => {
    const before = await settled();
    const roles = await instances('shop', appUrl, INSTANCES);
    const victim = [...roles.keys()].find((pid) => roles.get(pid) === 'peer') ?? 0;
    process.kill(victim, 'SIGKILL');
    const after = await instances('shop', appUrl, INSTANCES);
    expect(after.has(victim)).toBe(false);
    // The same instance still serves: it kept what the killed one had handed over.
    expect(servingPid(after)).toBe(servingPid(roles));
    const text = await settled();
    expect(views(text, '1')).toBe(views(before, '1'));
    expect(valueOf(text, 'http_responses_total', { endpoint: VIEWS, status_code: '200' })).toBe(valueOf(before, 'http_responses_total', { endpoint: VIEWS, status_code: '200' }));
    await sendViews(appUrl, '1', 9);
    expect(views(await settled(), '1')).toBe((views(before, '1') ?? 0) + 9);
  });

  it('when the serving instance is killed after its last scrape, another serves from 0 and counts only what is new', async () => {
    const before = await settled();
    const [counted1, counted2] = [countedOver(viewKey('1')), countedOver(viewKey('2'))];
    const roles = await instances('shop', appUrl, INSTANCES);
    const oldServer = servingPid(roles);
    process.kill(oldServer, 'SIGKILL');
    const after = await instances('shop', appUrl, INSTANCES);
    expect(servingPid(after)).not.toBe(oldServer);
    const reset = await scrape();
    // A new process: its series start at 0, so Prometheus sees the reset; the table is history and goes on as it was.
    expect(views(reset, '1') ?? 0).toBe(0);
    expect(valueOf(reset, 'analytics_events_total', { event_name: 'order_placed', event_id: '7' })).toBe(5);
    await sendViews(appUrl, '2', 6);
    const text = await settled();
    expect(views(text, '2')).toBe(6);
    // Everything was exported before the kill: nothing lost, nothing counted twice.
    expect(countedOver(viewKey('2'))).toBe(counted2 + 6);
    expect(countedOver(viewKey('1'))).toBe(counted1);
    expect(counted1).toBe(views(before, '1'));
  });

  it('when the serving instance is killed, what it received since its last scrape is lost, and only that', async () => {
    await settled();
    const counted = countedOver(viewKey('3'));
    // Counted by every instance, handed over to the serving one, never scraped from it.
    await sendViews(appUrl, '3', 12);
    await sleep(5 * HANDOVER_MS);
    const roles = await instances('shop', appUrl, INSTANCES);
    process.kill(servingPid(roles), 'SIGKILL');
    await instances('shop', appUrl, INSTANCES);
    await sendViews(appUrl, '3', 4);
    const text = await settled();
    expect(views(text, '3'), seenOf(viewKey('3'))).toBe(4);
    expect(countedOver(viewKey('3')), seenOf(viewKey('3'))).toBe(counted + 4);
  });

  it('never let a sum go backwards except to 0, and PM2 saw no instance error or restart but those killed', async () => {
    for (const key of new Set(scrapes.flatMap((seen) => [...seen.keys()]))) countedOver(key);
    const listed = await processes('shop');
    expect(listed.map((one) => one.pm2_env.status)).toEqual(Array.from({ length: INSTANCES }, () => 'online'));
    expect(listed.reduce((total, one) => total + one.pm2_env.restart_time, 0)).toBe(3);
    expect(listed.every((one) => one.pm2_env.unstable_restarts === 0)).toBe(true);
  });

  it('pm2 reload: every instance stops gracefully in turn, and every count is exported by one serving instance or the next', async () => {
    await settled();
    const counted = countedOver(viewKey('4'));
    const responses = `http_responses_total${JSON.stringify({ endpoint: VIEWS, status_code: '200' })}`;
    const countedResponses = countedOver(responses);
    await sendViews(appUrl, '4', 9);
    // A scraper every 200 ms meanwhile, as a Prometheus with a short interval: each stopping instance waits for one.
    const stopScraping = new AbortController();
    const scraper = (async () => {
      while (!stopScraping.signal.aborted) {
        await scrape().catch(() => undefined);
        await sleep(200);
      }
    })();
    try {
      await pm2(['reload', 'shop']);
      await instances('shop', appUrl, INSTANCES);
      await sendViews(appUrl, '4', 3);
      await sleep(5 * HANDOVER_MS);
    } finally {
      stopScraping.abort();
      await scraper;
    }
    await settled();
    expect(countedOver(viewKey('4')), seenOf(viewKey('4'))).toBe(counted + 12);
    expect(countedOver(responses)).toBe(countedResponses + 12);
    expect((await processes('shop')).map((one) => one.pm2_env.status)).toEqual(Array.from({ length: INSTANCES }, () => 'online'));
  });
});

describe('opt-out under pm2', () => {
  it('records nothing in any instance, while responses are still counted', async () => {
    const quiet = await startShop('quiet-shop', 2, { DO_NOT_TRACK: '1', METRICS_TOKEN });
    try {
      await instances('quiet-shop', quiet.appUrl, 2);
      const answers = await send(Array.from({ length: 20 }, () => viewOf(quiet.appUrl, '1')));
      expect(new Set(answers.map((answer) => answer.pid)).size).toBe(2);
      const text = await settled(quiet.metricsUrl);
      expect(text).not.toContain('analytics_events_total');
      expect(valueOf(text, 'http_responses_total', { endpoint: VIEWS, status_code: '200' })).toBe(20);
    } finally {
      await pm2(['delete', 'quiet-shop']);
    }
  });
});
