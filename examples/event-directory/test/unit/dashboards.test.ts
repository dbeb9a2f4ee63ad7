/**
 * The generated dashboards: committed JSON in step with the code, every query valid PromQL over names Prometheus
 * really has (catalog metrics, recording rules of prometheus/rules/), and a lint in the spirit of Grafana's
 * dashboard-linter. Running the queries against a real Prometheus is the integration test's job
 * (`dashboardTargets(…)` + `interpolate()`).
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventNames, referenceModel, usageEvents } from '../support/catalog.ts';

const APP_JOB = referenceModel.monitoring.job;
const PROMETHEUS_JOB = referenceModel.monitoring.prometheusJob;
const PRODUCT_USAGE_UID = dashboardUid(referenceModel, 'product-usage');
import { metricFamilies } from 'quietcount';

const metricNames = Object.keys(metricFamilies);
import { rejectionReasons } from 'quietcount';

const rejectionReasonNames = Object.keys(rejectionReasons);
import { buildDashboards, renderDashboards, renderJson } from '../../../../cli/src/generate/dashboards/dashboards.ts';
import { dashboardUid } from '../../../../cli/src/generate/dashboards/new-dashboard.ts';
import { IN_RANGE_COLUMN, TODAY_COLUMN, TODAY_REF_ID, TODAY_SUFFIX } from '../../../../cli/src/generate/dashboards/daily-panels.ts';
import { DATASOURCE_VARIABLE, PROMETHEUS_DATASOURCE_NAME, PROMETHEUS_DATASOURCE_UID } from '../../../../cli/src/generate/dashboards/datasource.ts';
import { runCli } from '../../../../cli/test/support/cli.ts';
import { SCRAPE_INTERVAL } from '../../../../cli/src/generate/dashboards/prometheus-names.ts';
import { DAILY_USAGE, USAGE_TILES } from '../../../../cli/src/generate/rules/rule-names.ts';
import { EXAMPLE_DIR, REPO_ROOT } from '../../../../test/support/paths.ts';
import { pathToFileURL } from 'node:url';
import { dashboardTargets, interpolate, variablesOf, type DashboardTarget } from '../../../../cli/src/generate/dashboards/targets.ts';

const root = pathToFileURL(`${REPO_ROOT}/`);
const read = (path: string): Promise<string> => readFile(new URL(path, root), 'utf8');

/** The dashboards as Grafana reads them: the rendered JSON, not the SDK's objects. */
interface JsonTarget {
  readonly refId: string;
  readonly expr: string;
  readonly legendFormat?: string;
  readonly datasource?: unknown;
  readonly instant?: boolean;
}
interface JsonPanel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly description?: string;
  readonly datasource?: unknown;
  readonly interval?: string;
  readonly fieldConfig?: {
    readonly defaults: { readonly unit?: string; readonly custom?: { readonly barAlignment?: number; readonly fillOpacity?: number } };
    readonly overrides?: readonly { readonly matcher: { readonly id: string; readonly options: string }; readonly properties: readonly { readonly id: string; readonly value?: unknown }[] }[];
  };
  readonly targets?: readonly JsonTarget[];
}
interface JsonVariable {
  readonly type: string;
  readonly name: string;
  readonly query?: unknown;
  readonly datasource?: unknown;
  readonly multi?: boolean;
  readonly includeAll?: boolean;
}
interface JsonDashboard {
  readonly uid: string;
  readonly title: string;
  readonly description?: string;
  readonly editable: boolean;
  readonly panels: readonly JsonPanel[];
  readonly templating: { readonly list: readonly JsonVariable[] };
}

const dashboards = [...renderDashboards(referenceModel).values()].map((json) => JSON.parse(json) as JsonDashboard);
const dataPanels = (dashboard: JsonDashboard): JsonPanel[] => dashboard.panels.filter((panel) => panel.type !== 'row');
const targets = dashboardTargets(buildDashboards(referenceModel).values());

/**
 * Values for Grafana's built-in variables, each a duration no panel uses literally, so the window lint can tell
 * after parsing which variable a window came from.
 */
