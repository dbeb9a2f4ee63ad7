/**
 * What a new user does: install the packed quietcount, and quietcount-cli as a devDependency, into a fresh express
 * app outside this repo whose own catalog has two memory events and one table event, record them over real HTTP,
 * and run the CLI from the installed package in the app's folder (docs, dashboards, rules, report against a real
 * Prometheus that scraped the app).
 */
import type { ChildProcess } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition, valueOf } from '../support/exposition.ts';
import { startPrometheus, type PrometheusServer } from '../support/prometheus.ts';
import { promtool } from '../support/promtool.ts';
import { analysePromQL } from '../support/rules/promql.ts';
import { formatIsoDay, DAY_MS } from '../../cli/src/days.ts';
import { interpolate } from '../../cli/src/generate/dashboards/targets.ts';
import { REPO_ROOT } from '../support/paths.ts';
import { createTempApp, type TempApp } from '../support/temp-app.ts';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'adopter');
const EVENTS = ['checkout_started', 'product_viewed', 'order_placed'];
const SETUP_TIMEOUT_MS = 300_000;

let shop: TempApp;
let app: ChildProcess | undefined;
let ports: { appPort: number; metricsPort: number };
let prometheus: PrometheusServer | undefined;

const quietcount = (args: readonly string[]) => shop.run(shop.bin('quietcount'), args);

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(dir, join(entry.parentPath, entry.name))).sort();
}

