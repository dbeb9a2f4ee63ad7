/**
 * Alerts reach people: a real Prometheus (Debian's 2.42) and a real Alertmanager (Debian's 0.25) with the project's
 * own prometheus.yml, rules and alertmanager.yml, and the stack's alert-log webhook (src/alert-log.ts, started here on
 * an ephemeral loopback port) as the receiver. A recorder between the two keeps every notification as Alertmanager
 * sent it (what Slack or email would get too) and passes it on to the alert log. The app is a small express app instrumented with the
 * reference catalog, whose routes answer 5xx on demand (./support/status-app.ts).
 *
 * What the test changes, and only in its copies: the targets, ports and secret files; the scrape interval (2s), the
 * rule groups' intervals (2s, 4s) and the alerts' `for:` (seconds instead of minutes; expressions untouched); and
 * Alertmanager's group_wait, group_interval and repeat_interval (1s, 2s, 1h). Alertmanager runs with the committed
 * alertmanager/web.yml, and Prometheus sends its development password from the password file, as compose does with
 * this installation's. One run of everything serves the scenarios, in order:
 *
 *   spike     5xx on GET /api/flaky fire QuietcountHttpErrorRateSpike; healthy traffic then brings the 5-minute ratio
 *             under 5% and the alert resolves
 *   down      4xx and 5xx on GET /api/crashing make the error alerts pending; the app stops; the target-down alert
 *             fires first (its `for:` is the shortest here, as when an app dies) and the error alerts, firing in
 *             Prometheus after it, are inhibited in Alertmanager. So is a drop-off alert posted to Alertmanager as
 *             the rule shapes it: that rule compares 6 hours with a week earlier, which no test can wait for.
 *   privacy   every notification Alertmanager sent carries catalog labels and the rules' fixed text only, and the
 *             alert log logged each with nothing to drop
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertLog, type AlertLog } from '../../src/alert-log.ts';
import { buildDashboards } from '../../../../cli/src/generate/dashboards/dashboards.ts';
import { dashboardTargets, interpolate } from '../../../../cli/src/generate/dashboards/targets.ts';
import {
  ALERTMANAGER_WEB_CONFIG,
  DEVELOPMENT_PASSWORD,
  startAlertmanager,
  writeAlertmanagerConfig,
  type AlertmanagerServer,
} from '../../../../test/support/alertmanager.ts';
import { captureLogs } from '../../../../test/support/log-capture.ts';
import { startProjectPrometheus } from '../support/project-prometheus.ts';
import { PROMETHEUS_DIR, type TestTuning } from '../../../../test/support/prometheus-config.ts';
import { pollUntil, vectorElements } from '../support/prometheus-queries.ts';
import type { PrometheusServer } from '../../../../test/support/prometheus.ts';
import { referenceModel } from '../support/catalog.ts';
import { loadRules, yamlFilesIn, type AlertingRule } from '../../../../test/support/rules/rule-files.ts';
import { STATUS_ENDPOINTS, STATUS_ROUTES, startStatusApp, type StatusApp } from '../support/status-app.ts';

const METRICS_TOKEN = 'alerts-metrics-token-0123456789abcdef';
const TARGET_DOWN = 'QuietcountMetricsTargetDown';
const ERROR_SPIKE = 'QuietcountHttpErrorRateSpike';
const CLIENT_ERRORS = 'QuietcountHttpClientErrorsHigh';
const DROP_OFF = 'QuietcountUsageDropOff';
const FLAKY = `GET ${STATUS_ROUTES.flaky}`;
const CRASHING = `GET ${STATUS_ROUTES.crashing}`;

/**
 * `for:` in seconds. The target-down alert's is the shortest, so that when an app dies it fires before the error
 * alerts its last 5 minutes keep up (in production both wait 5m, and the error ratios of a dead app were pending
 * before it died, so the order is the same: the inhibition is what keeps them silent).
 */
const TUNING: TestTuning = {
  scrapeInterval: '2s',
  scrapeTimeout: '2s',
  groupIntervals: { 'quietcount-rates': '2s', 'quietcount-windows': '4s', 'quietcount-alerts': '2s' },
  alertFor: {
    QuietcountHttpErrorRateSpike: '30s',
    QuietcountHttpClientErrorsHigh: '30s',
    QuietcountUsageDropOff: '30s',
    QuietcountRejectionsRising: '30s',
    QuietcountEventIdOverflow: '30s',
    QuietcountEndpointOverflow: '30s',
    QuietcountMetricsTargetDown: '4s',
    QuietcountMetricsTargetMissing: '4s',
  },
};
const AM_TIMINGS = { groupWait: '1s', groupInterval: '2s', repeatInterval: '1h' };
/** A flush of every Alertmanager group, twice over: what a notification waits for at most, with room. */
const FLUSHES_MS = 2 * (1_000 + 2_000) + 2_000;
/** From traffic to a delivered notification: scrapes, rule groups, the longest `for:`, Alertmanager's flush. */
const DELIVERY_WAIT_MS = 90_000;