const BUILT_IN_SENTINELS: Readonly<Record<string, string>> = {
  __rate_interval: '61s',
  __interval: '59s',
  __range: '53h',
};
const sentinelOf = Object.fromEntries(Object.entries(BUILT_IN_SENTINELS).map(([name, value]) => [value, `$${name}`]));
/** Values a dashboard variable can take: `:regex` of one id, of several, and the custom "All" value. */
const EVENT_ID_VALUES = ['42', '42|0b8e4c1a\\-9d7f\\-4c7e\\-8a1b\\-2f6d3e5c9a10', '.*'];
/** Subqueries a panel may use (range and step, and whether pinned with `@ end()`), and why (the lint rejects any other). */
const DOCUMENTED_SUBQUERIES: readonly { readonly range: string; readonly step: string; readonly at: string; readonly why: string }[] = [
  { range: '$__range', step: '1d', at: '', why: 'the days that began within the range: the bars\' query at each UTC midnight of it' },
  { range: '1d', step: '1d', at: '', why: 'today so far: its one step is today\'s midnight' },
  { range: '1d', step: '1d', at: 'end', why: 'today so far in a range query: today\'s midnight is the range\'s end, as Grafana aligns it' },
  { range: '1s', step: '1s', at: 'end', why: 'the range\'s end as a value, to show today only at the last step' },
];
/**
 * Fixed windows a range function may use over one series, with their offset, and why (the lint rejects any other).
 * Read at a UTC midnight T, a window of one day ending a day later (`offset -1d`) is the day that begins at T.
 */
const DOCUMENTED_FIXED_WINDOWS: readonly { readonly fn: string; readonly metric: string; readonly window: string; readonly offset: string; readonly why: string }[] = [
  {
    fn: 'last_over_time',
    metric: DAILY_USAGE,
    window: '1d',
    offset: '-1d',
    why: 'the one sample the day rule recorded for the UTC day that begins at T, up to 5m before it ends',
  },
  { fn: 'sum_over_time', metric: USAGE_TILES, window: '1d', offset: '-1d', why: 'the five-minute tiles of the UTC day that begins at T, so far' },
];
const RAW_COUNTER_FUNCTIONS = new Set(['rate', 'irate', 'increase']);
/** Per range function, the Grafana variables its window may be. */
const WINDOW_VARIABLES: Readonly<Record<string, readonly string[]>> = {
  rate: ['$__rate_interval'],
  irate: ['$__rate_interval'],
  // A total over the chosen range, or an increase per rate interval.
  increase: ['$__rate_interval', '$__range'],
  // Over recording rules and scraped gauges: the values within each step (the panel's min interval keeps at least
  // one), or over the range.
  avg_over_time: ['$__interval', '$__range'],
  max_over_time: ['$__interval', '$__range'],
  sum_over_time: ['$__interval', '$__range'],
};

/** A node of the PromQL syntax tree (@lezer/common's, reached through the parser rather than imported). */
type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

interface ParsedTarget {
  readonly target: DashboardTarget;
  readonly expr: string;
  readonly top: SyntaxNode;
}

function parsePromql(expr: string): SyntaxNode {
  return parser.parse(expr).topNode;
}

function nodes(top: SyntaxNode, name: string): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  const cursor = top.cursor();
  do {
    if (cursor.name === name) found.push(cursor.node);
  } while (cursor.next());
  return found;
}

function errorPositions(top: SyntaxNode): number[] {
  const positions: number[] = [];
  const cursor = top.cursor();
  do {
    if (cursor.type.isError) positions.push(cursor.from);
  } while (cursor.next());
  return positions;
}

const text = (expr: string, node: SyntaxNode): string => expr.slice(node.from, node.to);

/** Metric names the expression selects (`Identifier` of every vector selector). */
function metricNamesIn(parsed: ParsedTarget): string[] {
  return nodes(parsed.top, 'VectorSelector').flatMap((selector) => {
    const identifier = selector.getChild('Identifier');
    return identifier === null ? [] : [text(parsed.expr, identifier)];
  });
}

/** The `offset` and `@` wrapped around a matrix selector or subquery, innermost first. */
const MODIFIERS = new Set(['OffsetExpr', 'StepInvariantExpr']);

/** The outermost `offset` / `@` node around `node`, or `node` itself. */
function withModifiers(node: SyntaxNode): SyntaxNode {
  let outer = node;
  while (outer.parent !== null && MODIFIERS.has(outer.parent.name)) outer = outer.parent;
  return outer;
}