beforeAll(async () => {
  const express = (JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies.express ?? '';
  shop = await createTempApp({ name: 'shop', from: FIXTURE, dependencies: [`express@${express}`], withCli: true });
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  app?.kill('SIGKILL');
  await prometheus?.close();
  await shop.remove();
});

describe('the packed packages', () => {
  it('hold the library in quietcount and the tools in quietcount-cli, and none of the example, tests or benchmarks', async () => {
    const library = await filesUnder(join(shop.dir, 'node_modules', 'quietcount'));
    expect(library).toContain('dist/index.js');
    expect(library).toContain('dist/index.d.ts');
    expect(library).toContain('dist/adapters/express.js');
    expect(library.filter((file) => /^(bin|dist\/(cli|generate|report))\//.test(file))).toEqual([]);
    const cli = await filesUnder(join(shop.dir, 'node_modules', 'quietcount-cli'));
    expect(cli).toContain('bin/quietcount.js');
    expect(cli).toContain('dist/main.js');
    for (const files of [library, cli]) {
      expect(files.filter((file) => /^(src|test|bench|examples)\/|TELEMETRY\.md$|\.ts$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
    }
  });

  it('install for production with no web framework, no logger and no generator dependency', async () => {
    const production = await filesUnder(join(shop.dir, 'node_modules'));
    const packages = new Set(production.map((file) => file.split('/').slice(0, file.startsWith('@') ? 2 : 1).join('/')));
    // express is the app's own here; quietcount brings none of these.
    const { stdout } = await shop.run('npm', ['ls', '--omit=dev', '--all', '--parseable']);
    const libraryTree = stdout.split('\n').filter((line) => line.includes('node_modules/'));
    expect(libraryTree.filter((line) => /node_modules\/(pino|@grafana|yaml|cli-progress|fastify|koa|hono)(\/|$)/.test(line))).toEqual([]);
    expect(packages.has('quietcount-cli')).toBe(true);
  });

  it('loads neither a generator nor a framework when the app imports the library', async () => {
    const probe = `
      import { registerHooks } from 'node:module';
      const loaded = [];
      registerHooks({ resolve(specifier, context, next) { const resolved = next(specifier, context); loaded.push(resolved.url); return resolved; } });
      await import('quietcount');
      process.stdout.write(JSON.stringify(loaded));`;
    const { stdout } = await shop.run(process.execPath, ['--input-type=module', '-e', probe]);
    const loaded = JSON.parse(stdout) as string[];
    expect(loaded.some((url) => url.includes('/node_modules/quietcount/dist/index.js'))).toBe(true);
    expect(loaded.filter((url) => /quietcount-cli|grafana-foundation-sdk|\/yaml\/|cli-progress|\/express\/|\/pino\//.test(url))).toEqual([]);
  });
});

describe('an app with its own catalog', () => {
  beforeAll(async () => {
    const started = shop.start(process.execPath, ['app.ts'], { NODE_ENV: 'production', METRICS_PORT: '0' });
    app = started;
    ports = await new Promise((resolve, reject) => {
      const lines = createInterface({ input: started.stdout });
      lines.on('line', (line) => {
        if (line.startsWith('{"appPort"')) resolve(JSON.parse(line) as typeof ports);
      });
      started.once('exit', (code) => {
        reject(new Error(`the app exited (${String(code)}) before listening`));
      });
    });
  });

  const send = async (method: string, path: string): Promise<number> =>
    (await fetch(`http://127.0.0.1:${String(ports.appPort)}${path}`, { method })).status;
  const scrape = async (): Promise<string> => (await fetch(`http://127.0.0.1:${String(ports.metricsPort)}/metrics`)).text();

  it('records its own events over real HTTP, and refuses an undeclared one', async () => {
    for (const productId of [7, 7, 8]) expect(await send('POST', `/products/${String(productId)}/checkout`)).toBe(201);
    for (let view = 0; view < 5; view += 1) expect(await send('GET', '/products/7')).toBe(200);
    for (const productId of [7, 8, 8]) expect(await send('POST', `/products/${String(productId)}/orders`)).toBe(201);
    expect(await send('POST', '/undeclared')).toBe(202);
    // Zero first: a series new to the process is 0 at its first scrape, then its count.
    const first = await scrape();
    expect(valueOf(first, 'analytics_events_total', { event_name: 'checkout_started', event_id: '7' })).toBe(0);
    const text = await scrape();
    const usage = (eventName: string, eventId: string) => valueOf(text, 'analytics_events_total', { event_name: eventName, event_id: eventId });
    expect([usage('checkout_started', '7'), usage('checkout_started', '8'), usage('product_viewed', '7')]).toEqual([2, 1, 5]);
    expect([usage('order_placed', '7'), usage('order_placed', '8')]).toEqual([1, 2]);
    expect(valueOf(text, 'analytics_rejected_total', { reason: 'unknown_event_name' })).toBe(1);
    expect(valueOf(text, 'http_responses_total', { endpoint: 'POST /products/:productId/checkout', status_code: '201' })).toBe(3);
    const names = new Set(parseExposition(text).flatMap((sample) => (sample.labels.event_name === undefined ? [] : [sample.labels.event_name])));
    expect([...names].sort()).toEqual([...EVENTS].sort());
  });

  it('type-checks a file that records a declared event, and fails one that records an undeclared event', async () => {
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    // One project per file, extending the app's tsconfig; @types/node from this repo, as the app would install it.
    const check = async (file: string) => {
      const project = join(shop.dir, `tsconfig.${file}.json`);
      await writeFile(project, JSON.stringify({ extends: './tsconfig.json', compilerOptions: { typeRoots: [join(REPO_ROOT, 'node_modules', '@types')] }, files: [file] }));
      return shop.run(process.execPath, [tsc, '--project', project]);
    };
    const declared = await check('uses-declared.ts');
    expect(declared.stdout + declared.stderr).toBe('');
    expect(declared.code).toBe(0);
    const undeclared = await check('uses-undeclared.ts');
    expect(undeclared.code).not.toBe(0);
    expect(undeclared.stdout).toContain(`uses-undeclared.ts(5,18): error TS2345: Argument of type '"checkout_finished"'`);
  });

  it('runs quietcount docs, dashboards and rules in its folder, on its catalog, writing nothing under node_modules', async () => {
    const installed = join(shop.dir, 'node_modules');
    const before = await filesUnder(installed);
    for (const command of ['docs', 'dashboards', 'rules']) {
      const result = await quietcount([command]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    }
    expect(await filesUnder(installed)).toEqual(before);

    const telemetryMd = await readFile(join(shop.dir, 'TELEMETRY.md'), 'utf8');
    for (const name of EVENTS) expect(telemetryMd).toContain(`| \`${name}\``);
    expect(telemetryMd).toContain('identifies a product of the shop, never a person');

    for (const file of ['product-usage.json', 'errors.json', 'telemetry-health.json']) {
      const dashboard = JSON.parse(await readFile(join(shop.dir, 'grafana', 'dashboards', file), 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
      for (const { expr } of dashboard.panels.flatMap((panel) => panel.targets ?? [])) {
        const analysis = analysePromQL(interpolate(expr, { __rate_interval: '1m', __interval: '2m', __range: '1d', event_id: '.*' }));
        expect(analysis.syntaxErrors, expr).toEqual([]);
        const eventNames = analysis.selectors.flatMap((selector) => selector.matchers).filter((matcher) => matcher.name === 'event_name');
        for (const matcher of eventNames) expect(EVENTS, expr).toContain(matcher.value);
        expect(expr).not.toMatch(/directory|signup|consent/);
      }
    }

    const rules = [join(shop.dir, 'prometheus/rules/recording.yml'), join(shop.dir, 'prometheus/rules/alerts.yml')];
    const checked = await promtool(['check', 'rules', ...rules]);
    expect(checked.status, checked.output).toBe(0);
    const alerts = await readFile(rules[1] ?? '', 'utf8');
    expect(alerts).toContain('up{job="shop"} == 0');
    expect(alerts).toContain('event_name="checkout_started"');

    expect((await quietcount(['docs', '--check'])).code).toBe(0);
  });

  it('reports exact daily counts from a real Prometheus that scraped it, checking --event against its catalog', async () => {
    const config = `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: shop\n    static_configs:\n      - targets: ['127.0.0.1:${String(ports.metricsPort)}']\n`;
    prometheus = await startPrometheus({ config });
    await prometheus.waitForValue('sum(analytics_events_total{event_name="product_viewed"})', 5, 30_000);
    await prometheus.waitForValue('sum(analytics_events_total{event_name="order_placed"})', 3, 30_000);
    const today = Date.now();
    const days = ['--from', formatIsoDay(today - DAY_MS), '--to', formatIsoDay(today + DAY_MS)];
    const report = await quietcount(['report', '--prometheus', prometheus.url, '--format', 'csv', ...days]);
    expect(report.stderr).toBe('');
    const totals = new Map<string, number>();
    for (const line of report.stdout.trim().split('\n').slice(1)) {
      const [eventName = '', eventId = '', , count = '0'] = line.split(',');
      totals.set(`${eventName}/${eventId}`, (totals.get(`${eventName}/${eventId}`) ?? 0) + Number(count));
    }
    expect(Object.fromEntries(totals)).toEqual({
      'checkout_started/7': 2,
      'checkout_started/8': 1,
      'order_placed/7': 1,
      'order_placed/8': 2,
      'product_viewed/7': 5,
    });
    const unknown = await quietcount(['report', '--prometheus', prometheus.url, '--event', 'search_run']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown --event "search_run": the catalog quietcount.catalog.ts has checkout_started, product_viewed, order_placed');
  });
});

describe('quietcount-cli beside a library of another version', () => {
  it('refuses to run, saying which versions to install, and writes nothing', async () => {
    const libraryPackage = join(shop.dir, 'node_modules', 'quietcount', 'package.json');
    const original = await readFile(libraryPackage, 'utf8');
    const { version } = JSON.parse(original) as { version: string };
    try {
      await writeFile(libraryPackage, original.replace(`"version": "${version}"`, '"version": "0.0.1"'));
      const refused = await quietcount(['docs', '--out', 'other-version']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(
        `quietcount docs: quietcount-cli ${version} works with quietcount ${version}, and this app has quietcount 0.0.1: install one version of both (npm install quietcount@${version}, or npm install --save-dev quietcount-cli@0.0.1)\n`,
      );
      expect((await readdir(shop.dir)).includes('other-version')).toBe(false);
    } finally {
      await writeFile(libraryPackage, original);
    }
  });
});