const WARM_UP_STATUSES = [200, 400, 500];
/** The labels an alert may carry: its name and severity, the schema labels its rule keeps, the target's. */
const ALLOWED_LABELS = new Set(['alertname', 'severity', 'endpoint', 'event_name', 'reason', 'job', 'instance']);

interface Alert {
  readonly status: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
  readonly fingerprint: string;
}
interface Notification {
  readonly receiver: string;
  readonly status: string;
  readonly alerts: readonly Alert[];
  readonly groupLabels: Record<string, string>;
  readonly commonLabels: Record<string, string>;
  readonly commonAnnotations: Record<string, string>;
  readonly externalURL: string;
  readonly version: string;
  readonly groupKey: string;
  readonly truncatedAlerts: number;
}
/** A line of the alert log: what it kept of a notification, and how much it dropped. */
interface LoggedLine {
  readonly notification: {
    readonly status: string;
    readonly groupLabels: Record<string, string>;
    readonly alerts: readonly Pick<Alert, 'status' | 'labels' | 'annotations'>[];
  };
  readonly dropped: { readonly labels: number; readonly annotations: number; readonly fields: number };
}
/** Alertmanager's v2 API view of an alert. */
interface ManagedAlert {
  readonly labels: Record<string, string>;
  readonly fingerprint: string;
  readonly status: { readonly state: string; readonly inhibitedBy: readonly string[] };
}

const rules = new Map(
  loadRules(yamlFilesIn(join(PROMETHEUS_DIR, 'rules')))
    .filter((rule): rule is AlertingRule => rule.kind === 'alerting')
    .map((rule) => [rule.name, rule]),
);
const rule = (name: string): AlertingRule => {
  const found = rules.get(name);
  if (found === undefined) throw new Error(`prometheus/rules has no alert ${name}`);
  return found;
};

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** What `{{ $value | humanize… }}` prints for any value, as a pattern. */
const VALUE_PATTERNS: Readonly<Record<string, string>> = {
  '$value | humanizePercentage': '-?\\d+(\\.\\d+)?(e[-+]?\\d+)?%',
  '$value | humanize': '-?\\d+(\\.\\d+)?(e[-+]?\\d+)?( ?[kMGTPEZYmunpfazyµ])?',
};

/**
 * An annotation template of a rule as the pattern of its rendered text: the fixed text verbatim, each
 * `{{ $labels.x }}` the alert's own value of x, each `{{ $value | … }}` a number. Any other template action fails.
 */
function renderedPattern(template: string, labels: Readonly<Record<string, string>>): RegExp {
  let pattern = '';
  let last = 0;
  for (const match of template.matchAll(/\{\{\s*(.*?)\s*\}\}/g)) {
    pattern += escape(template.slice(last, match.index));
    const action = match[1] ?? '';
    const label = /^\$labels\.(\w+)$/.exec(action)?.[1];
    if (label !== undefined) {
      const value = labels[label];
      if (value === undefined) throw new Error(`the template quotes ${label}, which the alert does not have`);
      pattern += escape(value);
    } else {
      const value = VALUE_PATTERNS[action];
      if (value === undefined) throw new Error(`a template action the test does not know: {{ ${action} }}`);
      pattern += value;
    }
    last = match.index + match[0].length;
  }
  return new RegExp(`^${pattern}${escape(template.slice(last))}$`);
}

/** PromQL as Prometheus prints it back: one space between tokens, none inside parentheses. */
const normalized = (expr: string): string => expr.trim().replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')');

/**
 * A webhook that keeps every notification as it arrives and passes it on to `target`, answering with its answer:
 * what Alertmanager delivers, beside what the alert log makes of it.
 */
async function startRecorder(target: string): Promise<{ url: string; received: () => Notification[]; close: () => Promise<void> }> {
  const notifications: Notification[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      notifications.push(JSON.parse(body) as Notification);
      fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
        (answer) => response.writeHead(answer.status).end(),
        () => response.writeHead(502).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    received: () => [...notifications],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => { resolve(); });
        server.closeAllConnections();
      }),
  };
}