/** `-1d` for `x[1d] offset -1d`, '' without an offset. */
function offsetOf(expr: string, node: SyntaxNode): string {
  let current: SyntaxNode | null = node.parent;
  while (current !== null && MODIFIERS.has(current.name)) {
    const duration = current.getChild('OffsetDurationExpr');
    if (duration !== null) return text(expr, duration);
    current = current.parent;
  }
  return '';
}

/** `end` for `x[1d:1d] @ end()`, '' when not pinned. */
function pinnedAt(expr: string, node: SyntaxNode): string {
  let current: SyntaxNode | null = node.parent;
  while (current !== null && MODIFIERS.has(current.name)) {
    const at = current.getChild('AtModifierPreprocessors');
    if (at !== null) return text(expr, at);
    current = current.parent;
  }
  return '';
}

/** The function a matrix selector or subquery (with its offset and `@`) is the argument of. */
function enclosingFunction(expr: string, node: SyntaxNode): string | undefined {
  const body = withModifiers(node).parent;
  const call = body?.name === 'FunctionCallBody' ? body.parent : null;
  const identifier = call?.getChild('FunctionIdentifier');
  return identifier === null || identifier === undefined ? undefined : text(expr, identifier);
}

function parseTargets(eventIdValue: string): ParsedTarget[] {
  return targets.map((target) => {
    const expr = interpolate(target.expr, { ...BUILT_IN_SENTINELS, event_id: eventIdValue });
    return { target, expr, top: parsePromql(expr) };
  });
}

const parsed = parseTargets(EVENT_ID_VALUES[0] ?? '');
const where = (target: DashboardTarget): string => `${target.dashboardUid} / ${target.panelTitle} / ${target.refId}: ${target.expr}`;

let recordedRules: Set<string>;
/** Recording rule name → the evaluation interval of its group. */
let ruleIntervals: Map<string, string>;
let prometheusConfig: { global: { scrape_interval: string }; scrape_configs: { job_name: string }[] };

beforeAll(async () => {
  const ruleDirectory = new URL('prometheus/rules/', root);
  const ruleFiles = (await readdir(ruleDirectory)).filter((file) => file.endsWith('.yml'));
  type RuleFile = { groups: { interval?: string; rules: { record?: string }[] }[] };
  const groups = await Promise.all(
    ruleFiles.map(async (file) => (parseYaml(await readFile(new URL(file, ruleDirectory), 'utf8')) as RuleFile).groups),
  );
  ruleIntervals = new Map(
    groups.flat().flatMap((group) => group.rules.flatMap((rule) => (rule.record === undefined ? [] : [[rule.record, group.interval ?? '1m'] as const]))),
  );
  recordedRules = new Set(ruleIntervals.keys());
  prometheusConfig = parseYaml(await read('prometheus.yml')) as typeof prometheusConfig;
});

describe('the committed dashboards', () => {
  it('are exactly what the code generates (run `npm run generate` after changing src/dashboards or the catalog)', async () => {
    const committed = (await readdir(new URL('grafana/dashboards/', root))).filter((file) => file.endsWith('.json')).sort();
    expect(committed.map((file) => `grafana/dashboards/${file}`)).toEqual([...renderDashboards(referenceModel).keys()].sort());
    for (const [path, content] of renderDashboards(referenceModel)) {
      expect(await read(path), `${path} is stale: run npm run generate`).toBe(content);
    }
  });

  it('render deterministically: sorted keys at every level, two-space indent, one trailing newline', () => {
    expect(renderJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe(
      '{\n  "a": {\n    "c": null,\n    "d": [\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n',
    );
    expect([...renderDashboards(referenceModel)]).toEqual([...renderDashboards(referenceModel)]);
  });
});

describe('quietcount dashboards', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'quietcount-dashboards-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes every dashboard, then --check passes on them and fails once one changes', async () => {
    expect((await runCli(['dashboards', '--out', directory], { cwd: EXAMPLE_DIR })).code).toBe(0);
    for (const [path, content] of renderDashboards(referenceModel)) expect(await readFile(join(directory, path), 'utf8')).toBe(content);
    expect((await runCli(['dashboards', '--out', directory, '--check'], { cwd: EXAMPLE_DIR })).code).toBe(0);
    await writeFile(join(directory, 'grafana/dashboards/errors.json'), '{}\n');
    const stale = await runCli(['dashboards', '--out', directory, '--check'], { cwd: EXAMPLE_DIR });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('out of date');
    expect(stale.stderr).toContain('grafana/dashboards/errors.json');
  });

  it('refuses an unknown option, printing the usage', async () => {
    const run = await runCli(['dashboards', '--outdir', directory], { cwd: EXAMPLE_DIR });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Unknown option '--outdir'");
    expect(run.stderr).toContain('usage: quietcount dashboards');
  });
});

