/**
 * The `quietcount` command line on an app's own catalog, in the app's folder: one parser for every command (usage
 * on every mistake, --help everywhere), the catalog found or explained, files written under --out and never into
 * node_modules, --check for the app's CI (stale files, expired entries), and rules that promtool accepts for any
 * valid catalog.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { promtool } from '../../../test/support/promtool.ts';
import { REPO_ROOT } from '../../../test/support/paths.ts';

const LIBRARY = pathToFileURL(join(REPO_ROOT, 'src/index.ts')).href;

interface EventSpec {
  readonly source: 'memory' | 'table';
  readonly expires?: string;
  readonly dropOffAlert?: boolean;
  readonly displayName?: string;
}

function catalogSource(events: Record<string, EventSpec>, extra = ''): string {
  const entries = Object.entries(events).map(
    ([name, spec]) =>
      `    ${JSON.stringify(name)}: { source: '${spec.source}', description: 'Counted for ${name}.', question: 'How often does ${name} happen?', owner: 'shop-team', added: '2025-12-01', expires: '${spec.expires ?? 'never'}'${spec.dropOffAlert === true ? ', dropOffAlert: true' : ''}${spec.displayName === undefined ? '' : `, displayName: '${spec.displayName}'`} },`,
  );
  return `import { defineCatalog } from '${LIBRARY}';\nexport default defineCatalog({\n${extra}  events: {\n${entries.join('\n')}\n  },\n});\n`;
}

const SHOP = {
  checkout_started: { source: 'memory', dropOffAlert: true, displayName: 'Checkouts started' },
  cart_viewed: { source: 'memory' },
  order_placed: { source: 'table', dropOffAlert: true },
} as const satisfies Record<string, EventSpec>;

let root: string;
let app: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'quietcount-cli-'));
  app = join(root, 'shop');
  await mkdir(app);
  await writeFile(join(app, 'quietcount.catalog.ts'), catalogSource(SHOP, "  app: 'shop',\n  eventIdMeaning: 'an order',\n"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const inApp = (argv: readonly string[], cwd = app) => runCli(argv, { cwd });

describe('quietcount', () => {
  it('lists its commands, and refuses an unknown one', async () => {
    const help = await inApp([]);
    expect(help.code).toBe(0);
    for (const command of ['docs', 'dashboards', 'rules', 'report', 'publish']) expect(help.stdout).toContain(`  ${command}`);
    const unknown = await inApp(['export']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "export"');
  });

  it.each(['docs', 'dashboards', 'rules', 'report', 'publish'])('%s has --help', async (command) => {
    const run = await inApp([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`usage: quietcount ${command}`);
  });

  it.each([
    [['docs', '--outdir', 'x'], "Unknown option '--outdir'"],
    [['rules', '--catalog'], "Option '--catalog <value>' argument missing"],
    [['dashboards', 'extra'], "Unexpected argument 'extra'"],
    [['docs', '--job', 'shop'], '--job does not apply to docs'],
    [['rules', '--job', 'a b'], 'is not a scrape job name'],
  ])('refuses %j with its usage', async (argv, message) => {
    const run = await inApp(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain(`usage: quietcount ${argv[0] ?? ''}`);
  });
});

describe('finding the catalog', () => {
  it('explains where it looked when there is none', async () => {
    const empty = join(root, 'empty');
    await mkdir(empty, { recursive: true });
    const run = await inApp(['docs'], empty);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no catalog found');
    expect(run.stderr).toContain('--catalog FILE');
  });

  it('takes the path from package.json, or --catalog', async () => {
    const elsewhere = join(root, 'elsewhere');
    await mkdir(join(elsewhere, 'telemetry'), { recursive: true });
    await writeFile(join(elsewhere, 'telemetry', 'events.ts'), catalogSource({ page_viewed: { source: 'memory' } }));
    await writeFile(join(elsewhere, 'package.json'), JSON.stringify({ name: 'elsewhere', type: 'module', quietcount: { catalog: 'telemetry/events.ts' } }));
    expect((await inApp(['docs'], elsewhere)).code).toBe(0);
    expect(await readFile(join(elsewhere, 'TELEMETRY.md'), 'utf8')).toContain('`page_viewed`');
    expect((await inApp(['docs', '--catalog', 'telemetry/events.ts', '--out', 'docs'], elsewhere)).code).toBe(0);
    expect(await readFile(join(elsewhere, 'docs', 'TELEMETRY.md'), 'utf8')).toContain('Generated from telemetry/events.ts');
  });

  it('refuses an invalid catalog, naming the entry and the rule', async () => {
    const broken = join(root, 'broken');
    await mkdir(broken, { recursive: true });
    await writeFile(join(broken, 'quietcount.catalog.ts'), catalogSource({ 'Checkout-Started': { source: 'memory' }, ok: { source: 'disk' as 'memory' } }));
    const run = await inApp(['rules'], broken);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('events."Checkout-Started": the name must be a safe label value');
    expect(run.stderr).toContain('events."ok".source: required: one of memory, table');
  });
});

describe('generating for an app', () => {
  it("writes TELEMETRY.md, dashboards and rules in the app's folder, in the app's words", async () => {
    for (const command of ['docs', 'dashboards', 'rules']) expect((await inApp([command])).code).toBe(0);
    const telemetryMd = await readFile(join(app, 'TELEMETRY.md'), 'utf8');
    expect(telemetryMd).toContain('# What shop collects');
    expect(telemetryMd).toContain('An `event_id`\nidentifies an order, never a person.');
    for (const name of Object.keys(SHOP)) expect(telemetryMd).toContain(`\`${name}\``);
    const productUsage = JSON.parse(await readFile(join(app, 'grafana/dashboards/product-usage.json'), 'utf8')) as { uid: string; panels: { title: string }[] };
    expect(productUsage.uid).toBe('shop-product-usage');
    expect(productUsage.panels.map((panel) => panel.title)).toContain('Checkouts started per day');
    const alerts = await readFile(join(app, 'prometheus/rules/alerts.yml'), 'utf8');
    expect(alerts).toContain('event_name=~"checkout_started|order_placed"');
    expect(alerts).not.toContain('directory');
  });

  it("states only what the catalog says of the deployment: no retention, secret name or config file of the reference stack", async () => {
    for (const command of ['docs', 'dashboards', 'rules']) expect((await inApp([command])).code).toBe(0);
    const telemetryMd = await readFile(join(app, 'TELEMETRY.md'), 'utf8');
    expect(telemetryMd).toContain('set by the Prometheus server that stores them');
    const health = await readFile(join(app, 'grafana/dashboards/telemetry-health.json'), 'utf8');
    const alerts = await readFile(join(app, 'prometheus/rules/alerts.yml'), 'utf8');
    for (const generated of [telemetryMd, health, alerts]) {
      for (const referenceFact of ['180', 'alertmanager_password', 'prometheus.yml', '/run/secrets']) expect(generated).not.toContain(referenceFact);
    }

    const retained = join(root, 'retained');
    await mkdir(retained, { recursive: true });
    await writeFile(join(retained, 'quietcount.catalog.ts'), catalogSource(SHOP, '  monitoring: { retentionDays: 90 },\n'));
    for (const command of ['docs', 'dashboards']) expect((await inApp([command], retained)).code).toBe(0);
    expect(await readFile(join(retained, 'TELEMETRY.md'), 'utf8')).toContain('Prometheus keeps the samples for 90 days.');
    expect(await readFile(join(retained, 'grafana/dashboards/telemetry-health.json'), 'utf8')).toContain("the app's catalog says 90 days");
  });

  it('--check passes on fresh files, and fails on a stale or missing one', async () => {
    for (const command of ['docs', 'dashboards', 'rules']) expect((await inApp([command])).code).toBe(0);
    expect((await inApp(['rules', '--check'])).code).toBe(0);
    await writeFile(join(app, 'prometheus/rules/alerts.yml'), '# edited by hand\n');
    await rm(join(app, 'prometheus/rules/recording.yml'));
    const stale = await inApp(['rules', '--check']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('prometheus/rules/recording.yml (missing), prometheus/rules/alerts.yml');
  });

  it('--check fails on an expired entry, so that the app CI notices before the app stops recording it', async () => {
    const expiring = join(root, 'expiring');
    await mkdir(expiring, { recursive: true });
    await writeFile(join(expiring, 'quietcount.catalog.ts'), catalogSource({ banner_clicked: { source: 'memory', expires: '2026-01-01' } }));
    expect((await inApp(['docs'], expiring)).code).toBe(0);
    const run = await inApp(['docs', '--check'], expiring);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('expired, no longer recorded: banner_clicked');
  });

  it('never writes into node_modules', async () => {
    const run = await inApp(['docs', '--out', 'node_modules/quietcount']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('inside node_modules');
  });

  it('takes the scrape job from --job over the catalog', async () => {
    const out = join(root, 'job');
    expect((await inApp(['rules', '--job', 'shop-api', '--out', out])).code).toBe(0);
    expect(await readFile(join(out, 'prometheus/rules/alerts.yml'), 'utf8')).toContain('up{job="shop-api"} == 0');
  });
});

describe('quietcount rules', () => {
  it('writes rules promtool accepts for any valid catalog', async () => {
    const eventName = fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/).filter((name) => name !== 'unmatched');
    const catalogs = fc.sample(
      fc.record({
        events: fc.dictionary(eventName, fc.record({ source: fc.constantFrom('memory' as const, 'table' as const), dropOffAlert: fc.boolean() }), { minKeys: 1, maxKeys: 8 }),
        job: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,30}$/),
        ratio: fc.double({ min: 0.01, max: 1, noNaN: true }),
      }),
      { numRuns: 6, seed: 20_261_201 },
    );
    const files: string[] = [];
    for (const [index, { events, job, ratio }] of catalogs.entries()) {
      const dir = join(root, `any-${String(index)}`);
      await mkdir(dir, { recursive: true });
      const monitoring = `  monitoring: { job: ${JSON.stringify(job)}, serverErrorRatio: ${String(ratio)}, dropOffRatio: ${String(ratio)} },\n`;
      await writeFile(join(dir, 'quietcount.catalog.ts'), catalogSource(events, monitoring));
      const run = await inApp(['rules'], dir);
      expect(run.stderr).toBe('');
      files.push(join(dir, 'prometheus/rules/recording.yml'), join(dir, 'prometheus/rules/alerts.yml'));
    }
    const checked = await promtool(['check', 'rules', ...files]);
    expect(checked.status, checked.output).toBe(0);
  });
});