let workDir: string;
let alertLog: AlertLog;
let received: () => Notification[];
let logged: () => LoggedLine[];
let alertmanager: AlertmanagerServer;
let app: StatusApp;
let prometheus: PrometheusServer;
const cleanups: (() => Promise<void>)[] = [];

const notificationsOf = (alertname: string, endpoint?: string): Notification[] =>
  received().filter((notification) =>
    notification.alerts.some((alert) => alert.labels.alertname === alertname && (endpoint === undefined || alert.labels.endpoint === endpoint)),
  );

async function waitForNotification(alertname: string, status: 'firing' | 'resolved', endpoint?: string): Promise<Notification> {
  const found = await pollUntil(
    () => Promise.resolve(notificationsOf(alertname, endpoint).find((notification) => notification.status === status)),
    (notification) => notification !== undefined,
    DELIVERY_WAIT_MS,
  );
  if (found === undefined) throw new Error(`no ${status} ${alertname} notification within ${String(DELIVERY_WAIT_MS)} ms; got ${JSON.stringify(received(), null, 1)}`);
  return found;
}

/** The states Prometheus reports for the alerts of `alertname` (and `endpoint`), e.g. ['pending']. */
async function prometheusStates(alertname: string, endpoint: string): Promise<string[]> {
  const elements = vectorElements(await prometheus.query(`ALERTS{alertname="${alertname}", endpoint="${endpoint}"}`));
  return elements.map(({ metric }) => metric.alertstate ?? '');
}