describe('every dashboard', () => {
  it('has a pinned, unique uid and title, a description, and unique panel ids', () => {
    const uids = dashboards.map((dashboard) => dashboard.uid);
    expect(new Set(uids).size).toBe(dashboards.length);
    for (const dashboard of dashboards) {
      expect(dashboard.uid).toMatch(/^quietcount-[a-z-]+$/);
      expect(dashboard.title).toMatch(/^quietcount: /);
      expect(dashboard.description?.length).toBeGreaterThan(20);
      expect(dashboard.editable).toBe(false);
      const ids = dashboard.panels.map((panel) => panel.id);
      expect(ids.every((id) => Number.isInteger(id))).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
    }
    expect(new Set(dashboards.map((dashboard) => dashboard.title)).size).toBe(dashboards.length);
  });

  it('has exactly one data source variable, of type prometheus, defaulting to the provisioned data source', () => {
    for (const dashboard of dashboards) {
      const sources = dashboard.templating.list.filter((variable) => variable.type === 'datasource');
      expect(sources).toHaveLength(1);
      expect(sources[0]).toMatchObject({
        name: DATASOURCE_VARIABLE,
        query: 'prometheus',
        current: { text: PROMETHEUS_DATASOURCE_NAME, value: PROMETHEUS_DATASOURCE_UID },
      });
    }
  });

  it('reads only through that variable: every panel, target and query variable', () => {
    const viaVariable = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` };
    for (const dashboard of dashboards) {
      for (const panel of dataPanels(dashboard)) {
        expect(panel.datasource, panel.title).toEqual(viaVariable);
        for (const target of panel.targets ?? []) expect(target.datasource, panel.title).toEqual(viaVariable);
      }
      for (const variable of dashboard.templating.list) {
        if (variable.type === 'query') expect(variable.datasource, variable.name).toEqual(viaVariable);
      }
    }
  });

  it('gives every panel a title, a description, a unit and at least one query', () => {
    for (const dashboard of dashboards) {
      for (const panel of dataPanels(dashboard)) {
        expect(panel.title.length, String(panel.id)).toBeGreaterThan(3);
        expect(panel.description?.length, panel.title).toBeGreaterThan(20);
        expect(panel.fieldConfig?.defaults.unit, panel.title).toMatch(/^(\w+|suffix: \w+)$/);
        expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      }
    }
  });

  it('uses only variables it defines or Grafana has built in', () => {
    const builtIn = Object.keys(BUILT_IN_SENTINELS);
    for (const dashboard of dashboards) {
      const defined = new Set([...builtIn, ...dashboard.templating.list.map((variable) => variable.name)]);
      for (const target of targets.filter((candidate) => candidate.dashboardUid === dashboard.uid)) {
        for (const variable of target.variables) expect(defined, where(target)).toContain(variable);
      }
    }
  });
});

describe('every panel query', () => {
  it.each(EVENT_ID_VALUES)('parses as PromQL with event_id = %s', (eventId) => {
    for (const { target, expr, top } of parseTargets(eventId)) {
      expect(errorPositions(top), `${where(target)}\n  -> ${expr}`).toEqual([]);
    }
  });

  it('selects only catalog metrics, recording rules of prometheus/rules/, and Prometheus or Node.js process metrics', () => {
    const processMetrics = /^(process|nodejs)_[a-z0-9_]+$/;
    const prometheusMetrics = /^(up|scrape_[a-z_]+|prometheus_(tsdb|notifications|remote_storage)_[a-z_]+)$/;
    for (const target of parsed) {
      for (const name of metricNamesIn(target)) {
        if (name.includes(':')) expect(recordedRules, `${where(target.target)}: rule ${name}`).toContain(name);
        else if (/^(analytics|http)_/.test(name)) expect(metricNames, where(target.target)).toContain(name);
        else expect(processMetrics.test(name) || prometheusMetrics.test(name), `${where(target.target)}: ${name}`).toBe(true);
      }
    }
  });

  it('reads raw counters (*_total) only inside rate(), irate() or increase()', () => {
    let rawCounters = 0;
    for (const { target, expr, top } of parsed) {
      for (const selector of nodes(top, 'VectorSelector')) {
        const identifier = selector.getChild('Identifier');
        if (identifier === null || !text(expr, identifier).endsWith('_total')) continue;
        rawCounters += 1;
        const matrix = selector.parent;
        expect(matrix?.name, where(target)).toBe('MatrixSelector');
        expect(RAW_COUNTER_FUNCTIONS, where(target)).toContain(matrix === null ? undefined : enclosingFunction(expr, matrix));
      }
    }
    expect(rawCounters).toBeGreaterThan(0);
  });

  it('windows every range function with a Grafana interval variable, or a documented fixed window', () => {
    let fixed = 0;
    for (const { target, expr, top } of parsed) {
      for (const matrix of nodes(top, 'MatrixSelector')) {
        const fn = enclosingFunction(expr, matrix) ?? '';
        const window = text(expr, matrix.getChild('DurationExpr') ?? matrix);
        const metric = matrix.getChild('VectorSelector')?.getChild('Identifier');
        const offset = offsetOf(expr, matrix);
        const documented = DOCUMENTED_FIXED_WINDOWS.some(
          (allowed) =>
            allowed.fn === fn && allowed.window === window && allowed.offset === offset && metric !== null && metric !== undefined && allowed.metric === text(expr, metric),
        );
        if (documented) fixed += 1;
        else {
          expect(offset, `${where(target)}: ${fn}[${window}] offset ${offset}`).toBe('');
          expect(WINDOW_VARIABLES[fn] ?? [], `${where(target)}: ${fn}[${window}]`).toContain(sentinelOf[window]);
        }
      }
    }
    expect(fixed).toBeGreaterThan(0);
  });

  it('uses only documented subqueries: their range, step and pinning', () => {
    const used = new Set<string>();
    for (const { target, expr, top } of parsed) {
      for (const subquery of nodes(top, 'SubqueryExpr')) {
        const [range = '', step = ''] = subquery.getChildren('DurationExpr').map((duration) => text(expr, duration));
        const found = { range: sentinelOf[range] ?? range, step, at: pinnedAt(expr, subquery) };
        const documented = DOCUMENTED_SUBQUERIES.find((allowed) => allowed.range === found.range && allowed.step === found.step && allowed.at === found.at);
        expect(documented, `${where(target)}: ${JSON.stringify(found)}`).toBeDefined();
        used.add(documented?.why ?? '');
      }
    }
    expect(used.size).toBe(DOCUMENTED_SUBQUERIES.length);
  });

  it('keeps two samples in every [$__interval]: steps of at least twice the rule group interval or the scrape interval', () => {
    const seconds = (duration: string): number => Number(duration.slice(0, -1)) * { s: 1, m: 60, h: 3600, d: 86_400 }[duration.at(-1) as 's'];
    for (const dashboard of dashboards) {
      for (const panel of dataPanels(dashboard)) {
        const windowed = parsed.filter(({ target }) => target.dashboardUid === dashboard.uid && target.panelTitle === panel.title && target.expr.includes('[$__interval]'));
        for (const { target } of windowed) {
          const rules = target.expr.match(/\w+:\w+:\w+/g) ?? [];
          const sampleInterval = rules.length === 0 ? seconds(SCRAPE_INTERVAL) : Math.max(...rules.map((rule) => seconds(ruleIntervals.get(rule) ?? '1d')));
          expect(seconds(panel.interval ?? '0s'), where(target)).toBeGreaterThanOrEqual(2 * sampleInterval);
        }
      }
    }
  });

  it("reads only Prometheus' own metrics that its self-scrape job keeps (prometheus.yml drops the others)", () => {
    type Job = { job_name: string; metric_relabel_configs?: { source_labels?: string[]; regex?: string; action?: string }[] };
    const selfScrape = (prometheusConfig.scrape_configs as Job[]).find((job) => job.job_name === PROMETHEUS_JOB);
    const keep = selfScrape?.metric_relabel_configs?.find((rule) => rule.action === 'keep' && rule.source_labels?.join() === '__name__');
    expect(keep?.regex).toBeDefined();
    // Prometheus anchors relabel regexes at both ends.
    const kept = new RegExp(`^(?:${keep?.regex ?? ''})$`);
    const own = [...new Set(parsed.flatMap((target) => metricNamesIn(target)).filter((name) => name.startsWith('prometheus_')))];
    expect(own.length).toBeGreaterThan(0);
    expect(own.filter((name) => !kept.test(name))).toEqual([]);
  });

  it('names scrape jobs and an interval that prometheus.yml has', () => {
    expect(prometheusConfig.global.scrape_interval).toBe(SCRAPE_INTERVAL);
    const jobs = prometheusConfig.scrape_configs.map((job) => job.job_name);
    expect(jobs).toContain(APP_JOB);
    expect(jobs, `prometheus.yml needs a "${PROMETHEUS_JOB}" self-scrape job for the retention and storage panels`).toContain(PROMETHEUS_JOB);
    const jobMatchers = parsed.flatMap(({ expr }) => [...expr.matchAll(/job="([^"]+)"/g)].map((match) => match[1]));
    expect(new Set(jobMatchers)).toEqual(new Set([APP_JOB, PROMETHEUS_JOB]));
  });
});

describe('the product usage dashboard', () => {
  const productUsage = dashboards.find((dashboard) => dashboard.uid === PRODUCT_USAGE_UID);
  const panels = productUsage === undefined ? [] : dataPanels(productUsage);

  it('has a daily bars panel and a totals panel for every usage event of the catalog, described from the catalog', () => {
    expect(panels.map((panel) => panel.title)).toEqual(eventNames.flatMap((name) => [`${name} per day`, `${name} totals`]));
    for (const [index, name] of eventNames.entries()) {
      const pair = panels.slice(index * 2, index * 2 + 2);
      for (const panel of pair) {
        expect(panel.description).toContain(usageEvents[name].description);
        expect(panel.description).toContain(usageEvents[name].question);
        for (const target of panel.targets ?? []) expect(target.expr).toContain(`event_name="${name}"`);
      }
      const [bars, totals] = pair;
      expect(bars).toMatchObject({ type: 'timeseries', interval: '1d', fieldConfig: { defaults: { custom: { drawStyle: 'bars' } } } });
      expect(totals).toMatchObject({ type: 'table' });
      expect(totals?.targets?.every((target) => target.instant === true)).toBe(true);
    }
  });

  it('filters by an event_id variable: multi-value, with All, from the 5-minute tiles rule', () => {
    const variable = productUsage?.templating.list.find((candidate) => candidate.name === 'event_id');
    expect(variable).toMatchObject({ type: 'query', multi: true, includeAll: true, allValue: '.*' });
    const query = typeof variable?.query === 'string' ? variable.query : '';
    const metric = /^label_values\(([\w:]+), event_id\)$/.exec(query)?.[1];
    expect(recordedRules).toContain(metric);
    expect(metric).toBe(USAGE_TILES);
    for (const panel of panels) {
      for (const target of panel.targets ?? []) expect(target.expr).toContain('event_id=~"${event_id:regex}"');
    }
  });
});

const PER_EVENT_UID = dashboardUid(referenceModel, 'per-event');
const overridesOf = (panel: JsonPanel | undefined, matcher: string, options: string): Map<string, unknown> =>
  new Map(
    (panel?.fieldConfig?.overrides ?? [])
      .filter((override) => override.matcher.id === matcher && override.matcher.options === options)
      .flatMap((override) => override.properties.map((property) => [property.id, property.value] as const)),
  );
const linkUrls = (links: unknown): string[] => (links as { url: string }[] | undefined)?.map((link) => link.url) ?? [];

describe('every daily bars panel (product usage and per event)', () => {
  const barsPanels = dashboards
    .filter((dashboard) => dashboard.uid === PRODUCT_USAGE_UID || dashboard.uid === PER_EVENT_UID)
    .flatMap(dataPanels)
    .filter((panel) => panel.interval === '1d' && panel.type === 'timeseries');

  it('draws each UTC day from its midnight: whole days from the day rule, read forwards', () => {
    expect(barsPanels).toHaveLength(2 * eventNames.length);
    for (const panel of barsPanels) {
      expect(panel.fieldConfig?.defaults.custom?.barAlignment, panel.title).toBe(1);
      const whole = panel.targets?.find((target) => target.refId === 'A');
      expect(whole?.expr, panel.title).toContain(`last_over_time(${DAILY_USAGE}{`);
      expect(whole?.expr, panel.title).toContain('[1d] offset -1d)');
      expect(whole?.expr, panel.title).not.toContain(USAGE_TILES);
    }
  });

  it(`adds today so far as query ${TODAY_REF_ID}, from the tiles, only at the range's last step, pale, in one colour and named "${TODAY_SUFFIX}"`, () => {
    for (const panel of barsPanels) {
      const today = panel.targets?.find((target) => target.refId === TODAY_REF_ID);
      expect(today?.expr, panel.title).toContain(`sum_over_time(${USAGE_TILES}{`);
      expect(today?.expr, panel.title).toContain('@ end()');
      expect(today?.legendFormat, panel.title).toMatch(new RegExp(`${TODAY_SUFFIX.replace(/[()]/g, '\\$&')}$`));
      const look = overridesOf(panel, 'byFrameRefID', TODAY_REF_ID);
      expect(look.get('color'), panel.title).toMatchObject({ mode: 'fixed' });
      expect(look.get('custom.fillOpacity'), panel.title).toBeLessThan(panel.fieldConfig?.defaults.custom?.fillOpacity ?? 0);
      expect(panel.description, panel.title).toContain(TODAY_SUFFIX);
    }
  });
});

describe('the product usage totals', () => {
  it(`show "${TODAY_COLUMN}" and "${IN_RANGE_COLUMN}" (today included) per event id`, () => {
    const productUsage = dashboards.find((dashboard) => dashboard.uid === PRODUCT_USAGE_UID);
    const tables = (productUsage === undefined ? [] : dataPanels(productUsage)).filter((panel) => panel.type === 'table');
    expect(tables).toHaveLength(eventNames.length);
    for (const table of tables) {
      expect(JSON.stringify(table)).toContain(`"renameByName":{"Value #A":"${TODAY_COLUMN}","Value #B":"${IN_RANGE_COLUMN}"}`);
      const [today, inRange] = table.targets ?? [];
      expect(inRange?.expr).toContain('[$__range:1d]');
      // The range total adds today's part to the whole days.
      expect(inRange?.expr).toContain(today?.expr.replace(/^sum by \(event_id\) \((.*)\)$/, '$1'));
    }
  });
});

describe('the per-event view', () => {
  const perEvent = dashboards.find((dashboard) => dashboard.uid === PER_EVENT_UID);
  const panels = perEvent === undefined ? [] : dataPanels(perEvent);

  it('shows one event id at a time, from the tiles rule', () => {
    const variable = perEvent?.templating.list.find((candidate) => candidate.name === 'event_id');
    expect(variable).toMatchObject({ type: 'query', multi: false, includeAll: false, query: `label_values(${USAGE_TILES}, event_id)` });
    for (const panel of panels) for (const target of panel.targets ?? []) expect(target.expr, panel.title).toContain('event_id=~"${event_id:regex}"');
  });

  it('has a totals table of every event of the catalog, then daily bars for each, described from the catalog', () => {
    const [totals, ...bars] = panels;
    expect(totals?.type).toBe('table');
    for (const target of totals?.targets ?? []) expect(target.expr).toContain(`event_name=~"${eventNames.join('|')}"`);
    expect(JSON.stringify(totals)).toContain(`"renameByName":{"Value #A":"${TODAY_COLUMN}","Value #B":"${IN_RANGE_COLUMN}"}`);
    expect(bars.map((panel) => panel.title)).toEqual(eventNames.map((name) => `${name} per day`));
    for (const [index, name] of eventNames.entries()) {
      expect(bars[index]?.description).toContain(usageEvents[name].question);
      for (const target of bars[index]?.targets ?? []) {
        expect(target.expr).toContain(`event_name="${name}"`);
        // One bar per day: the event id is chosen, nothing to stack by.
        expect(target.expr).toMatch(/^sum\(/);
      }
    }
  });

  it('is reached from the overview by a data link on every event id, keeping the time range and the data source', () => {
    const productUsage = dashboards.find((dashboard) => dashboard.uid === PRODUCT_USAGE_UID);
    const overview = productUsage === undefined ? [] : dataPanels(productUsage);
    const expected = (id: string): string => `/d/${PER_EVENT_UID}?var-event_id=${id}&\${datasource:queryparam}&\${__url_time_range}`;
    for (const panel of overview) {
      if (panel.type === 'table') {
        expect(linkUrls(overridesOf(panel, 'byName', 'event_id').get('links')), panel.title).toEqual([expected('${__value.raw}')]);
      } else {
        for (const refId of ['A', TODAY_REF_ID]) {
          expect(linkUrls(overridesOf(panel, 'byFrameRefID', refId).get('links')), panel.title).toEqual([expected('${__field.labels.event_id}')]);
        }
      }
    }
    expect(overview).toHaveLength(2 * eventNames.length);
  });
});

describe('the telemetry health dashboard', () => {
  it('explains every rejection reason of the catalog', () => {
    const rejections = targets.find((target) => target.panelTitle === 'Rejections per second by reason');
    const panel = dashboards.flatMap(dataPanels).find((candidate) => candidate.title === rejections?.panelTitle);
    for (const reason of rejectionReasonNames) expect(panel?.description).toContain(reason);
  });
});

describe('dashboardTargets()', () => {
  it('lists every query of every panel, with the variables it needs', () => {
    const queries = dashboards.flatMap((dashboard) => dataPanels(dashboard).flatMap((panel) => panel.targets ?? []));
    expect(targets).toHaveLength(queries.length);
    for (const target of targets) {
      expect(target.expr.length).toBeGreaterThan(0);
      expect(target.refId).toMatch(/^[A-Z]$/);
      expect(target.variables).toEqual(variablesOf(target.expr));
    }
    const bars = targets.find((target) => target.panelTitle === 'event_signup per day');
    expect(bars?.variables).toEqual(['event_id']);
    expect(targets.find((target) => target.panelTitle === 'App CPU')?.variables).toEqual(['__rate_interval']);
    expect(targets.find((target) => target.panelTitle === 'Retention in force')?.minimumPrometheusVersion).toBe('2.48.0');
  });

  it('fills variables in every reference form, and refuses to leave one unfilled', () => {
    expect(interpolate('rate(x[$__rate_interval]) + y{a=~"${a:regex}", b="${b}", c="[[c]]"}', { __rate_interval: '1m', a: '1|2', b: 'x', c: 'y' })).toBe(
      'rate(x[1m]) + y{a=~"1|2", b="x", c="y"}',
    );
    expect(() => interpolate('x[$__range]', {})).toThrow(/no value for \$__range/);
  });
});

describe('Grafana provisioning', () => {
  it('provisions the data source the dashboards default to, with basic auth from a secret file', async () => {
    const { datasources } = parseYaml(await read('grafana/provisioning/datasources/prometheus.yaml')) as {
      datasources: Record<string, unknown>[];
    };
    expect(datasources).toHaveLength(1);
    expect(datasources[0]).toMatchObject({
      name: PROMETHEUS_DATASOURCE_NAME,
      uid: PROMETHEUS_DATASOURCE_UID,
      type: 'prometheus',
      url: 'http://prometheus:9090',
      editable: false,
      basicAuth: true,
      jsonData: { timeInterval: SCRAPE_INTERVAL },
      secureJsonData: { basicAuthPassword: expect.stringMatching(/^\$__file\{\/run\/secrets\/\w+\}$/) as unknown },
    });
    const webConfig = parseYaml(await read('prometheus/web.yml')) as { basic_auth_users: Record<string, string> };
    expect(Object.keys(webConfig.basic_auth_users)).toContain(datasources[0]?.basicAuthUser);
  });

  it('loads the dashboards read-only from a file provider', async () => {
    const { providers } = parseYaml(await read('grafana/provisioning/dashboards/quietcount.yaml')) as { providers: Record<string, unknown>[] };
    expect(providers).toHaveLength(1);
    expect(providers[0]).toMatchObject({ type: 'file', allowUiUpdates: false, disableDeletion: true });
  });
});