const managedAlerts = async (filter: string): Promise<ManagedAlert[]> =>
  (await alertmanager.get(`/api/v2/alerts?filter=${encodeURIComponent(filter)}`)) as ManagedAlert[];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'quietcount-alerts-'));
  cleanups.push(() => rm(workDir, { recursive: true, force: true }));

  const logs = captureLogs('info');
  alertLog = await startAlertLog({ host: '127.0.0.1', port: 0, logger: logs.logger });
  cleanups.push(() => alertLog.close());
  logged = () => logs.lines.map((line) => JSON.parse(line) as LoggedLine);
  const recorder = await startRecorder(`${alertLog.url}/alerts`);
  cleanups.push(() => recorder.close());
  received = recorder.received;

  alertmanager = await startAlertmanager({
    configFile: await writeAlertmanagerConfig(workDir, `${recorder.url}/alerts`, AM_TIMINGS),
    webConfigFile: ALERTMANAGER_WEB_CONFIG,
    basicAuth: { username: 'quietcount', password: DEVELOPMENT_PASSWORD },
  });
  cleanups.push(() => alertmanager.close());

  app = await startStatusApp(METRICS_TOKEN);
  cleanups.push(() => app.stop());

  prometheus = await startProjectPrometheus({
    workDir: join(workDir, 'prometheus'),
    metricsToken: METRICS_TOKEN,
    appTargets: [app.metricsTarget],
    alertmanagers: [alertmanager.target],
    alertmanagerPassword: DEVELOPMENT_PASSWORD,
    tuning: TUNING,
  });
  cleanups.push(() => prometheus.close());

  // A series counts from its first sample on (rate() takes that as its base): one response of each status on each
  // route, scraped before the scenarios, so that everything they send is counted.
  for (const path of Object.values(STATUS_ROUTES)) for (const status of WARM_UP_STATUSES) await app.answer(path, status, 1);
  const series = `count(http_responses_total{endpoint=~"${STATUS_ENDPOINTS.join('|')}"})`;
  await prometheus.waitForValue(series, STATUS_ENDPOINTS.length * WARM_UP_STATUSES.length, 30_000);
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('alerts from the real Prometheus through the real Alertmanager to the webhook', () => {
  it('fires the error-rate alert on a spike of 5xx on an endpoint, with its labels and annotations, and resolves it once the errors stop', { timeout: 3 * DELIVERY_WAIT_MS }, async () => {
    // 25% of 40 responses: over the 5% threshold and the 20-response floor.
    await app.answer(STATUS_ROUTES.flaky, 500, 10);
    await app.answer(STATUS_ROUTES.flaky, 200, 30);

    const firing = await waitForNotification(ERROR_SPIKE, 'firing', FLAKY);
    expect(firing).toMatchObject({ receiver: 'critical', status: 'firing', groupLabels: { alertname: ERROR_SPIKE, endpoint: FLAKY } });
    expect(firing.alerts).toHaveLength(1);
    const [alert] = firing.alerts;
    expect(alert?.labels).toEqual({ alertname: ERROR_SPIKE, endpoint: FLAKY, severity: 'critical' });
    expect(alert?.annotations.summary).toMatch(/^GET \/api\/flaky: \d+(\.\d+)?% of responses are server errors$/);
    expect(alert?.annotations.description).toMatch(renderedPattern(rule(ERROR_SPIKE).annotations.description ?? '', alert?.labels ?? {}));

    // The errors stop and the traffic goes on: 10 errors in 1,240 responses is under 1%.
    await app.answer(STATUS_ROUTES.flaky, 200, 1200);
    const resolved = await waitForNotification(ERROR_SPIKE, 'resolved', FLAKY);
    expect(resolved.alerts.map(({ status, labels }) => ({ status, labels }))).toEqual([{ status: 'resolved', labels: alert?.labels }]);
    expect(Date.parse(resolved.alerts[0]?.endsAt ?? '')).toBeGreaterThan(Date.parse(resolved.alerts[0]?.startsAt ?? ''));
  });

  it('fires the target-down alert when the app stops, and the error and drop-off alerts it inhibits reach nobody', { timeout: 3 * DELIVERY_WAIT_MS }, async () => {
    // 60% 4xx and 20% 5xx: both error alerts become pending.
    await app.answer(STATUS_ROUTES.crashing, 400, 24);
    await app.answer(STATUS_ROUTES.crashing, 500, 8);
    await app.answer(STATUS_ROUTES.crashing, 200, 8);
    const pending = await pollUntil(
      async () => [...(await prometheusStates(ERROR_SPIKE, CRASHING)), ...(await prometheusStates(CLIENT_ERRORS, CRASHING))],
      (states) => states.length === 2,
      DELIVERY_WAIT_MS,
    );
    expect(pending).toEqual(['pending', 'pending']);

    await app.stop();

    const down = await waitForNotification(TARGET_DOWN, 'firing');
    expect(down).toMatchObject({ receiver: 'critical', groupLabels: { alertname: TARGET_DOWN } });
    expect(down.alerts.map(({ labels }) => labels)).toEqual([{ alertname: TARGET_DOWN, instance: app.metricsTarget, job: 'quietcount', severity: 'critical' }]);
    expect(down.alerts[0]?.annotations.summary).toBe(`Prometheus cannot scrape ${app.metricsTarget}`);

    // Prometheus fires the error alerts of the endpoint (its last 5 minutes still hold the errors)...
    const firing = await pollUntil(
      async () => [...(await prometheusStates(ERROR_SPIKE, CRASHING)), ...(await prometheusStates(CLIENT_ERRORS, CRASHING))],
      (states) => states.every((state) => state === 'firing'),
      DELIVERY_WAIT_MS,
    );
    expect(firing).toEqual(['firing', 'firing']);
    // ...and a drop-off alert arrives, shaped as the rule makes it.
    const dropOffLabels = { alertname: DROP_OFF, event_name: 'event_signup', severity: 'warning' };
    const dropOff = rule(DROP_OFF);
    const render = (template: string): string => template.replaceAll('{{ $labels.event_name }}', dropOffLabels.event_name).replaceAll('{{ $value | humanizePercentage }}', '0%');
    await alertmanager.post('/api/v2/alerts', [
      {
        labels: dropOffLabels,
        annotations: { summary: render(dropOff.annotations.summary ?? ''), description: render(dropOff.annotations.description ?? '') },
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 5 * 60_000).toISOString(),
        generatorURL: `${prometheus.url}/graph`,
      },
    ]);

    // Alertmanager holds all three, each inhibited by the target-down alert.
    const [source] = await managedAlerts(`alertname="${TARGET_DOWN}"`);
    expect(source?.status.state).toBe('active');
    const inhibitedFilter = `alertname=~"${ERROR_SPIKE}|${CLIENT_ERRORS}|${DROP_OFF}"`;
    const inhibited = await pollUntil(
      async () => (await managedAlerts(inhibitedFilter)).filter((alert) => alert.labels.endpoint !== FLAKY),
      (alerts) => alerts.length === 3 && alerts.every((alert) => alert.status.state === 'suppressed'),
      DELIVERY_WAIT_MS,
    );
    expect(inhibited.map((alert) => [alert.labels.alertname, alert.status.state, alert.status.inhibitedBy]).sort()).toEqual(
      [CLIENT_ERRORS, ERROR_SPIKE, DROP_OFF].map((name) => [name, 'suppressed', [source?.fingerprint]]),
    );

    // Every group has been flushed, twice over, since: none of them reached the receiver.
    await new Promise((resolve) => setTimeout(resolve, FLUSHES_MS));
    expect(notificationsOf(ERROR_SPIKE, CRASHING)).toEqual([]);
    expect(notificationsOf(CLIENT_ERRORS)).toEqual([]);
    expect(notificationsOf(DROP_OFF)).toEqual([]);
  });

  it('shows on the telemetry-health dashboard that Prometheus reaches its Alertmanager and delivers without errors', async () => {
    const panel = (title: string) => dashboardTargets(buildDashboards(referenceModel).values()).filter((target) => target.panelTitle === title);
    const value = async (expr: string): Promise<number> => {
      const [element, ...more] = vectorElements(await prometheus.query(interpolate(expr, { __rate_interval: '1m' })));
      expect(more).toEqual([]);
      return Number(element?.value[1]);
    };
    const [reached] = panel('Alertmanagers reached');
    expect(await value(reached?.expr ?? '')).toBe(1);
    const sent: Record<string, number> = Object.fromEntries(
      await Promise.all(panel('Alerts sent to Alertmanager').map(async (target) => [target.legendFormat ?? '', await value(target.expr)] as const)),
    );
    expect(sent.sent).toBeGreaterThan(0);
    expect({ errors: sent.errors, dropped: sent.dropped }).toEqual({ errors: 0, dropped: 0 });
  });

  it('never delivers anything but catalog labels and the fixed text of the rules, which the alert log logs whole', () => {
    const notifications = received();
    // The alert log had nothing to drop: Prometheus' allow-list had done it. What it logged is what was delivered
    // (notifications of several groups may arrive at once, so in any order).
    const lines = logged();
    for (const line of lines) expect(line.dropped, JSON.stringify(line.notification)).toEqual({ labels: 0, annotations: 0, fields: 0 });
    const essentials = (notification: LoggedLine['notification']): string =>
      JSON.stringify([notification.status, notification.groupLabels, notification.alerts.map(({ status, labels, annotations }) => [status, labels, annotations])]);
    expect(lines.map((line) => essentials(line.notification)).sort()).toEqual(notifications.map(essentials).sort());

    // The spike (firing, resolved) and the down target at least.
    expect(notifications.length).toBeGreaterThanOrEqual(3);
    for (const notification of notifications) {
      expect(Object.keys(notification).sort()).toEqual([
        'alerts', 'commonAnnotations', 'commonLabels', 'externalURL', 'groupKey', 'groupLabels', 'receiver', 'status', 'truncatedAlerts', 'version',
      ]);
      expect(['critical', 'warning']).toContain(notification.receiver);
      expect(notification.externalURL).toBe(alertmanager.url);
      expect(notification.version).toBe('4');
      expect(notification.truncatedAlerts).toBe(0);
      for (const labels of [notification.groupLabels, notification.commonLabels]) {
        for (const name of Object.keys(labels)) expect(ALLOWED_LABELS, name).toContain(name);
      }
      // The group key names the route's matchers and the group's labels, nothing else.
      for (const [, name] of notification.groupKey.matchAll(/(\w+)=/g)) expect(ALLOWED_LABELS, notification.groupKey).toContain(name);
      for (const alert of notification.alerts) {
        const where = JSON.stringify(alert.labels);
        expect(Object.keys(alert).sort(), where).toEqual(['annotations', 'endsAt', 'fingerprint', 'generatorURL', 'labels', 'startsAt', 'status']);
        for (const name of Object.keys(alert.labels)) expect(ALLOWED_LABELS, where).toContain(name);
        const alertRule = rule(alert.labels.alertname ?? '');
        expect(alert.labels.severity, where).toBe(alertRule.labels.severity);
        if (alert.labels.endpoint !== undefined) expect(STATUS_ENDPOINTS, where).toContain(alert.labels.endpoint);
        if (alert.labels.job !== undefined) expect(alert.labels.job, where).toBe(referenceModel.monitoring.job);
        if (alert.labels.instance !== undefined) expect(alert.labels.instance, where).toBe(app.metricsTarget);
        expect(Object.keys(alert.annotations).sort(), where).toEqual(['description', 'summary']);
        for (const [name, text] of Object.entries(alert.annotations)) {
          expect(text, `${where} ${name}`).toMatch(renderedPattern(alertRule.annotations[name] ?? '', alert.labels));
        }
        // The link back to Prometheus carries the rule's expression, which reads catalog names only.
        const generator = new URL(alert.generatorURL);
        expect(generator.origin, where).toBe(new URL(prometheus.url).origin);
        expect(normalized(generator.searchParams.get('g0.expr') ?? ''), where).toBe(normalized(alertRule.expr));
      }
    }
  });
});
